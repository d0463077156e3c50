// Subscriber administration for site owners: the send gate, the streamed list, access export and erasure.
import { Hono } from 'hono';
import { z } from 'zod';
import { checkSubscribers, lookupSubscriber, subscriberById } from '../domain/messaging/index.ts';
import { eraseSubscriber, exportSubscriber, importList, listSubscribers } from '../domain/subscribers/index.ts';
import { AppError } from '../errors.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { MAX_BODY } from '../http/body-limits.ts';
import type { DirectRouteSpec } from '../http/direct.ts';
import { jsonBody, queryParams, wholeNumber } from '../http/body.ts';
import type { AppEnv } from '../http/context.ts';
import { subscriberStream, subscriberStreamHeaders } from '../http/subscriber-stream.ts';
import { checkBody, existingCustomerBody, lookupBody } from './schemas.ts';
import { recordExistingCustomer } from '../domain/consent/index.ts';

// Strict: a parameter the list does not take (`phone`, a misspelt `status`) is a 422, never the whole list.
const listQuery = z.strictObject({
  status: z.enum(['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported']).optional(),
  format: z.enum(['json', 'ndjson', 'csv']).default('json'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  limit: wholeNumber.pipe(z.number().min(1).max(1000)).default(100),
});

/** The send gate as the direct lane answers it (http/direct.ts): what the lookup route above does, declared. */
export const directSubscriberRoutes: readonly DirectRouteSpec[] = [
  {
    path: /^\/v1\/sites\/([a-z0-9][a-z0-9-]{0,62})\/subscribers\/lookup$/,
    route: '/v1/sites/:site/subscribers/lookup',
    maxBody: MAX_BODY,
    body: lookupBody,
    headers: { 'cache-control': 'no-store' },
    answer: (ctx, site, { phone, purpose }: z.infer<typeof lookupBody>) => lookupSubscriber(ctx, site, phone, purpose),
  },
];

export function subscriberRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/v1/sites/:site/subscribers', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const q = queryParams(c, listQuery);
    c.header('Cache-Control', 'no-store');
    if (q.format === 'json') {
      const page = await listSubscribers(c.get('ctx'), site, {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return c.json({ subscribers: page.rows, nextCursor: page.nextCursor });
    }
    // ndjson and csv stream every matching row, page by page, from the cursor on.
    const stream = subscriberStream(c.get('ctx'), site, {
      format: q.format,
      ...(q.status ? { status: q.status } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return c.body(stream, 200, subscriberStreamHeaders(site.id, q.format));
  });

  // Numbers travel in bodies only: the gate is a POST, and the routes below name a subscriber by its opaque id.
  // On Node and Deno the direct lane answers it first (directSubscriberRoutes below): the same auth, body and call.
  app.post('/v1/sites/:site/subscribers/lookup', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { phone, purpose } = await jsonBody(c, lookupBody);
    c.header('Cache-Control', 'no-store');
    return c.json(await lookupSubscriber(c.get('ctx'), site, phone, purpose));
  });

  app.post('/v1/sites/:site/subscribers/check', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { phones, purpose } = await jsonBody(c, checkBody);
    c.header('Cache-Control', 'no-store');
    return c.json({ results: await checkSubscribers(c.get('ctx'), site, phones, purpose) });
  });

  // The existing-customer exception (article L34-5 CPCE): recorded by the owner with the sale, never asked.
  app.post('/v1/sites/:site/subscribers/existing-customers', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const body = await jsonBody(c, existingCustomerBody);
    c.header('Cache-Control', 'no-store');
    return c.json(await recordExistingCustomer(c.get('ctx'), site, body), 201);
  });

  // An existing list: CSV or NDJSON, read as it streams in (the body limit of other routes does not apply: the domain
  // bounds rows, line length and bytes as it reads).
  app.post('/v1/sites/:site/subscribers/import', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = type === 'text/csv' ? 'csv' : type === 'application/x-ndjson' ? 'ndjson' : null;
    if (format === null)
      throw new AppError('unsupported_media_type', 415, 'Send the list as text/csv or application/x-ndjson.', {
        errors: [{ path: '(body)', message: 'Content-Type must be text/csv or application/x-ndjson.' }],
      });
    const body = c.req.raw.body;
    if (!body)
      throw new AppError('validation_failed', 422, 'The list is empty.', {
        errors: [{ path: '(body)', message: 'Missing.' }],
      });
    c.header('Cache-Control', 'no-store');
    return c.json(await importList(c.get('ctx'), site, body, format));
  });

  app.get('/v1/sites/:site/subscribers/:subscriberId', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await subscriberById(c.get('ctx'), site, c.req.param('subscriberId')));
  });

  app.get('/v1/sites/:site/subscribers/:subscriberId/export', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await exportSubscriber(c.get('ctx'), site, c.req.param('subscriberId')));
  });

  app.delete('/v1/sites/:site/subscribers/:subscriberId', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    return c.json(await eraseSubscriber(c.get('ctx'), site, c.req.param('subscriberId')));
  });

  return app;
}
