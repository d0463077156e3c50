// Brevo transactional SMS end to end: the jobs send the confirmation SMS to a local stand-in speaking Brevo's API; the
// events Brevo posts to the message's webUrl (unsigned, so only with the site's path token) record delivery, a reply
// OUI confirms and a STOP (or Brevo's own unsubscribe event) withdraws; a wrong token changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../../assertions.ts';
import { ADMIN_TOKEN, appWithTestIp, consentStatus, makeHarness, type Harness } from '../../harness.ts';
import { auth, frenchMobile, gate, requestOptIn } from '../fixtures.ts';
import { putSms, startJsonProvider, useProvider, type ProviderStandIn } from './provider-kit.ts';

const API_KEY = 'xkeysib-0123456789abcdef-TEST';
const TOKEN = 'b7Yc2Wq9-Lm4Np8Rs1Tv5Xz0Ab3Cd6Ef9Gh2Jk5Mn8';
const FROM = 'MaisonLum';

let h: Harness;
let brevo: ProviderStandIn;
afterEach(async () => {
  await h?.close();
  await brevo?.close();
});

async function setUp(extra: Record<string, unknown> = {}) {
  brevo = await startJsonProvider('/v3/transactionalSMS/send', (_body, n) => ({
    status: 201,
    body: { messageId: 1511882900176220 + n },
  }));
  h = await makeHarness();
  await useProvider(h, 'Brevo (Sendinblue SAS)', {
    provider: 'brevo',
    apiKey: API_KEY,
    from: FROM,
    webhookToken: TOKEN,
    apiBaseUrl: brevo.baseUrl,
    ...extra,
  });
}

