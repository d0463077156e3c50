// Outbox dispatch against a fake Twilio over real HTTP: 429, 5xx and timeouts lose and duplicate nothing, backoff
// grows, an accepted-but-unanswered send is reconciled by lookup instead of resent, a 400 fails at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../worker/db/outbox.ts';
import type { Logger } from '../../worker/logger.ts';
import { createTwilioProvider } from '../../worker/sms/providers/twilio.ts';
import { outboxJournal } from '../../worker/sms/router.ts';
import { computeTwilioSignature } from '../../worker/sms/signatures.ts';
import { makeHarness, type Harness } from '../harness.ts';
import {
  ACCOUNT_SID,
  auth,
  json,
  tokenSentTo,
  AUTH_TOKEN,
  FROM,
  frenchMobile,
  requestOptIn,
  startFakeTwilio,
  updateDemo,
  useTwilio,
  type FakeTwilio,
  type Mode,
} from '../sms/fixtures.ts';

const BASE_DELAY = 5_000; // the dispatcher's default

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/**
 * The real Twilio provider with a short timeout (site configuration cannot set one), reading its
 * reconciliation journal from the outbox as the router does, and a logger that keeps every line.
 */
async function setUp(start?: number): Promise<{ h: Harness; twilio: FakeTwilio; logs: string[] }> {
  let h: Harness | undefined;
  const twilio = await startFakeTwilio(() => h!.now());
  const logs: string[] = [];
  const keep = (level: string) => (msg: string, fields?: object) =>
    logs.push(JSON.stringify({ level, msg, ...fields }));
  const logger: Logger = { info: keep('info'), warn: keep('warn'), error: keep('error') };
  const provider = createTwilioProvider({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: FROM,
    apiBaseUrl: twilio.baseUrl,
    outbound: { allowLocal: true }, // the fake Twilio listens on 127.0.0.1
    timeoutMs: 250,
    now: () => h!.now(),
    journal: { record() {}, get: (id) => outboxJournal(h!.ctx).get(id) },
  });
  h = await makeHarness({ provider, logger, ...(start ? { start } : {}) });
  cleanup = async () => {
    await h!.close();
    await twilio.close();
  };
  return { h, twilio, logs };
}

async function rowsFor(h: Harness, consentIds: string[]): Promise<OutboxRow[]> {
  return (await Promise.all(consentIds.map((id) => h.ctx.outbox.forConsent(id)))).flat();
}

/** Runs the jobs, moving the clock to the next due message each time, until nothing is queued. */
async function drain(h: Harness, consentIds: string[], maxRounds = 30): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    await h.flush();
    const queued = (await rowsFor(h, consentIds)).filter((r) => r.status === 'queued');
    if (queued.length === 0) return round;
    h.advance(Math.max(1, Math.min(...queued.map((r) => r.nextAttemptAt)) - h.now()));
  }
  throw new Error('outbox did not drain');
}

