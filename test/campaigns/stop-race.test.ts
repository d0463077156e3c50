// A stop racing the dispatcher: the message in flight is sent once and recorded sent, nothing cancelled goes out
// (not even after a retry), and a message whose earlier attempt may have gone out is reconciled, never lost.
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outbox } from '../../worker/db/schema.ts';
import { dispatchDue } from '../../worker/domain/messaging/index.ts';
import type { SendResult, SmsProvider } from '../../worker/sms/provider.ts';
import type { Harness } from '../harness.ts';
import { frenchSender, progressOf, send, stop, subscribe } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;

/** A provider whose first send waits until released, then answers `first`; the others succeed at once. */
function blockingProvider(first: SendResult) {
  const sent: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => (entered = resolve));
  const found = new Set<string>();
  const provider: SmsProvider = {
    name: 'blocking',
    async send(message) {
      sent.push(message.id);
      if (sent.length === 1) {
        entered();
        await released;
        return first;
      }
      return { ok: true, providerMessageId: `p-${message.id}` };
    },
    async lookup(id) {
      return found.has(id) ? { found: true, providerMessageId: `p-${id}` } : { found: false };
    },
  };
  return { provider, sent, release, inFlight, found };
}

async function scheduledCampaign(harness: Harness, subscribers: number): Promise<string> {
  for (let n = 1; n <= subscribers; n++) await subscribe(harness, n);
  const res = await send(harness, { template: 'Offre limitée', sendAt: new Date(harness.now() + HOUR).toISOString() });
  expect(res.status).toBe(202);
  harness.advance(HOUR);
  return ((await res.json()) as { campaignId: string }).campaignId;
}

const rowsOf = async (harness: Harness, campaignId: string) =>
  (
    await harness.ctx.store.db
      .select({ id: outbox.id, status: outbox.status, last_error: outbox.lastError })
      .from(outbox)
      .where(eq(outbox.campaignId, campaignId))
  ).sort((a, b) => a.id.localeCompare(b.id));

describe('stopping a campaign while the dispatcher sends it', () => {
  it('records the message in flight as sent once and sends none of the others', async () => {
    h = await frenchSender();
    const id = await scheduledCampaign(h, 4);
    const fake = blockingProvider({ ok: true, providerMessageId: 'p-first' });
    const ctx = { ...h.ctx, providerFor: () => fake.provider };
    // One send in flight at a time (the default keeps several, each past its own check when the stop lands).
    const run = dispatchDue(ctx, { claimSize: 10, concurrency: 1 });
    await fake.inFlight;
    const stopped = (await (await stop(h, id)).json()) as { cancelledNow: number };
    // Four claimed together: the stop leaves the claimed ones to the dispatcher, which checks before each send.
    expect(stopped.cancelledNow).toBe(0);
    fake.release();
    const report = await run;
    expect(report).toMatchObject({ sent: 1, cancelled: 3, lost: 0 });
    expect(fake.sent).toHaveLength(1);
    const rows = await rowsOf(h, id);
    expect(rows.filter((r) => r.status === 'sent').map((r) => r.id)).toEqual([fake.sent[0]]);
    expect(rows.filter((r) => r.status === 'cancelled')).toHaveLength(3);
    // Nothing more, ever.
    h.advance(HOUR);
    await dispatchDue(ctx, {});
    expect(fake.sent).toHaveLength(1);
    expect((await progressOf(h, id)).progress).toMatchObject({ sent: 1, cancelled: 3, queued: 0 });
  });

  it('cancels unclaimed messages at once and never sends one whose attempt failed before the stop', async () => {
    h = await frenchSender();
    const id = await scheduledCampaign(h, 3);
    const fake = blockingProvider({ ok: false, retryable: true, reason: 'HTTP 503' });
    const ctx = { ...h.ctx, providerFor: () => fake.provider };
    // One claimed at a time: the two others are still unclaimed when the stop lands.
    const run = dispatchDue(ctx, { claimSize: 1, limit: 1 });
    await fake.inFlight;
    const stopped = (await (await stop(h, id)).json()) as { cancelledNow: number };
    expect(stopped.cancelledNow).toBe(2);
    fake.release();
    expect(await run).toMatchObject({ retried: 1 });
    // The retry comes due: the campaign is stopped, so it is cancelled, not sent.
    h.advance(2 * HOUR);
    expect(await dispatchDue(ctx, {})).toMatchObject({ sent: 0, cancelled: 1 });
    expect(fake.sent).toHaveLength(1);
    expect((await rowsOf(h, id)).every((r) => r.status === 'cancelled')).toBe(true);
  });

  it('reconciles a message whose claimer vanished mid-send: found at the provider, it stays sent', async () => {
    h = await frenchSender();
    const id = await scheduledCampaign(h, 2);
    // A dispatcher claims both and vanishes (its outcome never recorded); one had reached the provider.
    const claimed = await h.ctx.outbox.claimDue(h.now(), 10, 60_000, 'vanished');
    expect(claimed).toHaveLength(2);
    const fake = blockingProvider({ ok: true, providerMessageId: 'unused' });
    fake.found.add(claimed[0]!.id);
    const stopped = (await (await stop(h, id)).json()) as { cancelledNow: number };
    expect(stopped.cancelledNow).toBe(0);
    h.advance(120_000);
    const ctx = { ...h.ctx, providerFor: () => fake.provider };
    expect(await dispatchDue(ctx, {})).toMatchObject({ sent: 1, cancelled: 1 });
    expect(fake.sent).toHaveLength(0);
    const rows = await rowsOf(h, id);
    expect(rows.find((r) => r.id === claimed[0]!.id)?.status).toBe('sent');
    expect(rows.find((r) => r.id === claimed[1]!.id)).toMatchObject({
      status: 'cancelled',
      last_error: 'campaign stopped',
    });
  });
});
