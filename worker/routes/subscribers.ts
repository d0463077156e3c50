// Subscriber administration for site owners: the send gate, the streamed list, access export and erasure.
import { Hono } from 'hono';
import { z } from 'zod';
import { checkSubscribers, lookupSubscriber, subscriberById } from '../domain/gate.ts';
import { eraseSubscriber, exportSubscriber, listSubscribers, type SubscriberRow } from '../domain/subscribers.ts';
import { jsonBody, queryParams, requireSiteAccess, type AppEnv } from '../http.ts';
import { csvCell } from '../http/csv.ts';
import { checkBody, lookupBody } from './schemas.ts';

const listQuery = z.object({
  status: z.enum(['pending', 'confirmed', 'withdrawn', 'expired', 'erased']).optional(),
  format: z.enum(['json', 'ndjson', 'csv']).default('json'),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const CSV_COLUMNS: (keyof SubscriberRow)[] = [
  'phone', 'status', 'consentId', 'proofUrl', 'locale', 'policyVersion', 'requestedAt', 'confirmedAt', 'withdrawnAt', 'renewalRequired',
  'subscriberId',
];
/** Rows per keyset page of a streamed export: the stream holds one page at a time, never the whole list. */
export const STREAM_PAGE = 300;

export function subscriberRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/v1/sites/:site/subscribers', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const q = queryParams(c, listQuery);
    c.header('Cache-Control', 'no-store');
    if (q.format === 'json') {
      const page = await listSubscribers(c.var.ctx, site, { limit: q.limit, ...(q.status ? { status: q.status } : {}), ...(q.cursor ? { cursor: q.cursor } : {}) });
      return c.json({ subscribers: page.rows, nextCursor: page.nextCursor });
    }
    // ndjson and csv stream every matching row, page by page, from the cursor on.
    const ctx = c.var.ctx;
    const encoder = new TextEncoder();
    let cursor = q.cursor ?? '';
    let headerSent = q.format !== 'csv';
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
          headerSent = true;
          return;
        }
        const page = await listSubscribers(ctx, site, { limit: STREAM_PAGE, cursor, ...(q.status ? { status: q.status } : {}) });
        const text = page.rows
          .map((r) => (q.format === 'csv' ? `${CSV_COLUMNS.map((k) => csvCell(r[k])).join(',')}\r\n` : `${JSON.stringify(r)}\n`))
          .join('');
        if (text) controller.enqueue(encoder.encode(text));
        if (!page.nextCursor) controller.close();
        else cursor = page.nextCursor;
      },
    });
    return c.body(stream, 200, {
      'Content-Type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      ...(q.format === 'csv' ? { 'Content-Disposition': `attachment; filename="${site.id}-subscribers.csv"` } : {}),
    });
  });

  // Numbers travel in bodies only: the gate is a POST, and the routes below name a subscriber by its opaque id.
  app.post('/v1/sites/:site/subscribers/lookup', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { phone } = await jsonBody(c, lookupBody);
    c.header('Cache-Control', 'no-store');
    return c.json(await lookupSubscriber(c.var.ctx, site, phone));
  });

  app.post('/v1/sites/:site/subscribers/check', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { phones } = await jsonBody(c, checkBody);
    c.header('Cache-Control', 'no-store');
    return c.json({ results: await checkSubscribers(c.var.ctx, site, phones) });
  });

  app.get('/v1/sites/:site/subscribers/:subscriberId', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await subscriberById(c.var.ctx, site, c.req.param('subscriberId')));
  });

  app.get('/v1/sites/:site/subscribers/:subscriberId/export', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await exportSubscriber(c.var.ctx, site, c.req.param('subscriberId')));
  });

  app.delete('/v1/sites/:site/subscribers/:subscriberId', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    return c.json(await eraseSubscriber(c.var.ctx, site, c.req.param('subscriberId')));
  });

  return app;
}
