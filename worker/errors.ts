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
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError('bad_request', 400, detail, errors ? { errors } : {});
export const notFound = (detail: string) => new AppError('not_found', 404, detail);
export const unauthorized = (detail = 'A valid API key is required.') =>
  new AppError('unauthorized', 401, detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail: string) => new AppError('forbidden', 403, detail);
export const conflict = (detail: string) => new AppError('conflict', 409, detail);

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

export function problemResponse(error: AppError, requestId?: string): Response {
  return new Response(JSON.stringify(problemOf(error, requestId)), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...error.headers },
  });
}
