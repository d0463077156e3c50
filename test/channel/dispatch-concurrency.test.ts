// A send pass keeps several messages at the provider at once (a provider answers in a tenth of a second or more: one
// at a time, a burst waits minutes for its confirmation SMS), but never two to one number, whose messages go in the
// order they were queued, and a storage fault while recording stops the pass without leaving sends running behind it.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISPATCH_CONCURRENCY, dispatchDue } from '../../worker/domain/messaging/index.ts';
import type { SmsProvider } from '../../worker/sms/provider.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { optInBurst } from './burst.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

/** A provider that answers each send a few milliseconds later, watching what is at it at once. */
function slowProvider(delayMs = 5) {
  const inFlight = new Set<string>();
  const numbersAtOnce = new Map<string, number>();
  const order: { id: string; to: string }[] = [];
  const watch = { most: 0, sameNumberTogether: 0, order, inFlight };
  const provider: SmsProvider = {
    name: 'slow',
    async send(message) {
      inFlight.add(message.id);
      order.push({ id: message.id, to: message.to });
      const own = (numbersAtOnce.get(message.to) ?? 0) + 1;
      numbersAtOnce.set(message.to, own);
      if (own > 1) watch.sameNumberTogether++;
      watch.most = Math.max(watch.most, inFlight.size);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      inFlight.delete(message.id);
      numbersAtOnce.set(message.to, own - 1);
      return { ok: true, providerMessageId: `p-${message.id}` };
    },
  };
  return { provider, watch };
}

/** Queues one more confirmation SMS to the number of `id`'s message, due `afterMs` after it. */
async function another(id: string, copy: string, afterMs: number) {
  await h.deps.store.db.run(
    sql`INSERT INTO outbox (id, site_id, subject_id, consent_id, kind, body_ciphertext, status, attempts,
       next_attempt_at, lease_until, outcome_unknown, created_at)
     SELECT ${copy}, site_id, subject_id, consent_id, kind, body_ciphertext, 'queued', 0, next_attempt_at + ${afterMs},
       0, 0, created_at
     FROM outbox WHERE id = ${id}`,
  );
}

const queuedIds = async () =>
  (await h.deps.store.queryColumn(
    "SELECT id FROM outbox WHERE status = 'queued' ORDER BY next_attempt_at, id",
  )) as string[];

describe('a send pass', () => {
  it(`keeps ${DISPATCH_CONCURRENCY} messages at the provider at once, never two to one number, each number's in order`, async () => {
    await optInBurst(h, 12, 30_000_000, 11);
    const [first] = await queuedIds();
    await another(first!, `${first}-2`, 1);
    await another(first!, `${first}-3`, 2);
    h.advance(2); // both due now
    const { provider, watch } = slowProvider();
    const report = await dispatchDue({ ...h.ctx, providerFor: () => provider }, {});
    expect(report).toMatchObject({ sent: 14, retried: 0, failed: 0, lost: 0 });
    expect(watch.most).toBe(DISPATCH_CONCURRENCY);
    expect(watch.sameNumberTogether).toBe(0);
    const firstNumber = watch.order.find((sent) => sent.id === first)!.to;
    expect(watch.order.filter((sent) => sent.to === firstNumber).map((sent) => sent.id)).toEqual([
      first,
      `${first}-2`,
      `${first}-3`,
    ]);
    expect(await queuedIds()).toEqual([]);
  });

  it('sends one at a time when asked to (concurrency 1)', async () => {
    await optInBurst(h, 6, 30_100_000, 12);
    const { provider, watch } = slowProvider(1);
    expect(await dispatchDue({ ...h.ctx, providerFor: () => provider }, { concurrency: 1 })).toMatchObject({
      sent: 6,
    });
    expect(watch.most).toBe(1);
  });

  it('stops at a storage fault while recording, with no send still running once it has failed', async () => {
    await optInBurst(h, 10, 30_200_000, 13);
    const { provider, watch } = slowProvider();
    // The disk goes away at the third outcome recorded: that write and every later one fail.
    let writes = 0;
    const fault = () => {
      if (++writes >= 3) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    const outbox = h.ctx.outbox;
    const failing: typeof outbox = {
      ...outbox,
      markSentWith: async (...args) => (fault(), outbox.markSentWith(...args)),
      markSent: async (...args) => (fault(), outbox.markSent(...args)),
      retryLater: async (...args) => (fault(), outbox.retryLater(...args)),
      finish: async (...args) => (fault(), outbox.finish(...args)),
    };
    const ctx = { ...h.ctx, outbox: failing, providerFor: () => provider };
    await expect(dispatchDue(ctx, {})).rejects.toThrow('disk I/O error');
    expect(watch.inFlight.size).toBe(0);
    // The lanes running at the fault finish their send; none takes another: the claim's other messages stay leased
    // to this pass, and their next claimer asks the provider first (leases.test.ts).
    expect(watch.order.length).toBeGreaterThanOrEqual(3);
    expect(watch.order.length).toBeLessThan(10);
  });
});
