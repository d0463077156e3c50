// A "no" is rate limited like a "yes" (per address, per site; 429 with Retry-After), and neither keeps anything
// personal: the counters are keyed by a keyed hash of the address prefix, never the address.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../worker/app.ts';
import { limitPrefix } from '../../worker/domain/consent/client-info.ts';
import { updateDemo } from '../sms/fixtures.ts';
import { json, makeHarness, widgetFor, type Harness, appWithTestIp } from '../harness.ts';

let h: Harness;
let app: App;
beforeEach(async () => {
  h = await makeHarness();
  app = appWithTestIp(h);
});
afterEach(async () => h.close());

const column = (sql: string) => h.ctx.store.queryColumn(sql);

async function choose(choice: 'yes' | 'no', ip: string, phone = '') {
  const w = await widgetFor(h);
  return app.request('/v1/sites/demo/consents', json({ phone, choice, ...w }, { 'x-test-ip': ip }));
}

describe('declines', () => {
  it('are limited per address: the next one is a 429 problem with Retry-After, and is not counted', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 3, perSitePerDay: 10_000 };
    });
    for (let i = 0; i < 3; i++) expect((await choose('no', '192.0.2.40')).status).toBe(204);
    const refused = await choose('no', '192.0.2.40');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(((await refused.json()) as { code: string }).code).toBe('rate_limited');
    // Another address is not held back; the counter of declines only moved for the accepted ones.
    expect((await choose('no', '192.0.2.41')).status).toBe(204);
    expect(await column("SELECT declines FROM sites WHERE id = 'demo'")).toEqual([4]);
    // An hour later the address may decline again.
    h.advance(retryAfter * 1000);
    expect((await choose('no', '192.0.2.40')).status).toBe(204);
  });

  it('are limited per site per day, whatever the addresses', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 20, perSitePerDay: 5 };
    });
    for (let i = 0; i < 5; i++) expect((await choose('no', `198.51.100.${i + 1}`)).status).toBe(204);
    expect((await choose('no', '198.51.100.99')).status).toBe(429);
  });

  it('an IPv6 /64 is one address for the limits; the next /64 is another', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 2, perSitePerDay: 10_000 };
    });
    expect((await choose('no', '2001:db8:1:2::1')).status).toBe(204);
    expect((await choose('no', '2001:db8:1:2:ffff::9')).status).toBe(204);
    expect((await choose('no', '2001:0db8:0001:0002:0:0:0:77')).status).toBe(429);
    expect((await choose('no', '2001:db8:1:3::1')).status).toBe(204);
    expect(limitPrefix('2001:0db8:0001:0002:0:0:0:77')).toBe('2001:db8:1:2::/64');
    expect(limitPrefix('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('store nothing personal: no subject, no consent, and no address in the counters (for a "yes" or a proof match either)', async () => {
    expect((await choose('no', '192.0.2.77', '06 12 34 56 78')).status).toBe(204);
    expect(await column('SELECT COUNT(*) FROM subjects')).toEqual([0]);
    expect(await column('SELECT COUNT(*) FROM consents')).toEqual([0]);
    const yes = await choose('yes', '192.0.2.77', '06 12 34 56 78');
    expect(yes.status).toBe(202);
    const { consentId } = (await yes.json()) as { consentId: string };
    const match = await app.request(
      `/proofs/${consentId}/match`,
      json({ phone: '06 12 34 56 78' }, { 'x-test-ip': '192.0.2.77' }),
    );
    expect(await match.json()).toEqual({ match: true });
    const keys = (await column('SELECT key FROM rate_counters')) as string[];
    expect(keys.some((k) => k.startsWith('match-ip:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('decline-ip:demo:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('consent-ip:demo:'))).toBe(true);
    for (const key of keys) {
      expect(key).not.toContain('192.0.2');
      expect(key).not.toMatch(/612345678/);
    }
    // The keyed hash is per site and per prefix: the same address gives the same key, another address another.
    const declineKeys = keys.filter((k) => k.startsWith('decline-ip:'));
    expect((await choose('no', '192.0.2.78')).status).toBe(204);
    const after = ((await column('SELECT key FROM rate_counters')) as string[]).filter((k) =>
      k.startsWith('decline-ip:'),
    );
    expect(after.length).toBe(declineKeys.length + 1);
  });
});
