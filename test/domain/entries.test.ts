// The domain's entries called directly (no HTTP): the opt-in limits, the send gate and the consent lifecycle, each
// on the shared harness (fresh in-memory database, fixed clock, the demo site). The HTTP tests check the same rules
// through the routes; these pin what the entries themselves promise to every caller (routes, console, jobs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmConsent,
  expireDue,
  requestConsent,
  withdrawAll,
  type ConsentRequest,
} from '../../worker/domain/consent/index.ts';
import { enforceLimits, guardDecline, guardNumber, limitUsage } from '../../worker/domain/limits/index.ts';
import { checkSubscribers, lookupSubscriber, subscriberById } from '../../worker/domain/messaging/index.ts';
import { loadSite, type Site } from '../../worker/domain/site/index.ts';
import { eraseSubscriber } from '../../worker/domain/subscribers/index.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';

const HOUR = 3_600_000;
let h: Harness;
let site: Site;
beforeEach(async () => {
  h = await makeHarness();
  site = await loadSite(h.ctx, 'demo');
});
afterEach(() => h.close());

async function ask(phone: string, extra: Partial<ConsentRequest> = {}) {
  const req: ConsentRequest = { phone, choice: 'yes', ...(await widgetFor(h)), method: 'widget', ip: '192.0.2.1' };
  return requestConsent(h.ctx, site, { ...req, ...extra }, { challenge: 'when-near-limits' });
}
async function pending(phone: string) {
  const outcome = await ask(phone);
  if (outcome.kind !== 'pending') throw new Error(outcome.kind);
  return (await h.ctx.consents.byId(outcome.consentId))!;
}
const link = { method: 'link', ip: undefined, userAgent: undefined } as const;

describe('limits entry', () => {
  it('enforceLimits counts every hit, refuses past the limit with Retry-After at the window end, per key and per window', async () => {
    const limit = { key: 'unit:a', limit: 2, windowMs: HOUR };
    await enforceLimits(h.ctx, [limit]);
    expect(await limitUsage(h.ctx, limit)).toBe(0.5);
    await enforceLimits(h.ctx, [limit]);
    // START is on the hour: the window ends an hour later.
    await expect(enforceLimits(h.ctx, [limit])).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      headers: { 'Retry-After': '3600' },
    });
    await enforceLimits(h.ctx, [{ ...limit, key: 'unit:b' }]);
    h.advance(HOUR);
    expect(await limitUsage(h.ctx, limit)).toBe(0);
    await enforceLimits(h.ctx, [limit]);
  });

  it('guardNumber refuses a 4th confirmation SMS to one number within 24 h, naming phone', async () => {
    const consent = await pending('06 12 34 56 01');
    for (let i = 0; i < 2; i++) await ask('06 12 34 56 01', { ip: `192.0.2.${10 + i}` });
    await expect(guardNumber(h.ctx, site, consent.subjectId)).rejects.toMatchObject({
      status: 429,
      errors: [{ path: 'phone' }],
    });
    await expect(ask('06 12 34 56 01', { ip: '192.0.2.99' })).rejects.toMatchObject({ status: 429 });
    h.advance(24 * HOUR);
    await guardNumber(h.ctx, site, consent.subjectId);
  });

  it('guardDecline limits refusals on counters of their own, never those of opt-ins', async () => {
    const strict: Site = { ...site, config: { ...site.config, limits: { ...site.config.limits, perIpPerHour: 1 } } };
    await guardDecline(h.ctx, strict, '198.51.100.7');
    await expect(guardDecline(h.ctx, strict, '198.51.100.7')).rejects.toMatchObject({ status: 429 });
    await guardDecline(h.ctx, strict, '198.51.100.8');
    const req = { phone: '06 12 34 56 02', choice: 'yes' as const, ...(await widgetFor(h)), method: 'widget' as const };
    const outcome = await requestConsent(h.ctx, strict, { ...req, ip: '198.51.100.7' }, { challenge: 'never' });
    expect(outcome.kind).toBe('pending');
  });
});

