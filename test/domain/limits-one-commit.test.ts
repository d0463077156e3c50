// An opt-in's rate counters are counted in the opt-in's own batch (one commit). A request over a limit must still
// write nothing but its counters — for a new number, a pending one (resend) and an erased one (revival) — and every
// attempt must be counted exactly once, including those refused before that batch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../worker/app.ts';
import { ADMIN_TOKEN, json, makeHarness, widgetFor, type Harness, appWithTestIp } from '../harness.ts';
import { count } from '../assertions.ts';
import { frenchMobile, updateDemo } from '../sms/fixtures.ts';

let h: Harness;
let app: App;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeEach(async () => {
  h = await makeHarness();
  app = appWithTestIp(h);
  await updateDemo(h, (config) => {
    config.limits = { perNumberPerDay: 3, perIpPerHour: 1, perSitePerDay: 10_000 };
  });
});
afterEach(async () => h.close());

async function optIn(phone: string, ip: string) {
  const w = await widgetFor(h);
  return app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...w }, { 'x-test-ip': ip }));
}

/** Everything personal an opt-in writes, and the state of what a resend or a revival would change. */
async function personal() {
  return {
    subjects: await count(h, 'SELECT COUNT(*) FROM subjects'),
    erased: await count(h, 'SELECT COUNT(*) FROM subjects WHERE wrapped_key IS NULL'),
    consents: await count(h, 'SELECT COUNT(*) FROM consents'),
    pending: await count(h, "SELECT COUNT(*) FROM consents WHERE status = 'pending'"),
    tokens: (await h.ctx.store.queryColumn('SELECT group_concat(confirm_token_hash) FROM consents')).join(),
    events: await count(h, 'SELECT COUNT(*) FROM consent_events'),
    leaves: await count(h, 'SELECT COUNT(*) FROM log_leaves'),
    outbox: await count(h, 'SELECT COUNT(*) FROM outbox'),
  };
}

/** The per-address counters' total: one per counted attempt. */
const ipCount = () => count(h, "SELECT COALESCE(SUM(count), 0) FROM rate_counters WHERE key LIKE 'consent-ip:%'");

describe('an opt-in over a limit, counted in its own batch', () => {
  it('a new number: 429 and nothing personal written', async () => {
    expect((await optIn(frenchMobile(1).national, '192.0.2.1')).status).toBe(202);
    const before = await personal();
    expect(before).toMatchObject({ subjects: 1, consents: 1, outbox: 1 });
    const res = await optIn(frenchMobile(2).national, '192.0.2.1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(await personal()).toEqual(before);
    expect(await ipCount()).toBe(2);
  });

  it('a pending number (asked again): 429, no new consent, event or message', async () => {
    expect((await optIn(frenchMobile(3).national, '192.0.2.3')).status).toBe(202);
    expect((await optIn(frenchMobile(3).national, '192.0.2.4')).status).toBe(202); // asked again from another address
    const before = await personal();
    expect(before).toMatchObject({ consents: 2, pending: 2, outbox: 2 });
    expect((await optIn(frenchMobile(3).national, '192.0.2.4')).status).toBe(429);
    expect(await personal()).toEqual(before);
  });

  it('an erased number: 429 and the subject stays erased (no key, no ciphertext written back)', async () => {
    expect((await optIn(frenchMobile(5).national, '192.0.2.5')).status).toBe(202);
    const lookup = await app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: frenchMobile(5).national }, auth),
    );
    const { subscriberId } = (await lookup.json()) as { subscriberId: string };
    expect(
      (await app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    const before = await personal();
    expect(before.erased).toBe(1);
    expect((await optIn(frenchMobile(5).national, '192.0.2.5')).status).toBe(429);
    expect(await personal()).toEqual(before);
    expect(await count(h, 'SELECT COUNT(*) FROM subjects WHERE phone_ciphertext IS NOT NULL')).toBe(0);
    // Under the limit, the same number is revived.
    // Under the limit, the number comes back as a new subject; the erased one stays erased.
    expect((await optIn(frenchMobile(5).national, '192.0.2.6')).status).toBe(202);
    expect(await personal()).toMatchObject({ erased: 1, subjects: before.subjects + 1 });
  });

  it('counts every attempt once: a 202, an invalid number refused before the batch, and a 429 alike', async () => {
    expect((await optIn('06 12 AB', '192.0.2.9')).status).toBe(422);
    expect(await ipCount()).toBe(1);
    // The invalid attempt used the address's one opt-in of the hour.
    expect((await optIn(frenchMobile(9).national, '192.0.2.9')).status).toBe(429);
    expect(await ipCount()).toBe(2);
    expect((await optIn(frenchMobile(9).national, '192.0.2.10')).status).toBe(202);
    expect(await ipCount()).toBe(3);
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(1);
  });
});
