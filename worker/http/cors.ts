// CORS for browser-facing routes: only the site's allowed origins (and our own), always `Vary: Origin`.
// Kept instead of hono/cors, which answers every preflight 204 and lets a refused origin's POST run: here the
// allowed origins are the site's (read per request), a refused preflight is a 403 and a refused write a 403 problem
// before any work, and refusals are noted for the console.
import type { MiddlewareHandler } from 'hono';
import type { AppContext } from './context.ts';
import type { Site } from '../domain/site/index.ts';
import { AppError } from '../errors.ts';
import { noteRefusedOrigin } from '../domain/console/index.ts';
import { vary } from './negotiate.ts';
import { siteAllowsOrigin } from './origins.ts';

/**
 * Public documents any page may read (proofs, keys, the log, policies, the widget and its texts): any origin, no
 * credentials; a preflight is answered 204 for GET, with the request headers it names. The headers hono/cors sets,
 * set as the context's prepared headers: hono/cors sets them on `c.res` before the route runs, which makes every
 * answer behind it a rebuilt Web Response that Node's adapter streams (negotiate.ts).
 */
export const readableAnywhere = (options: { exposeHeaders?: string[] } = {}): MiddlewareHandler => {
  const expose = options.exposeHeaders?.join(',');
  return async function readableAnywhere(c, next) {
    c.header('Access-Control-Allow-Origin', '*');
    if (expose) c.header('Access-Control-Expose-Headers', expose);
    if (c.req.method !== 'OPTIONS') return next();
    c.header('Access-Control-Max-Age', '600');
    c.header('Access-Control-Allow-Methods', 'GET');
    const requested = c.req.header('Access-Control-Request-Headers');
    if (requested) {
      c.header(
        'Access-Control-Allow-Headers',
        requested
          .split(',')
          .map((name) => name.trim())
          .join(','),
      );
      vary(c, 'Access-Control-Request-Headers');
    }
    return c.body(null, 204);
  };
};

/** Noted for the console's "origins refused lately", after the response and never failing it. */
function recordRefusedOrigin(c: AppContext, siteId: string, origin: string): void {
  const { ctx, deps } = c.var;
  const task = () => noteRefusedOrigin(ctx, siteId, origin).catch(() => undefined);
  if (deps.background) deps.background(task);
  else void task();
}

export function originOk(c: AppContext, site: Site): boolean {
  const origin = c.req.header('origin');
  if (!origin) return true; // not a cross-origin browser request (server to server, or same-origin GET)
  const ok = siteAllowsOrigin(c, site, origin);
  if (!ok) recordRefusedOrigin(c, site.id, origin); // the console lists origins refused lately
  return ok;
}

/** Sets the CORS headers for an allowed origin; a refused cross-origin write is a 403 before any work. */
export function applyCors(c: AppContext, site: Site, options: { write: boolean }): void {
  vary(c, 'Origin');
  const origin = c.req.header('origin');
  if (!origin) return;
  if (originOk(c, site)) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', 'ETag, Retry-After, X-Request-Id');
    return;
  }
  if (options.write) {
    throw new AppError('origin_not_allowed', 403, 'This origin may not submit to this site.', {
      errors: [{ path: 'Origin', message: "Not in the site's allowedOrigins." }],
    });
  }
}

export function preflight(c: AppContext, site: Site, methods: string): Response {
  vary(c, 'Origin');
  if (!c.req.header('origin') || !originOk(c, site)) {
    throw new AppError('origin_not_allowed', 403, 'This origin may not call this site from a browser.', {
      errors: [
        {
          path: 'Origin',
          message: c.req.header('origin') ? "Not in the site's allowedOrigins." : 'A preflight names its origin.',
        },
      ],
    });
  }
  c.header('Access-Control-Allow-Origin', c.req.header('origin')!);
  c.header('Access-Control-Allow-Methods', methods);
  c.header('Access-Control-Allow-Headers', 'Content-Type');
  c.header('Access-Control-Max-Age', '600');
  return c.body(null, 204);
}
