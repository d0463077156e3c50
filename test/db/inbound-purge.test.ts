// Handled inbound ids (replies, delivery reports) are kept only as long as a provider may retry: the jobs forget
// them after 30 days, and keep the recent ones (a retry of those is still recognised as a replay).
import { afterEach, expect, it } from 'vitest';
import { inboundMessages } from '../../worker/db/schema.ts';
import { INBOUND_KEPT_MS } from '../../worker/jobs.ts';
import { makeHarness, type Harness } from '../harness.ts';

let h: Harness;
afterEach(() => h?.close());

it('the jobs forget inbound ids older than 30 days and keep the others', async () => {
  h = await makeHarness();
  const site = 'demo';
  expect(await h.ctx.inbound.claim(site, 'SM-old', h.now())).toBe(true);
  await h.ctx.inbound.record(site, 'SM-old', 'stop');
  h.advance(INBOUND_KEPT_MS - 3_600_000);
  expect(await h.ctx.inbound.claim(site, 'SM-recent', h.now())).toBe(true);
  await h.ctx.inbound.record(site, 'SM-recent', 'stop');
  h.advance(2 * 3_600_000); // SM-old is now 30 days and an hour old
  await h.flush();
  const ids = (await h.deps.store.db.select().from(inboundMessages)).map((r) => r.messageId);
  expect(ids).toEqual(['SM-recent']);
  // A retry of the recent one is still a replay; the forgotten one would be handled again (nothing left to match).
  expect(await h.ctx.inbound.claim(site, 'SM-recent', h.now())).toBe(false);
});
