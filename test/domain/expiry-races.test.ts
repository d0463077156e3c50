// Expiry (link and job), concurrent requests, opting in again after leaving, and immutable events, through HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmedConsent,
  consentStatus,
  linkToken,
  makeHarness,
  optIn,
  pendingConsent,
  type Harness,
} from '../harness.ts';
import { count, countEvents, eventTypes, outboxKinds } from '../assertions.ts';

const HOUR = 3_600_000;

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const pending = (phone?: string) => pendingConsent(h, phone);
const confirmed = () => confirmedConsent(h);
const status = (consentId: string) => consentStatus(h, consentId);

describe('expiry job', () => {
  it('expires pending consents past 48 h, and only those', async () => {
    const old = await pending('06 12 34 56 78');
    h.advance(24 * HOUR);
    const young = await pending('06 98 76 54 32');
    h.advance(24 * HOUR);
    await h.flush();
    expect(await status(old)).toBe('pending'); // exactly 48 h: not yet
    h.advance(1);
    await h.flush();
    expect(await status(old)).toBe('expired');
    expect(await status(young)).toBe('pending');
    expect(await eventTypes(h, old)).toEqual(['requested', 'sms-sent', 'expired']);
    expect(await countEvents(h, young, 'expired')).toBe(0);
    h.advance(24 * HOUR);
    await h.flush();
    expect(await status(young)).toBe('expired');
    await h.flush();
    expect(await countEvents(h, old, 'expired')).toBe(1);
  });

  it('a new "yes" after expiry starts a new consent for the same subject', async () => {
    const old = await pending();
    h.advance(48 * HOUR + 1);
    await h.flush();
    const res = await optIn(h);
    expect(res.status).toBe(202);
    const fresh = ((await res.json()) as { consentId: string }).consentId;
    expect(fresh).not.toBe(old);
    expect(await status(old)).toBe('expired');
    expect(await status(fresh)).toBe('pending');
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(1);
  });
});

describe('concurrent requests', () => {
  it('two confirms at once: both answer the confirmed page, one confirmed event, one confirmed SMS', async () => {
    const consentId = await pending();
    const token = linkToken(h, 'c');
    const [a, b] = await Promise.all([
      h.app.request(`/c/${token}`, { method: 'POST' }),
      h.app.request(`/c/${token}`, { method: 'POST' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await countEvents(h, consentId, 'confirmed')).toBe(1);
    expect(await outboxKinds(h, consentId)).toEqual(['confirm-request', 'confirmed']);
  });

  it('two first "yes" for the same number at once: one subject, a consent for each, each answered with its own', async () => {
    const [a, b] = await Promise.all([optIn(h), optIn(h, '+33612345678')]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const ids = [
      ((await a.json()) as { consentId: string }).consentId,
      ((await b.json()) as { consentId: string }).consentId,
    ];
    expect(ids[0]).not.toBe(ids[1]);
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(1);
    expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(2);
    expect(await eventTypes(h, ids[0]!)).toEqual(['requested']);
    expect(await eventTypes(h, ids[1]!)).toEqual(['requested']);
  });
});

describe('after unsubscribing', () => {
  it('a new opt-in is a new consent; once confirmed it lifts the suppression, and the old one stays withdrawn', async () => {
    const { consentId, unsubscribe } = await confirmed();
    expect((await h.app.request(`/u/${unsubscribe}`, { method: 'POST' })).status).toBe(200);
    const again = await optIn(h);
    expect(again.status).toBe(202);
    const fresh = ((await again.json()) as { consentId: string }).consentId;
    expect(fresh).not.toBe(consentId);
    await h.flush();
    const token = linkToken(h, 'c');
    expect(await count(h, 'SELECT COUNT(*) FROM suppressions')).toBe(1); // pending does not lift it
    expect((await h.app.request(`/c/${token}`, { method: 'POST' })).status).toBe(200);
    expect(await status(fresh)).toBe('confirmed');
    expect(await count(h, 'SELECT COUNT(*) FROM suppressions')).toBe(0);
    expect(await status(consentId)).toBe('withdrawn');
  });
});

describe('events are immutable', () => {
  it('a raw UPDATE or DELETE on consent_events or log_leaves fails and leaves the rows', async () => {
    const consentId = await pending();
    const before = await count(h, 'SELECT COUNT(*) FROM consent_events');
    const leaves = await count(h, 'SELECT COUNT(*) FROM log_leaves');
    await expect(h.deps.store.execBatch(["UPDATE consent_events SET type = 'confirmed'"])).rejects.toThrow(/immutable/);
    await expect(h.deps.store.execBatch(['DELETE FROM consent_events'])).rejects.toThrow(/immutable/);
    await expect(h.deps.store.execBatch(["UPDATE log_leaves SET leaf = '{}'"])).rejects.toThrow(/immutable/);
    await expect(h.deps.store.execBatch(['DELETE FROM log_leaves'])).rejects.toThrow(/immutable/);
    expect(await count(h, 'SELECT COUNT(*) FROM consent_events')).toBe(before);
    expect(await count(h, 'SELECT COUNT(*) FROM log_leaves')).toBe(leaves);
    expect(await eventTypes(h, consentId)).toEqual(['requested', 'sms-sent']);
  });
});