describe('send gate entry', () => {
  it('answers each state of the lifecycle, the same by number, by subscriber id and in bulk', async () => {
    const none = await lookupSubscriber(h.ctx, site, '+33612345603');
    expect(none).toMatchObject({ subscriberId: null, status: 'none', canSend: false, reason: 'no-consent' });

    const consent = await pending('06 12 34 56 03');
    const asked = await lookupSubscriber(h.ctx, site, '06 12 34 56 03');
    expect(asked).toMatchObject({ status: 'pending', canSend: false, reason: 'not-confirmed' });
    expect(asked.subscriberId).toBe(consent.subjectId);
    expect(asked.maskedPhone).not.toContain('34 56');

    await confirmConsent(h.ctx, consent, link, site);
    const yes = await lookupSubscriber(h.ctx, site, '+33 6 12 34 56 03');
    expect(yes).toMatchObject({ status: 'confirmed', canSend: true, suppressed: false });
    expect(yes.reason).toBeUndefined();
    expect(await subscriberById(h.ctx, site, consent.subjectId)).toEqual(yes);
    const [bulk] = await checkSubscribers(h.ctx, site, ['0612345603']);
    expect(bulk).toMatchObject({ status: 'confirmed', canSend: true });

    const subject = (await h.ctx.subjects.byId(consent.subjectId))!;
    await withdrawAll(h.ctx, subject, { method: 'api' });
    expect(await lookupSubscriber(h.ctx, site, '0612345603')).toMatchObject({
      status: 'withdrawn',
      canSend: false,
      suppressed: true,
    });

    await eraseSubscriber(h.ctx, site, consent.subjectId);
    const erased = await lookupSubscriber(h.ctx, site, '0612345603');
    expect(erased.canSend).toBe(false);
    expect(erased.subscriberId).not.toBe(consent.subjectId);
  });
});

describe('consent lifecycle entry', () => {
  it('pending expires after its TTL; an expired or withdrawn consent cannot be confirmed', async () => {
    const late = await pending('06 12 34 56 04');
    const stopped = await pending('06 12 34 56 05');
    h.advance(site.config.pendingTtlHours * HOUR - 1);
    expect(await expireDue(h.ctx)).toBe(0);
    const subject = (await h.ctx.subjects.byId(stopped.subjectId))!;
    const withdrawn = await withdrawAll(h.ctx, subject, { method: 'sms', keyword: 'STOP' });
    expect(withdrawn.map((c) => c.id)).toEqual([stopped.id]);
    // The row read before the STOP still says pending: the compare-and-set finds it withdrawn.
    expect((await confirmConsent(h.ctx, stopped, link, site)).kind).toBe('withdrawn');
    h.advance(2);
    expect(await expireDue(h.ctx)).toBe(1);
    expect((await h.ctx.consents.byId(late.id))!.status).toBe('expired');
    expect((await confirmConsent(h.ctx, late, link, site)).kind).toBe('expired');
    expect((await h.ctx.consents.byId(stopped.id))!.status).toBe('withdrawn');
  });

  it('a "no" keeps nothing personal; a new request after a withdrawal is a new pending consent', async () => {
    const before = await h.ctx.store.queryColumn('SELECT count(*) FROM subjects');
    expect((await ask('', { choice: 'no' })).kind).toBe('declined');
    expect(await h.ctx.store.queryColumn('SELECT count(*) FROM subjects')).toEqual(before);

    const first = await pending('06 12 34 56 06');
    await withdrawAll(h.ctx, (await h.ctx.subjects.byId(first.subjectId))!, { method: 'link' });
    const again = await pending('06 12 34 56 06');
    expect(again.id).not.toBe(first.id);
    expect(again.subjectId).toBe(first.subjectId);
    expect((await confirmConsent(h.ctx, again, link, site)).kind).toBe('confirmed');
    expect(await lookupSubscriber(h.ctx, site, '0612345606')).toMatchObject({ status: 'confirmed', canSend: true });
  });
});
