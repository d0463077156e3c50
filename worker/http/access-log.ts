// One log line per request (the route pattern, never the raw path: paths can hold tokens or a number), and with
// Server-Timing on, the request's storage round trips counted on its own view of the store.
import type { MiddlewareHandler } from 'hono';
import { countingStore, roundTrips, serverTimingValue } from '../db/counting.ts';
import type { AppDeps } from '../deps.ts';
import { createDomainContext, type DomainContext } from '../domain/context.ts';
import type { AppEnv } from './context.ts';

export function accessLog(options: {
  deps: AppDeps;
  ctx: DomainContext;
  serverTiming: boolean;
}): MiddlewareHandler<AppEnv> {
  const { deps, ctx, serverTiming } = options;
  const logger = deps.logger!;
  return async function accessLog(c, next) {
    const started = performance.now();
    c.set('deps', deps);
    if (serverTiming) {
      // This request's own view of the store, so its round trips are counted apart from concurrent requests'.
      const trips = roundTrips();
      c.set('ctx', createDomainContext({ ...ctx, store: countingStore(ctx.store, trips) }));
      await next();
      c.header('Server-Timing', serverTimingValue(trips), { append: true });
    } else {
      c.set('ctx', ctx);
      await next();
    }
    logger.info('request', {
      requestId: c.var.requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