describe('retries lose and duplicate nothing', () => {
  it('delivers every queued message exactly once through 429, 5xx, timeouts and an accepted-but-unanswered send', async () => {
    const { h, twilio, logs } = await setUp();
    const phones = [1, 2, 3, 4, 5, 6].map(frenchMobile);
    const ids: string[] = [];
    for (const p of phones) ids.push(await requestOptIn(h, p.national));
    const firstAnswers: Mode[] = [
      { kind: 'status', status: 429, retryAfter: '30' },
      { kind: 'status', status: 500 },
      { kind: 'hang' },
      { kind: 'accept-and-hang' },
      { kind: 'ok' },
      { kind: 'status', status: 503 },
    ];
    twilio.modes.push(...firstAnswers);

    await drain(h, ids);

    const rows = await rowsFor(h, ids);
    expect(rows).toHaveLength(6);
    const firstModeOf = new Map<string, Mode['kind']>();
    for (const a of twilio.answered) if (!firstModeOf.has(a.to)) firstModeOf.set(a.to, a.mode);
    expect([...firstModeOf.values()].sort()).toEqual(['accept-and-hang', 'hang', 'ok', 'status', 'status', 'status']);

    for (const [i, phone] of phones.entries()) {
      const row = rows.find((r) => r.consentId === ids[i])!;
      const accepted = twilio.accepted.filter((m) => m.to === phone.e164);
      const posts = twilio.answered.filter((a) => a.to === phone.e164).length;
      const lookups = twilio
        .lookups()
        .filter((r) => new URL(r.path, 'http://x').searchParams.get('To') === phone.e164).length;
      // Exactly one message reached the provider's queue, and the outbox knows its sid.
      expect(accepted).toHaveLength(1);
      expect(row).toMatchObject({ status: 'sent', providerMessageId: accepted[0]!.sid, outcomeUnknown: false });
      switch (firstModeOf.get(phone.e164)) {
        case 'ok':
          expect([posts, lookups, row.attempts]).toEqual([1, 0, 1]);
          break;
        case 'status':
          expect([posts, lookups, row.attempts]).toEqual([2, 0, 2]);
          break;
        case 'hang': // nothing was accepted: the lookup finds nothing and the message is sent again
          expect([posts, lookups, row.attempts]).toEqual([2, 1, 2]);
          break;
        case 'accept-and-hang': // accepted but unanswered: the lookup finds it, no second send
          expect([posts, lookups, row.attempts]).toEqual([1, 1, 2]);
          break;
      }
    }
    // The 429 said Retry-After: 30 and was honoured.
    const rateLimited = twilio.answered.find((a) => a.mode === 'status' && twilio.answered.indexOf(a) === 0)!;
    const limitedRow = rows.find((r) => r.consentId === ids[phones.findIndex((p) => p.e164 === rateLimited.to)])!;
    expect(limitedRow.sentAt! - limitedRow.createdAt).toBeGreaterThanOrEqual(30_000);

    // Nothing in the logs identifies a subscriber.
    const allLogs = logs.join('\n');
    expect(logs.some((l) => l.includes('will be retried'))).toBe(true);
    for (const p of phones) {
      expect(allLogs).not.toContain(p.e164);
      expect(allLogs).not.toContain(p.e164.slice(3));
    }
  });

  it('backs off exponentially on 5xx, honours Retry-After on 429, and sends nothing before the time', async () => {
    const { h, twilio } = await setUp();
    const phone = frenchMobile(10);
    const id = await requestOptIn(h, phone.national);
    twilio.modes.push(...Array.from({ length: 4 }, (): Mode => ({ kind: 'status', status: 500 })), {
      kind: 'status',
      status: 429,
      retryAfter: '120',
    });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      await h.flush();
      const [row] = await h.ctx.outbox.forConsent(id);
      expect(row).toMatchObject({ status: 'queued', attempts: attempt });
      expect(row!.lastError).toContain(`Twilio HTTP ${attempt <= 4 ? 500 : 429}`);
      // The provider's error text quoted the number; it is redacted before it is stored.
      expect(row!.lastError).toContain('[number]');
      expect(row!.lastError).not.toContain(phone.e164);
      const wait = row!.nextAttemptAt - h.now();
      waits.push(wait);
      // Not a moment early.
      h.advance(wait - 1);
      await h.flush();
      expect(twilio.answered).toHaveLength(attempt);
      h.advance(1);
    }
    for (let k = 0; k < 4; k++) {
      const nominal = BASE_DELAY * 2 ** k;
      expect(waits[k]).toBeGreaterThanOrEqual(nominal * 0.75);
      expect(waits[k]).toBeLessThanOrEqual(nominal * 1.25);
      if (k > 0) expect(waits[k]).toBeGreaterThan(waits[k - 1]!);
    }
    expect(waits[4]).toBe(120_000);

    await h.flush();
    const [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 6, lastError: null });
    expect(twilio.accepted.filter((m) => m.to === phone.e164)).toHaveLength(1);
  });

  it('fails a message on a non-retryable 400 after one attempt and never sends it again', async () => {
    const { h, twilio } = await setUp();
    const phone = frenchMobile(20);
    const id = await requestOptIn(h, phone.national);
    twilio.modes.push({ kind: 'status', status: 400, code: 21211 });
    await h.flush();
    const [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toContain('Twilio HTTP 400 error 21211');
    h.advance(24 * 3_600_000);
    await h.flush();
    expect(twilio.answered).toHaveLength(1);
    expect(twilio.accepted).toHaveLength(0);
    expect((await h.ctx.outbox.forConsent(id))[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});

describe('unknown outcome', () => {
  it('reconciles a timed-out send the provider accepted, by lookup, without sending it again', async () => {
    const { h, twilio } = await setUp();
    const phone = frenchMobile(30);
    const id = await requestOptIn(h, phone.national);
    twilio.modes.push({ kind: 'accept-and-hang' });
    await h.flush();
    let [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, outcomeUnknown: true });
    expect(row!.lastError).toContain('timeout');
    expect(twilio.accepted).toHaveLength(1);

    h.advance(row!.nextAttemptAt - h.now());
    await h.flush();
    [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 2,
      providerMessageId: twilio.accepted[0]!.sid,
      outcomeUnknown: false,
    });
    expect(twilio.answered).toHaveLength(1);
    expect(twilio.lookups()).toHaveLength(1);
  });

  it('keeps reconciling when the lookup itself fails, and never sends twice', async () => {
    const { h, twilio } = await setUp();
    const phone = frenchMobile(31);
    const id = await requestOptIn(h, phone.national);
    twilio.modes.push({ kind: 'accept-and-hang' });
    await h.flush();
    // The list API is down for one call.
    let lookupFailures = 1;
    twilio.failLookup = () => lookupFailures-- > 0;
    for (let i = 0; i < 3; i++) {
      const [row] = await h.ctx.outbox.forConsent(id);
      if (row!.status !== 'queued') break;
      h.advance(row!.nextAttemptAt - h.now());
      await h.flush();
    }
    const [row] = await h.ctx.outbox.forConsent(id);
    expect(row!.status).toBe('sent');
    expect(twilio.answered).toHaveLength(1);
    expect(twilio.accepted).toHaveLength(1);
  });
});

describe('through the site configuration', () => {
  it('sends with basic auth, From and a status callback; a signed callback records delivery, an unsigned one is refused', async () => {
    let h: Harness | undefined;
    const twilio = await startFakeTwilio(() => h!.now());
    h = await makeHarness();
    cleanup = async () => {
      await h!.close();
      await twilio.close();
    };
    await useTwilio(h, twilio.baseUrl);
    const phone = frenchMobile(40);
    const id = await requestOptIn(h, phone.national);
    twilio.modes.push({ kind: 'status', status: 429, retryAfter: '60' });
    await h.flush();
    let [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: h.now() + 60_000 });

    h.advance(60_000);
    await h.flush();
    [row] = await h.ctx.outbox.forConsent(id);
    expect(row).toMatchObject({ status: 'sent', providerMessageId: twilio.accepted[0]!.sid });
    const request = twilio.server.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(request.headers.authorization).toBe(`Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}`);
    const form = new URLSearchParams(request.body);
    expect(form.get('From')).toBe(FROM);
    expect(form.get('To')).toBe(phone.e164);
    expect(form.get('Body')).toMatch(/^Demo Shop : offres par SMS \? Confirmez : https:\/\/assent\.test\/c\//);
    const callback = form.get('StatusCallback')!;
    expect(new URL(callback).searchParams.get('m')).toBe(row!.id);
    expect(callback.startsWith('https://assent.test/v1/sites/demo/delivery/twilio?')).toBe(true);

    const status = new URLSearchParams({
      MessageSid: row!.providerMessageId!,
      MessageStatus: 'delivered',
      AccountSid: ACCOUNT_SID,
    });
    const path = callback.slice('https://assent.test'.length);
    const unsigned = await h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: status.toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await h.ctx.outbox.forConsent(id))[0]!.deliveryStatus).toBeNull();

    const signed = await h.app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': await computeTwilioSignature(AUTH_TOKEN, callback, status),
      },
      body: status.toString(),
    });
    expect(signed.status).toBe(204);
    expect((await h.ctx.outbox.forConsent(id))[0]!.deliveryStatus).toBe('delivered');
  });
});