const post = (path: string, body: unknown, app = h.app, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** An event as the transactional SMS webhook page shows it. */
const event = (messageId: number, to: string, msgStatus: string, extra: Record<string, unknown> = {}) => ({
  id: 26570,
  to: to.slice(1),
  sms_count: 1,
  credits_used: 1.5,
  messageId,
  remaining_credit: 11488.845,
  msg_status: msgStatus,
  date: '2026-11-28 11:00:00',
  type: 'Transactional',
  reference: { '1': 'ab1cde2fgh3i4jklmno' },
  ...extra,
});

async function pendingWithSms(n: number) {
  const phone = frenchMobile(n);
  const consentId = await requestOptIn(h, phone.national);
  await h.flush();
  const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
  return { phone, consentId, message: message!, brevoId: Number(message!.providerMessageId) };
}

describe('Brevo', () => {
  it('sends the confirmation SMS with the api-key header and a webUrl carrying the path token', async () => {
    await setUp();
    const { phone, message } = await pendingWithSms(21);
    const [send] = brevo.sends();
    expect(send?.headers['api-key']).toBe(API_KEY);
    expect(send?.body).toMatchObject({
      sender: FROM,
      recipient: phone.e164.slice(1),
      type: 'transactional',
      unicodeEnabled: true,
    });
    expect(String(send?.body.content)).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);
    expect(send?.body.webUrl).toBe(`https://assent.test/v1/sites/demo/delivery/brevo/${TOKEN}?m=${message.id}`);
    expect(message.providerMessageId).toBe('1511882900176221');
  });

  it('a reply OUI confirms and a reply STOP withdraws, through the webUrl', async () => {
    await setUp();
    const { phone, consentId, brevoId } = await pendingWithSms(22);
    const url = `/v1/sites/demo/delivery/brevo/${TOKEN}`;
    const oui = await post(url, event(brevoId, phone.e164, 'replied', { reply: 'Oui' }));
    expect(oui.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    expect(
      (await post(url, event(brevoId, phone.e164, 'replied', { reply: 'STOP', date: '2026-11-28 11:05:00' }))).status,
    ).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await gate(h, phone.e164)).suppressed).toBe(true);
  });

  it("Brevo's own unsubscribe event withdraws like a STOP", async () => {
    await setUp();
    const { phone, consentId, brevoId } = await pendingWithSms(23);
    expect(
      (await post(`/v1/sites/demo/inbound/brevo/${TOKEN}`, event(brevoId, phone.e164, 'unsubscribe'))).status,
    ).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
  });

  it('a wrong or missing token is 403 problem+json and changes nothing', async () => {
    await setUp();
    const { phone, consentId, brevoId } = await pendingWithSms(24);
    for (const path of [
      `/v1/sites/demo/delivery/brevo/${TOKEN.toLowerCase()}`,
      `/v1/sites/demo/inbound/brevo/${TOKEN.slice(1)}`,
      `/v1/sites/demo/inbound/sinch/${TOKEN}`,
    ]) {
      const res = await post(path, event(brevoId, phone.e164, 'replied', { reply: 'STOP' }));
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const delivered = await post(`/v1/sites/demo/delivery/brevo/x${TOKEN}`, event(brevoId, phone.e164, 'delivered'));
    expect(delivered.status).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
    expect((await expectChain(h, consentId)).map((l) => l.type)).not.toContain('delivery');
  });

  it('delivery events are recorded as delivery leaves, forward only', async () => {
    await setUp();
    const { phone, consentId, message, brevoId } = await pendingWithSms(25);
    const url = `/v1/sites/demo/delivery/brevo/${TOKEN}?m=${message.id}`;
    expect((await post(url, event(brevoId, phone.e164, 'sent'))).status).toBe(204);
    expect((await post(url, event(brevoId, phone.e164, 'delivered'))).status).toBe(204);
    expect((await post(url, event(brevoId, phone.e164, 'sent'))).status).toBe(204); // late: changes nothing
    const deliveries = (await expectChain(h, consentId)).filter((l) => l.type === 'delivery');
    expect(deliveries.map((l) => (l.details as { status: string } | undefined)?.status ?? l.status)).toEqual([
      'sent',
      'delivered',
    ]);
    expect((await h.ctx.outbox.byId(message.id))?.deliveryStatus).toBe('delivered');
  });

  it('with sms.inboundAllowlist, the token alone is not enough', async () => {
    await setUp({ inboundAllowlist: ['1.179.112.0/20'] });
    const { phone, consentId, brevoId } = await pendingWithSms(26);
    const app = appWithTestIp(h);
    const body = event(brevoId, phone.e164, 'replied', { reply: 'OUI' });
    expect(
      (await post(`/v1/sites/demo/delivery/brevo/${TOKEN}`, body, app, { 'x-test-ip': '203.0.113.5' })).status,
    ).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect(
      (await post(`/v1/sites/demo/delivery/brevo/${TOKEN}`, body, app, { 'x-test-ip': '1.179.120.9' })).status,
    ).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it('validates its configuration: secrets redacted, 422 naming the field, base URL for the platform admin only', async () => {
    await setUp();
    const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as {
      config: { sms: Record<string, string> };
    };
    expect(got.config.sms).toMatchObject({ provider: 'brevo', apiKey: '••••••', webhookToken: '••••••', from: FROM });
    const stored = (await h.ctx.sites.get('demo'))!.config;
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain(TOKEN);
    const base = { provider: 'brevo', apiKey: API_KEY, from: FROM, webhookToken: TOKEN };
    const sender = await putSms(h, { ...base, from: 'A sender name far too long' }, auth(h));
    expect(sender.status).toBe(422);
    expect(JSON.stringify(await sender.json())).toContain('sms.from');
    const type = await putSms(h, { ...base, type: 'promo' }, auth(h));
    expect(type.status).toBe(422);
    expect(JSON.stringify(await type.json())).toContain('sms.type');
    expect((await putSms(h, { ...base, apiBaseUrl: 'https://api.brevo.example' }, auth(h))).status).toBe(403);
    const loopback = await putSms(
      h,
      { ...base, apiBaseUrl: 'https://[::1]/' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(loopback.status).toBe(422);
    expect(JSON.stringify(await loopback.json())).toContain('sms.apiBaseUrl');
  });
});
