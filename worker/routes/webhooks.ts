// Signed webhooks out (Standard Webhooks): a site's endpoints, created with a secret shown once, listed without it,
// deleted, rotated; and the last deliveries with their answers, one of which can be sent again.
import { Hono } from 'hono';
import { z } from 'zod';
import {
  createEndpoint,
  deleteEndpoint,
  listEndpoints,
  listDeliveries,
  replayDelivery,
  rotateEndpoint,
  BREVO_API,
  WEBHOOK_EVENTS,
} from '../domain/webhooks/index.ts';
import { isPlatformAdmin, requireSiteAccess } from '../http/auth.ts';
import { jsonBody, noQuery, optionalJsonBody, queryParams, validate, wholeNumber } from '../http/body.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { outboundUrlSchema } from '../net/outbound.ts';

const standardEndpoint = z
  .object({
    kind: z.literal('standard').default('standard'),
    url: outboundUrlSchema,
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
    includePhone: z.boolean().default(false),
  })
  .strict();
/** The Brevo connector: the owner's Brevo API key (sealed, never shown back) and, for a stand-in, Brevo's API base. */
const brevoConnector = z
  .object({
    kind: z.literal('brevo'),
    apiKey: z.string().min(8).max(200),
    url: outboundUrlSchema.default(BREVO_API),
  })
  .strict();

const deliveriesQuery = z.strictObject({ limit: wholeNumber.pipe(z.number().min(1).max(200)).default(50) });

/** The body of a POST that takes none: nothing, or `{}`; anything else is refused, never ignored. */
const noBody = z.strictObject({});

export function webhookRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites/:site/webhooks', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    // One schema per kind, so a refusal names the fields of the kind asked for.
    const raw = await jsonBody(c, z.record(z.string(), z.unknown()));
    const body = raw.kind === 'brevo' ? validate(brevoConnector, raw) : validate(standardEndpoint, raw);
    // The connector sends the Brevo API key and full numbers to its `url`: another host than Brevo's (a stand-in) is
    // the platform admin's to set, as sms.apiBaseUrl is.
    if (body.kind === 'brevo' && body.url !== BREVO_API && !(await isPlatformAdmin(c)))
      throw new AppError('forbidden', 403, 'Only the platform admin may point the Brevo connector at another host.', {
        errors: [{ path: 'url', message: 'Only the platform admin may set this.' }],
      });
    const endpoint = await createEndpoint(c.get('ctx'), site, body);
    c.header('Cache-Control', 'no-store');
    return c.json(endpoint, 201);
  });

  app.get('/v1/sites/:site/webhooks', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    queryParams(c, noQuery);
    c.header('Cache-Control', 'no-store');
    return c.json({ webhooks: await listEndpoints(c.get('ctx'), site), events: WEBHOOK_EVENTS });
  });

  app.get('/v1/sites/:site/webhooks/deliveries', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { limit } = queryParams(c, deliveriesQuery);
    c.header('Cache-Control', 'no-store');
    return c.json({ deliveries: await listDeliveries(c.get('ctx'), site, limit) });
  });

  app.post('/v1/sites/:site/webhooks/deliveries/:seq/replay', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await optionalJsonBody(c, noBody);
    await replayDelivery(c.get('ctx'), site, c.req.param('seq'));
    return c.body(null, 202);
  });

  app.delete('/v1/sites/:site/webhooks/:id', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await deleteEndpoint(c.get('ctx'), site, c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/v1/sites/:site/webhooks/:id/rotate', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await optionalJsonBody(c, noBody);
    c.header('Cache-Control', 'no-store');
    return c.json(await rotateEndpoint(c.get('ctx'), site, c.req.param('id')));
  });

  return app;
}
