// The answer while the service cannot start (Workers builds its dependencies on the first request): the database
// failing (unreachable, full, read-only) is a 503 to retry; a configuration error is a 500 naming what is wrong;
// anything else a 500 that points at the logs, where it is written without personal data.
import { EnvError } from '../env.ts';
import { storageFault } from '../db/faults.ts';
import { AppError, problemResponse } from '../errors.ts';

export function startupProblem(error: unknown): Response {
  const fault = storageFault(error);
  if (fault) return problemResponse(fault);
  if (error instanceof EnvError) return problemResponse(new AppError('misconfigured', 500, error.message));
  logStartupFailure(error);
  return problemResponse(new AppError('misconfigured', 500, 'The service could not start; see the logs.'));
}

export function logStartupFailure(error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'startup failed',
      error: e.message.slice(0, 300),
      stack: e.stack?.slice(0, 800),
    }),
  );
}
