// One log line per request (the route pattern, never the raw path: paths can hold tokens or a number), and with
// Server-Timing on, the request's storage round trips counted on a view of the store of its own. Both cost close to
// nothing: the counting views are built once and reused (a pool, as many as requests ever ran at once), the header
// is added to the response's own headers (no second Response), and the line is written from a template.
import type { MiddlewareHandler } from 'hono';
import type { RoundTrips } from '../db/client.ts';
import { countingStore, roundTrips, serverTimingValue } from '../db/counting.ts';
import type { AppDeps } from '../deps.ts';
import { createDomainContext, type DomainContext } from '../domain/context.ts';
import type { AppEnv } from './context.ts';

/** Kept views beyond this many (a burst) are dropped after use rather than kept. */
const MAX_POOLED = 64;

/**
 * Domain contexts over counting views of the store, one per request in flight. Building one (13 repositories and a
 * drizzle handle) per request halved the send gate in dev mode; reused, a request only resets its counters. Work a
 * request leaves running after its answer (a background task) may count into a later request's header: a diagnostic
 * off by a few trips, never a wrong write.
 */
function countingContexts(ctx: DomainContext) {
  const free: { ctx: DomainContext; trips: RoundTrips }[] = [];
  return {
    take() {
      const view = free.pop();
      if (view) {
        view.trips.count = 0;
        view.trips.ms = 0;
        return view;
      }
      const trips = roundTrips();
      return { trips, ctx: createDomainContext({ ...ctx, store: countingStore(ctx.store, trips) }) };
    },
    give(view: { ctx: DomainContext; trips: RoundTrips }) {
      if (free.length < MAX_POOLED) free.push(view);
    },
  };
}

/** A request's domain context, and with Server-Timing on, its round trips as the header's value. */
export interface RequestScope {
  ctx: DomainContext;
  /** The Server-Timing value of the round trips so far, or undefined when Server-Timing is off. */
  timing(): string | undefined;
  /** Gives the request's view back; its ctx is not used after. */
  done(): void;
}

/** What the access log middleware and the direct lane (http/direct.ts) share: each request's scope, and its line. */
export interface AccessScope {
  take(): RequestScope;
  log(requestId: string, method: string, route: string, status: number, ms: number): void;
}

export function accessScope(options: { deps: AppDeps; ctx: DomainContext; serverTiming: boolean }): AccessScope {
  const { deps, ctx, serverTiming } = options;
  const logger = deps.logger!;
  const log = logger.request
    ? logger.request
    : (requestId: string, method: string, route: string, status: number, ms: number) =>
        logger.info('request', { requestId, method, route, status, ms });
  const untimed: RequestScope = { ctx, timing: () => undefined, done: () => {} };
  if (!serverTiming) return { take: () => untimed, log };
  const views = countingContexts(ctx);
  return {
    take() {
      const view = views.take();
      // Methods: with Server-Timing on this runs per request, and arrows would be named anew each time (keepNames).
      return {
        ctx: view.ctx,
        timing() {
          return serverTimingValue(view.trips);
        },
        done() {
          views.give(view);
        },
      };
    },
    log,
  };
}

/** Milliseconds since `started`, to the tenth, as the log line says them. */
export const elapsedMs = (started: number) => Math.round((performance.now() - started) * 10) / 10;

export function accessLog(deps: AppDeps, scope: AccessScope): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const started = performance.now();
    c.set('deps', deps);
    const request = scope.take();
    c.set('ctx', request.ctx);
    try {
      await next();
      const timing = request.timing();
      // On the response's own headers: c.header() after the handler would build a second Response around the body
      // (and on Node force the adapter's light response into a full one). A response with immutable headers (one
      // passed through from fetch) takes the header the slower way.
      if (timing !== undefined) {
        try {
          c.res.headers.append('Server-Timing', timing);
        } catch {
          c.header('Server-Timing', timing, { append: true });
        }
      }
    } finally {
      request.done();
    }
    scope.log(c.get('requestId'), c.req.method, c.req.routePath, c.res.status, elapsedMs(started));
  };
}
