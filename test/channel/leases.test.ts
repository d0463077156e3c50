// Claims are leases with an owner: a send slower than its lease is not sent again by the next claimer (it reconciles
// by lookup), a late outcome from a claimer that lost its lease changes nothing, and a jobs loop whose background work
// was dropped (its promise never settles) does not stop later passes.
import { afterEach, describe, expect, it } from 'vitest';
import { contextFromDeps } from '../../worker/app.ts';
import { dispatchDue } from '../../worker/domain/messaging/dispatcher.ts';
import { createJobs } from '../../worker/jobs.ts';
import type { Logger } from '../../worker/logger.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../../worker/sms/provider.ts';
import { makeHarness, optIn, type Harness } from '../harness.ts';

/** A provider that accepts a message when the call arrives and answers only when the test lets it. Counts sends. */
function slowProvider() {
  const sends = new Map<string, number>();
  const held: (() => void)[] = [];
  let hold = true;
  const provider: SmsProvider = {
    name: 'slow',
    async send(message: OutgoingSms): Promise<SendResult> {
      sends.set(message.id, (sends.get(message.id) ?? 0) + 1);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      return { ok: true, providerMessageId: `SM-${message.id}` };
    },
    async lookup(id) {
      return sends.has(id) ? { found: true, providerMessageId: `SM-${id}` } : { found: false };
    },
  };
  return {
    provider,
    sends,
    /** Later calls answer at once; held ones answer too unless `dropHeld` (their caller is gone for good). */
    release(dropHeld = false) {
      hold = false;
      const waiting = held.splice(0);
      if (!dropHeld) for (const resolve of waiting) resolve();
    },
    waitForSend: async (n: number) => {
      for (let i = 0; i < 200 && [...sends.values()].reduce((a, b) => a + b, 0) < n; i++)
        await new Promise((r) => setTimeout(r, 5));
    },
  };
}

let h: Harness;
afterEach(async () => h?.close());

async function queued(h: Harness, phone: string): Promise<string> {
  const res = await optIn(h, phone);
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  return (await h.ctx.outbox.forConsent(consentId))[0]!.id;
}

describe('a send slower than its lease', () => {
  it('is reconciled by the next claimer through the provider, sent exactly once; the late answer records nothing', async () => {
    const slow = slowProvider();
    h = await makeHarness({ provider: slow.provider });
    const id = await queued(h, '06 12 34 56 78');
    const options = { leaseMs: 60_000 }; // the harness's provider is the slow one

    const first = dispatchDue(h.ctx, options); // claims, calls the provider, hangs
    await slow.waitForSend(1);
    h.advance(60_001); // the lease runs out while the call is in flight
    const second = await dispatchDue(h.ctx, options);
    expect(second).toMatchObject({ sent: 1, lost: 0 });
    expect(await h.ctx.outbox.byId(id)).toMatchObject({ status: 'sent', providerMessageId: `SM-${id}` });

    slow.release();
    expect(await first).toMatchObject({ sent: 0, lost: 1 });
    expect(slow.sends.get(id)).toBe(1);
    const row = (await h.ctx.outbox.byId(id))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 2, outcomeUnknown: false, lastError: null });
  });

  it('a claimer that lost its lease cannot fail or reschedule the message the next claimer sent', async () => {
    const slow = slowProvider();
    h = await makeHarness({ provider: slow.provider });
    const id = await queued(h, '06 12 34 56 79');
    slow.release(); // this provider answers at once
    const claimed = await h.ctx.outbox.claimDue(h.now(), 10, 60_000, 'old-claimer');
    expect(claimed.map((r) => r.id)).toEqual([id]);
    h.advance(60_001);
    expect(await dispatchDue(h.ctx, {})).toMatchObject({ sent: 1 });
    // The old claimer's outcome arrives now: compare-and-set on its token refuses all three.
    expect(await h.ctx.outbox.finish(id, 'old-claimer', 'failed', 'HTTP 400')).toBe(false);
    expect(await h.ctx.outbox.retryLater(id, 'old-claimer', h.now() + 1000, 'HTTP 503', true)).toBe(false);
    expect(await h.ctx.outbox.markSent(id, 'old-claimer', 'SM-other', h.now())).toBe(false);
    expect(await h.ctx.outbox.byId(id)).toMatchObject({ status: 'sent', providerMessageId: `SM-${id}` });
  });
});

