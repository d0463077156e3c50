// French sender rules: no French mobile number as sender (ARCEP 2018-0881), a short code for every marketing send to
// French numbers ("STOP au NNNNN" ends each message, still one GSM-7 segment), and sending hours no wider than the
// af2m code of conduct's (working days 08:00–22:00).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFrenchMobileSender } from '../../worker/domain/site/french-rules.ts';
import { expectProblem } from '../assertions.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth, frenchMobile, startFakeTwilio, useTwilio, type FakeTwilio } from '../sms/fixtures.ts';

let h: Harness;
beforeEach(async () => {
  // Saturday 28 November 2026, 20:30 in Paris: outside the default window, inside the charter's.
  h = await makeHarness({ start: Date.parse('2026-11-28T19:30:00Z') });
});
afterEach(async () => h.close());

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function config(): Promise<Record<string, any>> {
  return ((await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as { config: any }).config;
}

async function put(change: (config: Record<string, any>) => void): Promise<Response> {
  const cfg = await config();
  change(cfg);
  return h.app.request('/v1/sites/demo', { ...json(cfg, admin), method: 'PUT' });
}

async function subscribe(n: number): Promise<void> {
  const { national, e164 } = frenchMobile(n);
  expect((await optIn(h, national)).status).toBe(202);
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c', e164)}`, { method: 'POST' })).status).toBe(200);
}

const send = (body: Record<string, unknown>) => h.app.request('/v1/sites/demo/messages', json(body, auth(h)));

describe('sender', () => {
  it('recognises French mobile numbers in every written form, and nothing else', () => {
    for (const mobile of [
      '+33612345678',
      '+33 7 12 34 56 78',
      '0033612345678',
      '33712345678',
      '06 12 34 56 78',
      '07.12.34.56.78',
    ])
      expect(isFrenchMobileSender(mobile), mobile).toBe(true);
    for (const other of [
      '36111',
      'MaisonLum',
      '+33112345678',
      '+447700900000',
      '0612345',
      '+3361234567890',
      '+32470123456',
    ])
      expect(isFrenchMobileSender(other), other).toBe(false);
  });

  let twilio: FakeTwilio;
  afterEach(async () => twilio?.close());

  it('refuses a French mobile number as sms.from with a 422 naming it, and keeps the stored sender', async () => {
    twilio = await startFakeTwilio(h.now);
    await useTwilio(h, twilio.baseUrl);
    for (const from of ['+33612345678', '06 12 34 56 78', '+33712345678', '0712345678']) {
      const res = await put((cfg) => {
        cfg.sms.from = from;
      });
      const body = await expectProblem(res, 422, 'sms.from');
      expect(body.errors!.find((e) => e.path === 'sms.from')!.message).toContain('2018-0881');
    }
    expect((await config()).sms.from).toBe('+447700900000');
    // A short code is a lawful sender.
    expect(
      (
        await put((cfg) => {
          cfg.sms.from = '36111';
        })
      ).status,
    ).toBe(200);
    expect((await config()).sms.from).toBe('36111');
  });
});

describe('short code', () => {
  it('refuses a marketing send to French numbers without a short code (422 naming program.shortCode), queues nothing', async () => {
    await subscribe(1);
    const res = await send({ template: 'Soldes', variables: {} });
    await expectProblem(res, 422, 'program.shortCode');
    expect(await h.ctx.store.queryColumn("SELECT count(*) FROM outbox WHERE kind = 'marketing'")).toEqual([0]);

    // A short code that is not a French short number is refused the same way.
    expect((await put((cfg) => void (cfg.program.shortCode = 'SHOP'))).status).toBe(200);
    await expectProblem(await send({ template: 'Soldes', variables: {} }), 422, 'program.shortCode');
  });

  it('with a short code, every marketing message ends with "STOP au NNNNN" and stays one GSM-7 segment', async () => {
    await subscribe(1);
    await subscribe(2);
    expect((await put((cfg) => void (cfg.program.shortCode = '38123'))).status).toBe(200);
    // 160 septets: the name (12), the body (135) and "\nSTOP au 38123" (14) would be 161; 134 is one segment.
    const preview = await h.app.request(
      '/v1/sites/demo/messages/preview',
      json({ template: 'a'.repeat(134), variables: {} }, auth(h)),
    );
    expect(await preview.json()).toMatchObject({ encoding: 'GSM-7', characters: 160, segments: 1 });
    const res = await send({ template: 'Soldes {{pct}} ce soir', variables: { pct: '-20 %' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ queued: 2, message: { segments: 1, encoding: 'GSM-7' } });
    h.advance(2 * 86_400_000); // Monday
    await h.flush();
    const marketing = h.outbox.list().filter((m) => m.body.includes('Soldes'));
    expect(marketing).toHaveLength(2);
    for (const m of marketing) expect(m.body).toBe('Demo Shop : Soldes -20 % ce soir\nSTOP au 38123');
  });

  it('does not ask a site that never texts France for a French short code', async () => {
    await subscribe(1);
    expect(
      (
        await put((cfg) => {
          cfg.allowedCountries = ['BE'];
          cfg.defaultCountry = 'BE';
        })
      ).status,
    ).toBe(200);
    const res = await send({ template: 'Soldes', variables: {} });
    // Its French subscriber is no longer texted as a French number would be; the send itself is allowed.
    expect(res.status).toBe(202);
  });
});

describe('sending hours', () => {
  const charter = [null, ...Array(6).fill([8 * 60, 22 * 60])];

  it('accepts the charter’s window (working days 08:00–22:00) and sends at 20:30 on a Saturday', async () => {
    expect((await put((cfg) => void (cfg.program.shortCode = '38123'))).status).toBe(200);
    await subscribe(1);
    const res = await put((cfg) => void (cfg.quietHours = { windows: charter, holidays: 'FR' }));
    expect(res.status).toBe(200);
    expect(await (await send({ template: 'Nocturne', variables: {} })).json()).toMatchObject({ quietHours: false });
  });

  it('refuses any wider window with a 422 naming the field', async () => {
    const cases: [string, unknown][] = [
      ['quietHours.windows.1', { windows: [null, [7 * 60 + 30, 20 * 60], ...charter.slice(2)], holidays: 'FR' }],
      ['quietHours.windows.6', { windows: [...charter.slice(0, 6), [8 * 60, 22 * 60 + 1]], holidays: 'FR' }],
      ['quietHours.windows.0', { windows: [[10 * 60, 12 * 60], ...charter.slice(1)], holidays: 'FR' }],
      ['quietHours.holidays', { windows: charter, holidays: 'none' }],
      ['quietHours.holidays', { windows: charter, holidays: ['2026-12-25'] }],
    ];
    for (const [path, quietHours] of cases) {
      await expectProblem(await put((cfg) => void (cfg.quietHours = quietHours)), 422, path);
    }
    expect((await config()).quietHours).toBeUndefined();
  });
});
