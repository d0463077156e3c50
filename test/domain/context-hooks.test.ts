// The runtime's hooks travel in the domain context: the domain itself kicks the send after committing messages, and
// the challenge is asked or not by the caller's named policy (never by a missing argument). Entries called directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChallengeVerifier, DomainContext } from '../../worker/domain/context.ts';
import { confirmConsent, requestConsent, type ConsentRequest } from '../../worker/domain/consent/index.ts';
import { loadSite } from '../../worker/domain/site/index.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';
import { frenchMobile, updateDemo } from '../sms/fixtures.ts';

let h: Harness;
let kicks: number;
let verified: string[];
let ctx: DomainContext;
const verifyChallenge: ChallengeVerifier = async (_site, token) => {
  verified.push(token);
  return token === 'valid-token';
};

beforeEach(async () => {
  h = await makeHarness();
  kicks = 0;
  verified = [];
  ctx = { ...h.ctx, verifyChallenge, onQueued: () => void kicks++ };
});
afterEach(() => h.close());

async function yes(phone: string, extra: Partial<ConsentRequest> = {}): Promise<ConsentRequest> {
  return { phone, choice: 'yes', ...(await widgetFor(h)), method: 'widget', ip: '192.0.2.9', ...extra };
}

describe('onQueued, called by the domain once messages are committed', () => {
  it('kicks once for a new pending consent, never for a refusal', async () => {
    const site = await loadSite(ctx, 'demo');
    const outcome = await requestConsent(ctx, site, await yes(frenchMobile(1).national), {
      challenge: 'when-near-limits',
    });
    expect(outcome.kind).toBe('pending');
    expect(kicks).toBe(1);
    expect(await h.ctx.outbox.countConfirmRequests((await h.ctx.consents.byId(pendingId(outcome)))!.subjectId, 0)).toBe(
      1,
    );
    const no = await requestConsent(ctx, site, await yes('', { choice: 'no' }), { challenge: 'when-near-limits' });
    expect(no.kind).toBe('declined');
    expect(kicks).toBe(1);
  });

  it('kicks once when a confirmation commits its "confirmed" SMS, not for a repeat', async () => {
    const site = await loadSite(ctx, 'demo');
    const outcome = await requestConsent(ctx, site, await yes(frenchMobile(2).national), { challenge: 'never' });
    const pending = (await h.ctx.consents.byId(pendingId(outcome)))!;
    const how = { method: 'link', ip: undefined, userAgent: undefined } as const;
    expect((await confirmConsent(ctx, pending, how, site)).kind).toBe('confirmed');
    expect(kicks).toBe(2);
    expect((await confirmConsent(ctx, pending, how, site)).kind).toBe('already-confirmed');
    expect(kicks).toBe(2);
  });
});

describe('the challenge policy of an opt-in path', () => {
  it("asks near the limits on 'when-near-limits', and never on 'never' (the hosted form), without calling the verifier", async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 5, perSitePerDay: 10_000 };
      config.challenge = { provider: 'turnstile', siteKey: '0x4AAAAAAAtestkey', secret: 'turnstile-secret-value' };
    });
    const site = await loadSite(ctx, 'demo');
    for (let i = 0; i < 4; i++)
      await requestConsent(ctx, site, await yes(frenchMobile(10 + i).national), { challenge: 'never' });
    // 4 of 5: at 80 %.
    await expect(
      requestConsent(ctx, site, await yes(frenchMobile(20).national), { challenge: 'when-near-limits' }),
    ).rejects.toMatchObject({ code: 'challenge_required', status: 403 });
    expect(verified).toEqual([]);
    // The same moment on the hosted form's path: not asked, and counted like any opt-in.
    const hosted = await requestConsent(ctx, site, await yes(frenchMobile(20).national), { challenge: 'never' });
    expect(hosted.kind).toBe('pending');
    expect(verified).toEqual([]);
    // 5 of 5: a valid response is checked, and the hourly limit still refuses; 'never' skips the challenge only.
    await expect(
      requestConsent(ctx, site, await yes(frenchMobile(21).national, { challengeToken: 'valid-token' }), {
        challenge: 'when-near-limits',
      }),
    ).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
    expect(verified).toEqual(['valid-token']);
    await expect(
      requestConsent(ctx, site, await yes(frenchMobile(22).national), { challenge: 'never' }),
    ).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
  });
});

function pendingId(outcome: Awaited<ReturnType<typeof requestConsent>>): string {
  if (outcome.kind !== 'pending') throw new Error(`expected a pending consent, got ${outcome.kind}`);
  return outcome.consentId;
}
