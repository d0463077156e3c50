// OVHcloud end to end: the jobs send the confirmation SMS to a local stand-in speaking OVHcloud's /sms/{serviceName}/jobs
// (each call signed as OVHcloud's API requires, checked here independently); the reply (a form posted to the
// smsResponse CGI URL) and the delivery report (the callBack URL's query string), which OVHcloud does not sign, are
// accepted only with the site's path token.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../../assertions.ts';
import { ADMIN_TOKEN, appWithTestIp, consentStatus, makeHarness, type Harness } from '../../harness.ts';
import { auth, frenchMobile, gate, requestOptIn } from '../fixtures.ts';
import { putSms, startJsonProvider, useProvider, type ProviderStandIn } from './provider-kit.ts';

const SERVICE = 'sms-ab12345-1';
const AK = 'Ak7Bq2Xy9Lm4Np0R';
const AS = 'as-0123456789abcdef-secret';
const CK = 'ck-0123456789abcdef-consumer';
const TOKEN = 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0F9e';
const JOBS = `/1.0/sms/${SERVICE}/jobs`;

let h: Harness;
let ovh: ProviderStandIn;
afterEach(async () => {
  await h?.close();
  await ovh?.close();
});

async function setUp(extra: Record<string, unknown> = {}) {
  ovh = await startJsonProvider(JOBS, (body, n) => ({
    status: 200,
    body: {
      totalCreditsRemoved: 1,
      invalidReceivers: [],
      validReceivers: body.receivers,
      ids: [264_000_000 + n],
      tag: null,
    },
  }));
  h = await makeHarness();
  await useProvider(h, 'OVH SAS (OVHcloud)', {
    provider: 'ovh',
    serviceName: SERVICE,
    applicationKey: AK,
    applicationSecret: AS,
    consumerKey: CK,
    webhookToken: TOKEN,
    apiBaseUrl: ovh.baseUrl,
    ...extra,
  });
}

