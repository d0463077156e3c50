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

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(
    code: string,
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

// SQLite result codes that say the storage, not the request, is at fault (extended codes share the prefix).
const SQLITE_FAULT = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM)/;
// @libsql/client codes for a remote server that failed or could not be reached.
const REMOTE_FAULT = new Set(['SERVER_ERROR', 'HRANA_WEBSOCKET_ERROR', 'HRANA_CLOSED_ERROR', 'STREAM_EXPIRED']);
// Network errors under fetch (Node's undici puts the errno in the cause).
const NETWORK_FAULT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// D1 reports faults as messages (D1_ERROR: …); these are the ones about storage or the platform, not the SQL.
const D1_FAULT =
  /disk is full|database or disk|readonly database|database is locked|SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN)|storage operation exceeded|storage caused object to be reset|D1 DB is overloaded|D1 DB reset|transient issue|Network connection lost/i;

// A fetch to a remote database that failed (undici, Deno, browsers' wording); only these TypeErrors, so a programming
// error whose message merely says "network" stays a 500.
const FETCH_FAULT = /^fetch failed|^error sending request for url|^NetworkError\b|^Network connection lost/i;

/**
 * The storage fault behind `error`, if it is one: drivers wrap errors (drizzle's DrizzleQueryError holds the
 * driver's in `cause`), so the chain is walked. A constraint or SQL error is not a fault and yields null.
 */
export function storageFault(error: unknown): StorageUnavailable | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    if (current instanceof StorageUnavailable) return current;
    const { code, message, name, status } = current as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
      status?: unknown;
    };
    if (typeof code === 'string') {
      if (SQLITE_FAULT.test(code) || REMOTE_FAULT.has(code) || NETWORK_FAULT.has(code))
        return new StorageUnavailable(code);
    }
    if (name === 'HttpServerError' && typeof status === 'number') return new StorageUnavailable(`HTTP ${status}`);
    if (typeof message === 'string') {
      if (D1_FAULT.test(message)) return new StorageUnavailable('D1');
      if (name === 'TypeError' && FETCH_FAULT.test(message)) return new StorageUnavailable('network');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** Field errors from a zod failure, paths joined with dots (`sms.accountSid`, `purposes.0.basis`). */
export function zodFieldErrors(error: ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path: path || '(body)', message: issue.message };
  });
}

export function validationError(error: ZodError, prefix = ''): AppError {
  const errors = zodFieldErrors(error, prefix);
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
