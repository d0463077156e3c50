// A marketing campaign whose start is cut short by a storage fault: the request answers 503 and the campaign stays a
// draft; the jobs finish it a minute later, and every subscriber gets exactly one message.
import { createClient } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { outbox } from '../../worker/db/schema.ts';
import type { Harness } from '../harness.ts';
import { seedConfirmed } from '../routes/seed-subscribers.ts';
import { crashingClient, frenchSender, get, send, type Progress } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a start cut short is a draft that the jobs finish; nobody gets two messages', async () => {
  const state = { armed: false, seen: 0, failAt: 2 };
  h = await frenchSender({
    store: libsqlStore(crashingClient(createClient({ url: ':memory:' }), state, /INSERT OR IGNORE INTO outbox/i)),
  });
  await seedConfirmed(h, 450);
  state.armed = true;
  const res = await send(h, { template: 'Offre de la semaine' });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBeTruthy();
  state.armed = false;
  const [draft] = (await get<{ campaigns: Progress[] }>(h, '/v1/sites/demo/campaigns')).campaigns;
  expect(draft).toMatchObject({ status: 'draft', progress: { queued: 200 } });
  h.advance(61_000);
  await h.flush();
  const rows = await h.ctx.store.db.select().from(outbox).where(eq(outbox.campaignId, draft!.id));
  expect(rows).toHaveLength(450);
  expect(new Set(rows.map((r) => r.subjectId)).size).toBe(450);
  for (let i = 0; i < 20 && rows.length > 0; i++) await h.flush();
  const done = await get<Progress>(h, `/v1/sites/demo/campaigns/${draft!.id}`);
  expect(done).toMatchObject({ status: 'done', audience: 450, progress: { sent: 450, queued: 0 } });
  expect(h.outbox.list().filter((m) => m.body.includes('Offre de la semaine'))).toHaveLength(450);
});
