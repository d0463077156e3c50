// SMS for site owners: preview a template (text, encoding, segments, transliteration saving) and send it to
// every subscriber who may receive it, respecting quiet hours.
import { Hono } from 'hono';
import { z } from 'zod';
import { preview, sendMarketing } from '../domain/messaging/index.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { jsonBody, validate } from '../http/body.ts';
import type { AppEnv } from '../http/context.ts';

const idempotencyKey = z.string().min(8).max(200);
const idempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKey.optional() });

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
      }),
    );
    // The header obeys the body field's rule: a short key would make unrelated sends collide and be skipped.
    const { 'Idempotency-Key': header } = validate(idempotencyHeader, {
      'Idempotency-Key': c.req.header('idempotency-key'),
    });
    const key = body.idempotencyKey ?? header;
    const report = await sendMarketing(c.var.ctx, site, { ...body, ...(key ? { idempotencyKey: key } : {}) });
    return c.json(report, 202);
  });

  return app;
}
