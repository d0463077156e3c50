// Anti-pumping through the consent API: per number (confirmation SMS in any 24 h), per IP (hour), per site (day),
// allowed countries, and the challenge asked for when a limit is near.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../worker/app.ts';
import type { ChallengeVerifier } from '../../worker/domain/limits/opt-in.ts';
import { json, makeHarness, widgetFor, type Harness, appWithTestIp } from '../harness.ts';
import { frenchMobile, updateDemo } from '../sms/fixtures.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

let h: Harness;
let app: App;
const challengeCalls: { token: string; ip: string | undefined }[] = [];
const verifyChallenge: ChallengeVerifier = async (_site, token, ip) => {
  challengeCalls.push({ token, ip });
  return token === 'valid-token';
};

beforeEach(async () => {
  h = await makeHarness();
  challengeCalls.length = 0;
  // The same dependencies, plus what a runtime supplies: the client address and a challenge verifier.
  app = appWithTestIp(h, '203.0.113.1', { verifyChallenge });
});
afterEach(async () => h.close());

async function request(phone: string, options: { ip?: string; challengeToken?: string } = {}) {
  const w = await widgetFor(h);
  return app.request(
    '/v1/sites/demo/consents',
    json(
      { phone, choice: 'yes', ...w, ...(options.challengeToken ? { challengeToken: options.challengeToken } : {}) },
      options.ip ? { 'x-test-ip': options.ip } : {},
    ),
  );
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return (await res.json()) as { status: number; code: string; errors?: { path: string }[]; challenge?: unknown };
}

async function confirmRequestsTo(phone: string): Promise<number> {
  const subject = await h.ctx.subjects.byIndex('demo', await h.ctx.sealer.blindIndex('demo', phone));
  return subject ? h.ctx.outbox.countConfirmRequests(subject.id, 0) : 0;
}

describe('per number', () => {
  it('refuses the 4th confirmation SMS within 24 h with 429, Retry-After and the phone field, whatever the IP', async () => {
    const { national, e164 } = frenchMobile(1);
    for (let i = 0; i < 3; i++) {
      expect((await request(national, { ip: `198.51.100.${i + 1}` })).status).toBe(202);
      h.advance(MINUTE);
    }
    expect(await confirmRequestsTo(e164)).toBe(3);

    const res = await request(national, { ip: '198.51.100.99' });
    const body = await problem(res, 429);
    // The first of the three was sent 3 minutes ago: the next one is allowed 24 h after it.
    expect(res.headers.get('retry-after')).toBe(String((DAY - 3 * MINUTE) / 1000));
    expect(body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(body.errors?.map((e) => e.path)).toEqual(['phone']);
    expect(await confirmRequestsTo(e164)).toBe(3);

    // Another number is not affected.
    expect((await request(frenchMobile(2).national)).status).toBe(202);

    h.advance(DAY - 3 * MINUTE - 1_000);
    const almost = await request(national);
    await problem(almost, 429);
    expect(almost.headers.get('retry-after')).toBe('1');

    h.advance(1_001);
    expect((await request(national)).status).toBe(202);
    expect(await confirmRequestsTo(e164)).toBe(4);
  });

  it('accepts a request made exactly Retry-After seconds later', async () => {
    const { national } = frenchMobile(3);
    for (let i = 0; i < 3; i++) expect((await request(national)).status).toBe(202);
    const res = await request(national);
    expect(res.status).toBe(429);
    h.advance(Number(res.headers.get('retry-after')) * 1000);
    expect((await request(national)).status).toBe(202);
  });
});

describe('per IP and per site', () => {
  it('refuses a third request from one IP in the hour when perIpPerHour is 2; other IPs still pass', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 2, perSitePerDay: 10_000 };
    });
    expect((await request(frenchMobile(10).national, { ip: '192.0.2.7' })).status).toBe(202);
    expect((await request(frenchMobile(11).national, { ip: '192.0.2.7' })).status).toBe(202);
    const res = await request(frenchMobile(12).national, { ip: '192.0.2.7' });
    const body = await problem(res, 429);
    expect(body.code).toBe('rate_limited');
    // START is 10:00:00Z, the start of an hourly window.
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(await confirmRequestsTo(frenchMobile(12).e164)).toBe(0);

    expect((await request(frenchMobile(12).national, { ip: '192.0.2.8' })).status).toBe(202);
    h.advance(HOUR);
    expect((await request(frenchMobile(13).national, { ip: '192.0.2.7' })).status).toBe(202);
  });

  it('refuses past the daily cap of the site, from any IP, until the next day', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 100, perSitePerDay: 3 };
    });
    for (let i = 0; i < 3; i++)
      expect((await request(frenchMobile(20 + i).national, { ip: `192.0.2.${20 + i}` })).status).toBe(202);
    const res = await request(frenchMobile(23).national, { ip: '192.0.2.23' });
    await problem(res, 429);
    // 10:00Z to the end of the UTC day.
    expect(res.headers.get('retry-after')).toBe(String(14 * 3600));
    expect(await confirmRequestsTo(frenchMobile(23).e164)).toBe(0);
    h.advance(14 * HOUR);
    expect((await request(frenchMobile(23).national, { ip: '192.0.2.23' })).status).toBe(202);
  });

  it('does not count a "no" against the limits of a "yes" (a "no" has counters of its own)', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 1, perSitePerDay: 10_000 };
    });
    const w = await widgetFor(h);
    const no = () =>
      app.request('/v1/sites/demo/consents', json({ phone: '', choice: 'no', ...w }, { 'x-test-ip': '192.0.2.40' }));
    expect((await no()).status).toBe(204);
    expect((await request(frenchMobile(40).national, { ip: '192.0.2.40' })).status).toBe(202);
    expect((await no()).status).toBe(429);
  });
});

