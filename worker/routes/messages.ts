// SMS for site owners: preview a template (text, encoding, segments, transliteration saving) and send it to
// every subscriber who may receive it, as a campaign (now or at a chosen time, inside the sending hours), then follow
// it, stop it, and see what waits in the queue and why.
import { Hono } from 'hono';
import { z } from 'zod';
import { campaign, campaignList, preview, queueView, sendMarketing, stopCampaign } from '../domain/messaging/index.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { jsonBody, noQuery, queryParams, validate, validationErrorFor } from '../http/body.ts';
import type { AppEnv } from '../http/context.ts';

const idempotencyKey = z.string().min(8).max(200);
const idempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKey.optional() });

/** Campaigns start at most this far ahead. */
const MAX_AHEAD_MS = 365 * 86_400_000;

const templateBody = z.object({
  template: z.string().min(1).max(1600),
  variables: z.record(z.string().regex(/^\w+$/), z.union([z.string().max(500), z.number()])).default({}),
  transliterate: z.boolean().optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .optional(),
});

export function messageRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites/:site/messages/preview', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const body = await jsonBody(c, templateBody);
    return c.json(preview(site, body, body.locale));
  });

  app.post('/v1/sites/:site/messages', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const body = await jsonBody(
      c,
      templateBody.extend({
        idempotencyKey: idempotencyKey.optional(),
        // The send's purpose: existing customers (article L34-5 CPCE) get only their record's purpose.
        purpose: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,39}$/)
          .optional(),
        // When to send (RFC 3339 with an offset); absent: now. Never before the sending hours allow.
        sendAt: z.string().datetime({ offset: true }).optional(),
      }),
    );
    const now = c.get('ctx').clock();
    const sendAt = body.sendAt === undefined ? undefined : Date.parse(body.sendAt);
    if (sendAt !== undefined && sendAt <= now) throw validationErrorFor('sendAt', 'Must be in the future.');
    if (sendAt !== undefined && sendAt > now + MAX_AHEAD_MS)
      throw validationErrorFor('sendAt', 'Must be within a year.');
    if (body.locale && !site.config.locales.includes(body.locale))
      throw validationErrorFor('locale', "Must be one of the site's locales.");
    // The header obeys the body field's rule: a short key would make unrelated sends collide and be skipped.
    const { 'Idempotency-Key': header } = validate(idempotencyHeader, {
      'Idempotency-Key': c.req.header('idempotency-key'),
    });
    const key = body.idempotencyKey ?? header;
    const report = await sendMarketing(c.get('ctx'), site, {
      ...body,
      sendAt,
      ...(key ? { idempotencyKey: key } : {}),
    });
    return c.json(report, 202);
  });

  app.get('/v1/sites/:site/campaigns', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    queryParams(c, noQuery);
    c.header('Cache-Control', 'no-store');
    return c.json({ campaigns: await campaignList(c.get('ctx'), site) });
  });

  app.get('/v1/sites/:site/campaigns/:id', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await campaign(c.get('ctx'), site, c.req.param('id')));
  });

  app.post('/v1/sites/:site/campaigns/:id/stop', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await stopCampaign(c.get('ctx'), site, c.req.param('id'), 'api'));
  });

  app.get('/v1/sites/:site/queue', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    queryParams(c, noQuery);
    c.header('Cache-Control', 'no-store');
    return c.json({ queue: await queueView(c.get('ctx'), site) });
  });

  return app;
}