describe('a send whose answer could not be recorded', () => {
  it('is reconciled by lookup at the next attempt, not sent again', async () => {
    const slow = slowProvider();
    slow.release();
    h = await makeHarness({ provider: slow.provider });
    const id = await queued(h, '06 12 34 56 85');
    const store = h.deps.store;
    let armed = false;
    const provider: SmsProvider = { ...slow.provider, send: async (m) => ((armed = true), slow.provider.send(m)) };
    // The provider accepted the message; the write recording it fails (storage fault), once.
    const flaky = {
      ...store,
      batch: (s: Parameters<typeof store.batch>[0]) => {
        if (!armed) return store.batch(s);
        armed = false;
        return Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
      },
    };
    const ctx = contextFromDeps({ ...h.deps, store: flaky }).ctx;
    expect(await dispatchDue({ ...ctx, providerFor: () => provider }, {})).toMatchObject({ sent: 0, retried: 1 });
    expect(await h.ctx.outbox.byId(id)).toMatchObject({ status: 'queued', outcomeUnknown: true });
    h.advance(60_000);
    expect(await dispatchDue({ ...h.ctx, providerFor: () => provider }, {})).toMatchObject({ sent: 1 });
    expect(slow.sends.get(id)).toBe(1);
  });
});

describe('jobs whose background work was dropped', () => {
  it('a pass that never settles does not stop later passes: the next tick dispatches', async () => {
    const slow = slowProvider();
    const lines: string[] = [];
    const keep = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
    const logger: Logger = { info: keep('info'), warn: keep('warn'), error: keep('error') };
    h = await makeHarness({ provider: slow.provider, logger });
    const jobs = createJobs(h.deps, { staleMs: 45_000, logEveryMs: 0 });
    const first = await queued(h, '06 12 34 56 80');

    void jobs.kick(); // the request's background work: it will be dropped mid-send
    await slow.waitForSend(1);
    const second = await queued(h, '06 12 34 56 81');
    // Ticks while the loop is still believed alive only ask it for another pass.
    expect(await jobs.kick(true)).toBeNull();

    // Workers cancelled that work: its promise never settles. A minute later the cron tick comes.
    slow.release(true); // nothing ever answers the first call
    h.advance(60_001);
    const report = await jobs.kick(true);
    expect(report).toMatchObject({ sent: 2 });
    expect(lines).toContain('warn jobs: a pass never finished (background work dropped?); starting a new one');
    // The hung call had reached the provider: it was reconciled by lookup, not sent again.
    expect(slow.sends.get(first)).toBe(1);
    expect(slow.sends.get(second)).toBe(1);
    expect(await h.ctx.outbox.byId(first)).toMatchObject({ status: 'sent' });
    expect(await h.ctx.outbox.byId(second)).toMatchObject({ status: 'sent' });
  });

  it('a loop stuck in one pass for 5 s takes no more work: a later request starts (and owns) a new one', async () => {
    const slow = slowProvider();
    h = await makeHarness({ provider: slow.provider });
    const jobs = createJobs(h.deps, { logEveryMs: 0 });
    await queued(h, '06 12 34 56 83');
    void jobs.kick(); // a long pass, held by a slow call
    await slow.waitForSend(1);
    await queued(h, '06 12 34 56 84');
    h.advance(4_999);
    expect(await jobs.kick()).toBeNull(); // still moving, as far as anyone knows: it will take this pass itself
    h.advance(2);
    slow.release();
    // Past that, the request runs its own loop rather than waiting on one that may hang.
    expect(await jobs.kick()).toMatchObject({ sent: 1 });
  });

  it('a failed pass is logged, and the next pass runs', async () => {
    const lines: string[] = [];
    const keep = (level: string) => (msg: string, fields?: object) =>
      void lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    h = await makeHarness({ logger: { info: keep('info'), warn: keep('warn'), error: keep('error') } });
    const store = h.deps.store;
    let broken = true;
    const flaky = {
      ...store,
      batch: (s: Parameters<typeof store.batch>[0]) =>
        broken ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : store.batch(s),
    };
    const jobs = createJobs({ ...h.deps, store: flaky }, { logEveryMs: 0 });
    await queued(h, '06 12 34 56 82');
    expect(await jobs.kick(true)).toBeNull(); // kick never rejects: the loop logged it
    expect(lines.some((l) => l.startsWith('error jobs failed') && l.includes('SQLITE_BUSY'))).toBe(true);
    broken = false;
    expect(await jobs.run()).toMatchObject({ sent: 1 });
  });
});
