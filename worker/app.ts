// createApp(deps): the one Hono app every runtime serves. Web standards only; dependencies come in.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { countingStore, roundTrips, serverTimingValue } from './db/counting.ts';
import { createDomainContext } from './domain/context.ts';
import { contextFromDeps, type AppDeps } from './deps.ts';
import { AppError, problemParts, STORAGE_RETRY_AFTER_S, storageFault } from './errors.ts';
import { unavailablePage } from './pages/unavailable.tsx';
import type { AppEnv } from './http/context.ts';
import { conditional } from './http/conditional.ts';
import { devHostGuard } from './http/dev-hosts.ts';
import { consentRoutes } from './routes/consents.ts';
import { devRoutes } from './routes/dev.ts';
import { consoleRoutes } from './console/routes.ts';
import { linkRoutes } from './routes/links.ts';
import { proofRoutes } from './routes/proofs.ts';
import { tileRoutes } from './routes/tiles.ts';
import { inboundRoutes } from './routes/inbound.ts';
import { providerWebhookRoutes } from './routes/provider-webhooks.ts';
import { policyRoutes } from './routes/policies.ts';
import { widgetRoutes } from './routes/widget.ts';
import { messageRoutes } from './routes/messages.ts';
import { siteRoutes } from './routes/sites.ts';
import { subscriberRoutes } from './routes/subscribers.ts';
import { renewalRoutes } from './routes/renewals.ts';
import { systemRoutes } from './routes/system.ts';
import { witnessRoutes } from './routes/witness.ts';

// The runtimes and the jobs import these from here too.
export { contextFromDeps, type AppDeps } from './deps.ts';

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

const MAX_BODY = 16 * 1024;
/** The bulk gate takes up to 1,000 numbers of up to 40 characters each. */
const MAX_BULK_BODY = 64 * 1024;
const BULK_PATH = /^\/v1\/sites\/[^/]+\/subscribers\/check$/;
const tooLarge = (maxSize: number): never => {
  throw new AppError('body_too_large', 413, `The body is larger than ${maxSize} bytes.`, {
    errors: [{ path: '(body)', message: `At most ${maxSize} bytes.` }],
  });
};
/** For bodies of undeclared length (chunked): counted as they are read. */
const limitStream = (maxSize: number) => bodyLimit({ maxSize, onError: () => tooLarge(maxSize) });

const ONLY_HSTS = {
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xContentTypeOptions: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
  removePoweredBy: false,
} as const;

export function createApp(input: AppDeps) {
  const { deps, ctx } = contextFromDeps(input);
  const logger = deps.logger!;
  const serverTiming = deps.serverTiming ?? deps.mode === 'dev';
  const app = new Hono<AppEnv>();

  // A client's X-Request-Id is kept only if short and made of [A-Za-z0-9_=-] (it is echoed and logged); else a new one.
  app.use(requestId({ headerName: 'X-Request-Id', limitLength: 64 }));
  // Production is served over https only: browsers remember it (two years, subdomains too). Only this header: the
  // routes set their own framing, referrer and resource policies, which the middleware's defaults would override.
  if (deps.mode === 'production')
    app.use(secureHeaders({ ...ONLY_HSTS, strictTransportSecurity: 'max-age=63072000; includeSubDomains' }));
  // Before anything is read or answered: a rebinding page's Host gets nothing but the 421.
  if (deps.devHosts) app.use(devHostGuard(deps.devHosts));
  if (deps.compress) app.use(deps.compress);
  app.use('/p/*', conditional());
  app.use(async function accessLog(c, next) {
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
    // The route pattern, never the raw path: paths can hold tokens or a number (the send gate).
    logger.info('request', {
      requestId: c.var.requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  const standardBody = limitStream(MAX_BODY);
  const bulkBody = limitStream(MAX_BULK_BODY);
  app.use(function limitBodies(c, next) {
    // GET and HEAD have no body (a Fetch Request cannot carry one): nothing to limit.
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
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
  });

  app.route('/', systemRoutes());
  app.route('/', siteRoutes());
  app.route('/', consentRoutes());
  app.route('/', linkRoutes());
  app.route('/', proofRoutes());
  app.route('/', tileRoutes());
  app.route('/', inboundRoutes());
  app.route('/', providerWebhookRoutes());
  app.route('/', policyRoutes());
  app.route('/', widgetRoutes());
  app.route('/', messageRoutes());
  app.route('/', subscriberRoutes());
  app.route('/', renewalRoutes());
  app.route('/', devRoutes({ self: (request) => app.fetch(request) }));
  app.route('/', consoleRoutes());
  app.route('/', witnessRoutes());

  // Answered through the context so headers set before the error (CORS, Vary, request id) are kept: a browser
  // on another origin must be able to read a 422 or a 429, not only a 2xx.
  const problem = (c: Context<AppEnv>, error: AppError) => {
    const { body, status, headers } = problemParts(error, c.var.requestId);
    return c.body(body, status as 400, headers);
  };
  app.notFound((c) =>
    problem(c, new AppError('not_found', 404, `Nothing at ${c.req.method} ${echoedPath(c.req.url)}.`)),
  );
  app.onError((error, c) => {
    if (error instanceof AppError) return problem(c, error);
    // A client that went away (its connection reset while its body was read: ECONNRESET, like a database's): not a
    // storage fault, and nobody reads the answer. The runtime aborts the request's signal when it closes early.
    if (c.req.raw.signal.aborted) {
      logger.info('client closed the request', { requestId: c.var.requestId, route: c.req.routePath });
      return problem(c, new AppError('client_closed', 400, 'The request was closed before it was read.'));
    }
    const fault = storageFault(error);
    if (fault) {
      logger.warn('storage unavailable', { requestId: c.var.requestId, route: c.req.routePath, reason: fault.reason });
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
    logger.error('unhandled error', { requestId: c.var.requestId, route: c.req.routePath, error: error.name });
    return problem(
      c,
      new AppError('internal', 500, `Something went wrong on our side. Quote request id ${c.var.requestId}.`),
    );
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
