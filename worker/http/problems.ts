// The app's answers when no route answers or a route throws: RFC 9457 problem+json (a page for people on the hosted
// form and the link pages when storage is down), a storage fault as a 503 with Retry-After, never a stack trace.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { storageFault } from '../db/faults.ts';
import { AppError, problemOf, problemParts, STORAGE_RETRY_AFTER_S } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { unavailablePage } from '../pages/unavailable.tsx';
import type { AppEnv } from './context.ts';
import { preferredLanguage } from './negotiate.ts';
import { frenchProblem } from './problems-fr.ts';
import { getCookie } from 'hono/cookie';

/**
 * Whether the reader of this problem reads French: in the console, the language it is set to (its cookie, else the
 * browser's); elsewhere, an Accept-Language that prefers French to English. The API otherwise answers in English.
 */
function readsFrench(c: Context<AppEnv>): boolean {
  const chosen = c.req.path.startsWith('/console') ? getCookie(c, 'assent-console-lang') : undefined;
  if (chosen === 'en' || chosen === 'fr') return chosen === 'fr';
  return preferredLanguage(c, ['en', 'fr']) === 'fr';
}

/**
 * A 404 names the path it got, without a link token or anything that looks like a phone number: each run of digits
 * and phone punctuation holding 6 digits or more is elided (one pass over runs, linear; the earlier single pattern
 * backtracked quadratically).
 */
const echoedPath = (url: string) =>
  new URL(url).pathname
    .slice(0, 80)
    .replace(/\/(c|u)\/[^/]+/, '/$1/…')
    .replace(/(?:%2B|%20|[\d.()+-])+/gi, (run) => (run.replace(/%2B|%20|\D/gi, '').length >= 6 ? '…' : run));

// Answered through the context so headers set before the error (CORS, Vary, request id) are kept: a browser
// on another origin must be able to read a 422 or a 429, not only a 2xx.
const problem = (c: Context<AppEnv>, error: AppError) => {
  const { status, headers } = problemParts(error, c.get('requestId'));
  const english = problemOf(error, c.get('requestId'));
  const body = JSON.stringify(readsFrench(c) ? frenchProblem(english, error.code) : english);
  return c.body(body, status as 400, headers);
};

export const notFoundProblem: NotFoundHandler<AppEnv> = (c) =>
  problem(c, new AppError('not_found', 404, `Nothing at ${c.req.method} ${echoedPath(c.req.url)}.`));

export function errorProblem(logger: Logger): ErrorHandler<AppEnv> {
  return function errorProblem(error, c) {
    if (error instanceof AppError) return problem(c, error);
    // A client that went away (its connection reset while its body was read: ECONNRESET, like a database's): not a
    // storage fault, and nobody reads the answer. The runtime aborts the request's signal when it closes early.
    if (c.req.raw.signal.aborted) {
      logger.info('client closed the request', { requestId: c.get('requestId'), route: c.req.routePath });
      return problem(c, new AppError('client_closed', 400, 'The request was closed before it was read.'));
    }
    const fault = storageFault(error);
    if (fault) {
      logger.warn('storage unavailable', {
        requestId: c.get('requestId'),
        route: c.req.routePath,
        reason: fault.reason,
      });
      // People on the hosted form and the link pages get a page, not JSON.
      if (/^\/(s|c|u)\//.test(c.req.path)) {
        const { html, headers } = unavailablePage(STORAGE_RETRY_AFTER_S);
        return c.body(html, 503, headers);
      }
      return problem(c, fault);
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return problem(c, new AppError('bad_request', status, 'The request could not be read.'));
    }
    logger.error('unhandled error', { requestId: c.get('requestId'), route: c.req.routePath, error: error.name });
    return problem(
      c,
      new AppError('internal', 500, `Something went wrong on our side. Quote request id ${c.get('requestId')}.`),
    );
  };
}
