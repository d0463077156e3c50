// Request bodies are bounded before anything reads them: 16 KiB, 64 KiB for the bulk gate. A declared length is
// checked from the header alone; a body of undeclared length (chunked) is counted as it is read (hono/body-limit).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';

export const MAX_BODY = 16 * 1024;
/** The bulk gate takes up to 1,000 numbers of up to 40 characters each. */
const MAX_BULK_BODY = 64 * 1024;
const BULK_PATH = /^\/v1\/sites\/[^/]+\/subscribers\/check$/;
/** An imported list streams: its route bounds rows, line length and bytes as it reads (domain/subscribers/import.ts). */
const IMPORT_PATH = /^\/v1\/sites\/[^/]+\/subscribers\/import$/;

const tooLarge = (maxSize: number): never => {
  throw new AppError('body_too_large', 413, `The body is larger than ${maxSize} bytes.`, {
    errors: [{ path: '(body)', message: `At most ${maxSize} bytes.` }],
  });
};
/** For bodies of undeclared length (chunked): counted as they are read. */
const limitStream = (maxSize: number) => bodyLimit({ maxSize, onError: () => tooLarge(maxSize) });

export function limitBodies(): MiddlewareHandler {
  const standardBody = limitStream(MAX_BODY);
  const bulkBody = limitStream(MAX_BULK_BODY);
  return function limitBodies(c, next) {
    // GET and HEAD have no body (a Fetch Request cannot carry one): nothing to limit.
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    if (method === 'POST' && IMPORT_PATH.test(c.req.path)) return next();
    const bulk = BULK_PATH.test(c.req.path);
    // A declared length is checked from the header alone, as bodyLimit does, but without touching `body` first:
    // on Node that would build a whole Web Request and stream per request, where the adapter reads text directly.
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) {
      const maxSize = bulk ? MAX_BULK_BODY : MAX_BODY;
      return parseInt(length, 10) > maxSize ? tooLarge(maxSize) : next();
    }
    return (bulk ? bulkBody : standardBody)(c, next);
  };
}
