// One error envelope: domain code throws AppError with a code; app.onError maps it to RFC 9457 problem+json.
import type { ZodError } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [extension: string]: unknown;
}

/**
 * Every problem `code` the server answers with, in one closed list: a typo in a throw, a test or the widget's table of
 * codes it explains (domain/site/widget-texts.ts, widget/api.ts) fails the type check. The `type` URI is derived from
 * it (RFC 9457 section 3.1.1: a URI reference naming the problem type).
 */
export const PROBLEM_CODES = [
  // Input
  'bad_request',
  'validation_failed',
  'malformed_json',
  'malformed_form',
  'no_site_yet',
  'json_too_deep',
  'body_too_large',
  'import_too_large',
  'unsupported_media_type',
  'invalid_phone',
  'invalid_tile_path',
  'country_not_allowed',
  'stale_texts',
  'template_invalid',
  'template_variable_missing',
  // Access and origin
  'unauthorized',
  'forbidden',
  'passkey_refused',
  'csrf_refused',
  'cross_site_form',
  'origin_not_allowed',
  'misdirected_request',
  'challenge_required',
  'rate_limited',
  // State
  'not_found',
  'conflict',
  'site_exists',
  'already_subscribed',
  'suppressed',
  'renewal_running',
  'too_many_endpoints',
  'not_rotatable',
  'misconfigured',
  'no_policy',
  'policy_refused',
  'policy_incomplete',
  'policy_locale_unsupported',
  'policy_template_missing',
  'policy_hard_to_read',
  'sender_not_allowed',
  // Witness (C2SP tlog-witness add-checkpoint)
  'malformed_request',
  'old_size_too_large',
  'bad_log_signature',
  'unknown_log',
  'unknown_log_key',
  'inconsistent',
  // Ours, not the request's
  'client_closed',
  'unavailable',
  'storage_unavailable',
  'internal',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export class AppError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(
    code: ProblemCode,
    status: number,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const notFound = (detail: string) => new AppError('not_found', 404, detail);
export const unauthorized = (detail = 'A valid API key is required.') =>
  new AppError('unauthorized', 401, detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail: string) => new AppError('forbidden', 403, detail);
export const conflict = (detail: string) => new AppError('conflict', 409, detail);

/** Seconds a client should wait before retrying after a storage fault. */
export const STORAGE_RETRY_AFTER_S = 5;

/** The database could not be read or written (disk full, read-only, I/O, locked, unreachable): retry later. */
export class StorageUnavailable extends AppError {
  constructor(readonly reason: string) {
    super('storage_unavailable', 503, 'Storage is unavailable right now; nothing was changed. Retry shortly.', {
      headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_S) },
    });
    this.name = 'StorageUnavailable';
  }
}

/** What a key no schema knows is told (zod reports it at the object that holds it; we name the key itself). */
export const UNKNOWN_KEY = 'Unknown key: remove it or check its spelling.';

/**
 * Field errors from a zod failure, paths joined with dots (`sms.accountSid`, `purposes.0.basis`). A strict object's
 * unknown keys are named each by its own path, told `unknownKey(key)`.
 */
export function zodFieldErrors(
  error: ZodError,
  prefix = '',
  unknownKey: (key: string) => string = () => UNKNOWN_KEY,
): FieldError[] {
  const named = (path: PropertyKey[], message: string) => {
    const joined = [prefix, ...path.map(String)].filter(Boolean).join('.');
    return { path: joined || '(body)', message };
  };
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => named([...issue.path, key], unknownKey(key)))
      : [named(issue.path, issue.message)],
  );
}

export function validationError(error: ZodError, prefix = '', unknownKey?: (key: string) => string): AppError {
  const errors = zodFieldErrors(error, prefix, unknownKey);
  const fields = [...new Set(errors.map((e) => e.path))].join(', ');
  return new AppError('validation_failed', 422, `Invalid value for: ${fields}.`, { errors });
}

export function problemOf(error: AppError, requestId?: string): Problem {
  return {
    type: `https://assent.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
    ...(requestId ? { requestId } : {}),
  };
}

/** The one rendering of an error as RFC 9457 problem+json: body, status and headers. */
export function problemParts(
  error: AppError,
  requestId?: string,
): { body: string; status: number; headers: Record<string, string> } {
  return {
    body: JSON.stringify(problemOf(error, requestId)),
    status: error.status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...error.headers },
  };
}

/** A problem as a standalone Response (answers given outside the app, e.g. an entry that cannot start it). */
export function problemResponse(error: AppError, requestId?: string): Response {
  const { body, status, headers } = problemParts(error, requestId);
  return new Response(body, { status, headers });
}

/** A body that is not JSON at all (as opposed to JSON of the wrong shape, a 422). */
export function malformedJson(): AppError {
  return new AppError('malformed_json', 400, 'The body is not valid JSON.', {
    errors: [{ path: '(body)', message: 'Malformed JSON.' }],
  });
}