describe('allowed countries', () => {
  it("refuses a number outside the site's countries with 422 on phone, and nothing is stored or sent", async () => {
    const res = await request('+44 7400 123456');
    const body = await problem(res, 422);
    expect(body.code).toBe('country_not_allowed');
    expect(body.errors?.map((e) => e.path)).toEqual(['phone']);
    expect(await confirmRequestsTo('+447400123456')).toBe(0);
    expect(await h.ctx.subjects.byIndex('demo', await h.ctx.sealer.blindIndex('demo', '+447400123456'))).toBeNull();
  });

  it('accepts a country once the site allows it', async () => {
    expect((await request('+32 470 12 34 56')).status).toBe(422);
    await updateDemo(h, (config) => {
      config.allowedCountries = ['FR', 'BE'];
    });
    expect((await request('+32 470 12 34 56')).status).toBe(202);
    expect((await request('+44 7400 123456')).status).toBe(422);
  });
});

describe('challenge near the limits', () => {
  const challenge = { provider: 'turnstile', siteKey: '0x4AAAAAAAtestkey', secret: 'turnstile-secret-value' };

  it('asks for a challenge at 80 % of the IP limit; a valid response passes, a bogus one does not', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 5, perSitePerDay: 10_000 };
      config.challenge = challenge;
    });
    for (let i = 0; i < 4; i++)
      expect((await request(frenchMobile(50 + i).national, { ip: '192.0.2.50' })).status).toBe(202);
    expect(challengeCalls).toEqual([]);

    const without = await request(frenchMobile(54).national, { ip: '192.0.2.50' });
    const text = await without.clone().text();
    const body = await problem(without, 403);
    expect(body.code).toBe('challenge_required');
    expect(body.errors?.map((e) => e.path)).toEqual(['challengeToken']);
    expect(body.challenge).toEqual({ provider: 'turnstile', siteKey: challenge.siteKey });
    expect(text).not.toContain(challenge.secret);
    expect(await confirmRequestsTo(frenchMobile(54).e164)).toBe(0);

    const bogus = await request(frenchMobile(54).national, { ip: '192.0.2.50', challengeToken: 'forged' });
    expect((await problem(bogus, 403)).code).toBe('challenge_required');

    const ok = await request(frenchMobile(54).national, { ip: '192.0.2.50', challengeToken: 'valid-token' });
    expect(ok.status).toBe(202);
    expect(challengeCalls).toEqual([
      { token: 'forged', ip: '192.0.2.50' },
      { token: 'valid-token', ip: '192.0.2.50' },
    ]);

    // A challenge does not lift the limit itself.
    const over = await request(frenchMobile(55).national, { ip: '192.0.2.50', challengeToken: 'valid-token' });
    expect((await problem(over, 429)).code).toBe('rate_limited');

    // Another IP far from its limit is not asked.
    expect((await request(frenchMobile(56).national, { ip: '192.0.2.51' })).status).toBe(202);
  });

  it('asks nothing when the site has no challenge configured', async () => {
    await updateDemo(h, (config) => {
      config.limits = { perNumberPerDay: 3, perIpPerHour: 5, perSitePerDay: 10_000 };
    });
    for (let i = 0; i < 5; i++)
      expect((await request(frenchMobile(60 + i).national, { ip: '192.0.2.60' })).status).toBe(202);
    expect(challengeCalls).toEqual([]);
  });
});
