// Octopush end to end: the jobs send the confirmation SMS to a local stand-in speaking Octopush's API; its three
// callbacks (receipt, inbound SMS, STOP), which Octopush does not sign, are accepted only with the site's path token.
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../../assertions.ts';
import { ADMIN_TOKEN, appWithTestIp, consentStatus, makeHarness, type Harness } from '../../harness.ts';
import { auth, frenchMobile, gate, requestOptIn } from '../fixtures.ts';
import { putSms, startJsonProvider, useProvider, type ProviderStandIn } from './provider-kit.ts';

const LOGIN = 'owner@maison-lumiere.fr';
const API_KEY = 'octopush-api-key-0123';
const TOKEN = 'Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9L0z1X2c';
const FROM = 'MaisonLum';

let h: Harness;
let octopush: ProviderStandIn;
afterEach(async () => {
  await h?.close();
  await octopush?.close();
});

async function setUp(extra: Record<string, unknown> = {}) {
  octopush = await startJsonProvider('/v1/public/sms-campaign/send', (_body, n) => ({
    status: 201,
    body: {
      sms_ticket: `sms_5fa275dbf21d${n.toString(16)}`,
      number_of_contacts: 1,
      total_cost: 0.055,
      residual_credit: 6.93,
    },
  }));
  h = await makeHarness();
  await useProvider(h, 'Octopush SAS', {
    provider: 'octopush',
    apiLogin: LOGIN,
    apiKey: API_KEY,
    from: FROM,
    webhookToken: TOKEN,
    apiBaseUrl: octopush.baseUrl,
    ...extra,
  });
}

const post = (path: string, body: unknown, app = h.app, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const URL_ = `/v1/sites/demo/inbound/octopush/${TOKEN}`;

async function pendingWithSms(n: number) {
  const phone = frenchMobile(n);
  const consentId = await requestOptIn(h, phone.national);
  await h.flush();
  const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
  return { phone, consentId, message: message!, ticket: message!.providerMessageId! };
}

describe('Octopush', () => {
  it('sends the confirmation SMS with api-login and api-key, our id as request_id', async () => {
    await setUp();
    const { phone, message } = await pendingWithSms(31);
    const [send] = octopush.sends();
    expect(send?.headers['api-login']).toBe(LOGIN);
    expect(send?.headers['api-key']).toBe(API_KEY);
    expect(send?.body).toMatchObject({
      recipients: [{ phone_number: phone.e164 }],
      sender: FROM,
      type: 'sms_premium',
      purpose: 'wholesale',
      with_replies: true,
      request_id: message.id,
    });
    expect(String(send?.body.text)).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);
    expect(message.providerMessageId).toBe('sms_5fa275dbf21d1');
  });

  it('an inbound OUI confirms, then a STOP callback withdraws', async () => {
    await setUp();
    const { phone, consentId, ticket } = await pendingWithSms(32);
    const oui = await post(URL_, {
      message_id: ticket,
      number: phone.e164,
      text: 'oui',
      sim_card_number: '38100',
      reception_date: '2026-11-28 11:00:00',
    });
    expect(oui.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    const stop = await post(URL_, {
      message_id: ticket,
      number: phone.e164,
      text: 'stop',
      stop_date: '2026-11-28 11:05:00',
    });
    expect(stop.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await gate(h, phone.e164)).suppressed).toBe(true);
    const confirmed = (await expectChain(h, consentId)).find((l) => l.type === 'confirmed');
    expect(confirmed).toMatchObject({ channel: 'octopush' });
    expect(JSON.stringify(confirmed)).not.toContain(phone.e164.slice(1));
  });

  it('a wrong or missing token is 403 problem+json and changes nothing', async () => {
    await setUp();
    const { phone, consentId, ticket } = await pendingWithSms(33);
    const stop = { message_id: ticket, number: phone.e164, text: 'stop', stop_date: '2026-11-28 11:05:00' };
    for (const path of [
      `/v1/sites/demo/inbound/octopush/${TOKEN.slice(0, -2)}`,
      `/v1/sites/demo/delivery/octopush/${'A'.repeat(43)}`,
      `/v1/sites/demo/inbound/brevo/${TOKEN}`,
    ]) {
      const res = await post(path, stop);
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });

  it('a receipt is recorded as a delivery leaf, forward only', async () => {
    await setUp();
    const { phone, consentId, message, ticket } = await pendingWithSms(34);
    const receipt = (status: string) => ({
      channel: 'sms',
      message_id: ticket,
      number: phone.e164,
      status,
      delivery_date: '2026-11-28 11:00:05',
    });
    expect((await post(`/v1/sites/demo/delivery/octopush/${TOKEN}`, receipt('DELIVERED'))).status).toBe(204);
    expect((await post(`/v1/sites/demo/delivery/octopush/${TOKEN}`, receipt('ACK'))).status).toBe(204); // late: nothing
    expect((await post(`/v1/sites/demo/delivery/octopush/${TOKEN}`, receipt('UNDEFINED'))).status).toBe(204);
    expect((await expectChain(h, consentId)).filter((l) => l.type === 'delivery')).toHaveLength(1);
    expect((await h.ctx.outbox.byId(message.id))?.deliveryStatus).toBe('delivered');
  });

  it('with sms.inboundAllowlist, the token alone is not enough', async () => {
    await setUp({ inboundAllowlist: ['198.51.100.0/24'] });
    const { phone, consentId, ticket } = await pendingWithSms(35);
    const app = appWithTestIp(h);
    const body = { message_id: ticket, number: phone.e164, text: 'OUI', reception_date: '2026-11-28 11:00:00' };
    expect((await post(URL_, body, app, { 'x-test-ip': '192.0.2.1' })).status).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
  });

  it('validates its configuration: 422 naming the field, secrets redacted, base URL for the platform admin only', async () => {
    await setUp();
    const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as {
      config: { sms: Record<string, string> };
    };
    expect(got.config.sms).toMatchObject({
      provider: 'octopush',
      apiKey: '••••••',
      webhookToken: '••••••',
      apiLogin: LOGIN,
    });
    const base = { provider: 'octopush', apiLogin: LOGIN, apiKey: API_KEY, from: FROM, webhookToken: TOKEN };
    for (const [field, value] of [
      ['apiLogin', 'not-an-email'],
      ['from', 'AB'],
      ['purpose', 'spam'],
    ] as const) {
      const res = await putSms(h, { ...base, [field]: value }, auth(h));
      expect(res.status, field).toBe(422);
      expect(JSON.stringify(await res.json()), field).toContain(`sms.${field}`);
    }
    expect((await putSms(h, { ...base, apiBaseUrl: 'https://api.octopush.example' }, auth(h))).status).toBe(403);
    const internal = await putSms(
      h,
      { ...base, apiBaseUrl: 'https://octopush.internal' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(internal.status).toBe(422);
    expect(JSON.stringify(await internal.json())).toContain('sms.apiBaseUrl');
  });
});
