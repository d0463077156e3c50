// createApp(deps): the one Hono app every runtime serves. Web standards only; dependencies come in.
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { contextFromDeps, type AppDeps } from './deps.ts';
import { accessLog, accessScope } from './http/access-log.ts';
import { directLane, HSTS, type DirectLane } from './http/direct.ts';
import { limitBodies } from './http/body-limits.ts';
import type { AppEnv } from './http/context.ts';
import { errorProblem, notFoundProblem } from './http/problems.ts';
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
import { directSubscriberRoutes, subscriberRoutes } from './routes/subscribers.ts';
import { renewalRoutes } from './routes/renewals.ts';
import { systemRoutes } from './routes/system.ts';
import { witnessRoutes } from './routes/witness.ts';
import { webhookRoutes } from './routes/webhooks.ts';

// The runtimes and the jobs import these from here too.
export { contextFromDeps, type AppDeps } from './deps.ts';

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
  return createServing(input).app;
}

/**
 * The app, and the direct lane for entries that can hand it requests before the framework (http/direct.ts): both on
 * the same domain context, request scopes and log. `compressAbove`: the threshold of the entry's `deps.compress`.
 */
export function createServing(input: AppDeps, options: { compressAbove?: number } = {}) {
  const { deps, ctx } = contextFromDeps(input);
  const serverTiming = deps.serverTiming ?? deps.mode === 'dev';
  const scope = accessScope({ deps, ctx, serverTiming });
  const app = new Hono<AppEnv>();

  // A client's X-Request-Id is kept only if short and made of [A-Za-z0-9_=-] (it is echoed and logged); else a new one.
  app.use(requestId({ headerName: 'X-Request-Id', limitLength: 64 }));
  // Production is served over https only: browsers remember it (two years, subdomains too). Only this header: the
  // routes set their own framing, referrer and resource policies, which the middleware's defaults would override.
  if (deps.mode === 'production') app.use(secureHeaders({ ...ONLY_HSTS, strictTransportSecurity: HSTS }));
  // Before anything is read or answered: a rebinding page's Host gets nothing but the 421.
  if (deps.devHosts) app.use(devHostGuard(deps.devHosts));
  if (deps.compress) app.use(deps.compress);
  app.use('/p/*', conditional());
  app.use(accessLog(deps, scope));
  app.use(limitBodies());

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
  app.route('/', webhookRoutes());
  app.route('/', renewalRoutes());
  app.route('/', devRoutes({ self: (request) => app.fetch(request) }));
  app.route('/', consoleRoutes());
  app.route('/', witnessRoutes());

  app.notFound(notFoundProblem);
  app.onError(errorProblem(deps.logger!));
  // Compressed answers are the middleware's: without its threshold, the lane could not tell which those are.
  const direct: DirectLane | null =
    deps.compress && options.compressAbove === undefined
      ? null
      : directLane({
          deps,
          ctx,
          scope,
          routes: directSubscriberRoutes,
          ...(deps.compress ? { compressAbove: options.compressAbove! } : {}),
        });
  return { app, direct };
}

export type App = ReturnType<typeof createApp>;