describe('quiet hours on retry', () => {
  it('does not send a retried marketing message outside the sending window', async () => {
    // Saturday 28 Nov 2026, 19:55 in Paris.
    const { h, twilio } = await setUp(Date.parse('2026-11-28T18:55:00Z'));
    // Marketing to French numbers needs the short code that receives STOP.
    await updateDemo(h, (config) => {
      (config.program as Record<string, unknown>).shortCode = '38123';
    });
    const phone = frenchMobile(50);
    const id = await requestOptIn(h, phone.national);
    await h.flush();
    expect((await h.app.request(`/c/${tokenSentTo(twilio, phone.e164)}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    h.advance(4 * 60_000); // 19:59
    const res = await h.app.request(
      '/v1/sites/demo/messages',
      json({ template: 'Dernière heure', variables: {} }, auth(h)),
    );
    expect(await res.json()).toMatchObject({ queued: 1, quietHours: false });
    twilio.modes.push({ kind: 'status', status: 503, retryAfter: '120' });
    await h.flush();
    const marketing = async () => (await h.ctx.outbox.forConsent(id)).find((m) => m.kind === 'marketing')!;
    expect(await marketing()).toMatchObject({ status: 'queued', attempts: 1 });
    h.advance(120_000); // 20:01
    await h.flush();
    expect((await marketing()).status).toBe('queued');
    expect((await marketing()).nextAttemptAt).toBe(Date.parse('2026-11-30T07:00:00Z'));
  });
});