const form = (path: string, fields: Record<string, string>, app = h.app, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const REPLY = `/v1/sites/demo/inbound/ovh/${TOKEN}`;
const reply = (id: string, phone: string, message: string) => ({
  id,
  senderid: phone.replace('+', '00'),
  message,
  shortcode: '38100',
  tag: '',
});

async function pendingWithSms(n: number) {
  const phone = frenchMobile(n);
  const consentId = await requestOptIn(h, phone.national);
  await h.flush();
  const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
  return { phone, consentId, message: message!, smsId: message!.providerMessageId! };
}

describe('OVHcloud', () => {
  it('sends the confirmation SMS as a signed job: $1$ + SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP', async () => {
    await setUp();
    const { phone, message } = await pendingWithSms(41);
    const raw = ovh.server.requests.find((r) => r.method === 'POST' && r.path === JOBS)!;
    const body = JSON.parse(raw.body) as Record<string, unknown>;
    expect(body).toMatchObject({ receivers: [phone.e164], senderForResponse: true, noStopClause: true });
    expect(body.sender).toBeUndefined();
    expect(String(body.message)).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);
    // The delivery callBack carries the site's path token.
    expect(String(body.callBack)).toContain(`/v1/sites/demo/delivery/ovh/${TOKEN}`);
    const ts = raw.headers['x-ovh-timestamp'] as string;
    expect(Number(ts)).toBe(Math.floor(h.now() / 1000));
    const expected = createHash('sha1')
      .update([AS, CK, 'POST', `${ovh.baseUrl}${JOBS}`, raw.body, ts].join('+'))
      .digest('hex');
    expect(raw.headers['x-ovh-signature']).toBe(`$1$${expected}`);
    expect(raw.headers['x-ovh-application']).toBe(AK);
    expect(raw.headers['x-ovh-consumer']).toBe(CK);
    expect(message.providerMessageId).toBe('264000001');
  });

  it('with a declared sender, sends from it (replies then cannot come back)', async () => {
    await setUp({ from: 'MaisonLum' });
    await pendingWithSms(42);
    const [send] = ovh.sends();
    expect(send?.body).toMatchObject({ sender: 'MaisonLum' });
    expect(send?.body.senderForResponse).toBeUndefined();
  });

  it('a reply OUI posted to the CGI URL confirms, a STOP withdraws, a replayed reply changes nothing', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(43);
    const oui = await form(REPLY, reply('9001', phone.e164, 'Oui '));
    expect(oui.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    const stop = await form(REPLY, reply('9002', phone.e164, 'STOP'));
    expect(stop.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await gate(h, phone.e164)).suppressed).toBe(true);
    const again = await form(REPLY, reply('9001', phone.e164, 'Oui '));
    expect(await again.json()).toMatchObject({ replay: true });
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    const confirmed = (await expectChain(h, consentId)).find((l) => l.type === 'confirmed');
    expect(confirmed).toMatchObject({ channel: 'ovh' });
    expect(JSON.stringify(confirmed)).not.toContain(phone.e164.slice(1));
  });

  it('a wrong or missing token, or another provider’s route, is 403 problem+json and changes nothing', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(44);
    for (const path of [
      `/v1/sites/demo/inbound/ovh/${TOKEN.slice(0, -2)}`,
      `/v1/sites/demo/inbound/ovh/${'A'.repeat(43)}`,
      `/v1/sites/demo/inbound/octopush/${TOKEN}`,
    ]) {
      const res = await form(path, reply('9101', phone.e164, 'STOP'));
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await h.app.request(`/v1/sites/demo/delivery/ovh/${'B'.repeat(43)}?id=1&ptt=4&description=1`)).status).toBe(
      403,
    );
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });

  it('a delivery report in the query string is recorded as a delivery leaf, forward only', async () => {
    await setUp();
    const { consentId, message, smsId } = await pendingWithSms(45);
    const callBack = new URL(String(ovh.sends()[0]?.body.callBack));
    const report = (description: string, ptt: string) => {
      const url = new URL(callBack);
      for (const [k, v] of Object.entries({ id: smsId, ptt, date: '2026-11-28 11:00:05', description }))
        url.searchParams.set(k, v);
      return h.app.request(`${url.pathname}${url.search}`);
    };
    // A reply in a GET's query (the number in the URL) changes no consent: a GET records statuses only.
    const { phone: other, consentId: otherId } = await pendingWithSms(47);
    for (const [id, message] of [
      ['9301', 'STOP'],
      ['9302', 'OUI'],
    ]) {
      const url = new URL(callBack);
      for (const [k, v] of Object.entries(reply(id!, other.e164, message!))) url.searchParams.set(k, v);
      expect((await h.app.request(`${url.pathname}${url.search}`)).status).toBe(204);
    }
    expect(await consentStatus(h, otherId)).toBe('pending');
    expect((await gate(h, other.e164)).suppressed).toBe(false);
    expect((await report('0', '3')).status).toBe(204); // pending: nothing
    expect((await h.ctx.outbox.byId(message.id))?.deliveryStatus ?? null).not.toBe('delivered');
    expect((await report('1', '4')).status).toBe(204);
    expect((await report('2', '5')).status).toBe(204); // late and contradicting: nothing
    expect((await expectChain(h, consentId)).filter((l) => l.type === 'delivery')).toHaveLength(1);
    expect((await h.ctx.outbox.byId(message.id))?.deliveryStatus).toBe('delivered');
  });

  it('with sms.inboundAllowlist, the token alone is not enough', async () => {
    await setUp({ inboundAllowlist: ['198.51.100.0/24'] });
    const { phone, consentId } = await pendingWithSms(46);
    const app = appWithTestIp(h);
    expect((await form(REPLY, reply('9201', phone.e164, 'OUI'), app, { 'x-test-ip': '192.0.2.1' })).status).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await form(REPLY, reply('9201', phone.e164, 'OUI'), app, { 'x-test-ip': '198.51.100.7' })).status).toBe(
      200,
    );
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it('validates its configuration: 422 naming the field, secrets redacted, base URL for the platform admin only', async () => {
    await setUp();
    const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as {
      config: { sms: Record<string, string> };
    };
    expect(got.config.sms).toMatchObject({
      provider: 'ovh',
      serviceName: SERVICE,
      applicationKey: AK,
      applicationSecret: '••••••',
      consumerKey: '••••••',
      webhookToken: '••••••',
    });
    const stored = JSON.stringify(await h.ctx.store.queryColumn("SELECT config FROM sites WHERE id = 'demo'"));
    for (const secret of [AS, CK, TOKEN]) expect(stored).not.toContain(secret);
    const base = {
      provider: 'ovh',
      serviceName: SERVICE,
      applicationKey: AK,
      applicationSecret: AS,
      consumerKey: CK,
      webhookToken: TOKEN,
    };
    for (const [field, value] of [
      ['serviceName', 'my-account'],
      ['applicationKey', 'short'],
      ['webhookToken', 'too-short'],
      ['from', 'A sender far too long'],
    ] as const) {
      const res = await putSms(h, { ...base, [field]: value }, { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(res.status, field).toBe(422);
      expect(JSON.stringify(await res.json()), field).toContain(`sms.${field}`);
    }
    expect((await putSms(h, { ...base, apiBaseUrl: 'https://ca.api.ovh.com' }, auth(h))).status).toBe(403);
  });
});
