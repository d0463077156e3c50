// Sinch SMS REST API end to end: the jobs send the confirmation SMS to a local stand-in speaking Sinch's batches API;
// MO and recipient delivery report callbacks, which Sinch does not sign, are accepted only with the site's path token
// (and from sms.inboundAllowlist when set); a wrong or missing token changes nothing.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../../assertions.ts';
import { ADMIN_TOKEN, appWithTestIp, consentStatus, makeHarness, type Harness } from '../../harness.ts';
import { auth, frenchMobile, gate, requestOptIn } from '../fixtures.ts';
import { createSinchProvider } from '../../../worker/sms/providers/sinch.ts';
import { putSms, startJsonProvider, useProvider, type ProviderStandIn } from './provider-kit.ts';
import { hang, startStandIn } from './stand-in.ts';

const PLAN = 'jd63jf88477ll123ab4567cd89012ef3';
const API_TOKEN = 'sinch-api-token-0123';
const TOKEN = 'Zk3v9Q-wP0_aLr7Ts2Xy8Bn4Hc6Jd1Me5Fg0Ki2Lo3';
const FROM = '+447700900001';

let h: Harness;
let sinch: ProviderStandIn;
afterEach(async () => {
  await h?.close();
  await sinch?.close();
});

async function setUp(extra: Record<string, unknown> = {}) {
  let n = 0;
  sinch = await startJsonProvider(`/xms/v1/${PLAN}/batches`, (body) => ({
    status: 201,
    body: {
      id: `01FC66621XXXXX119Z8PMV${String(++n).padStart(4, '0')}`,
      to: body.to,
      from: body.from,
      canceled: false,
    },
  }));
  h = await makeHarness();
  await useProvider(h, 'Sinch Sweden AB', {
    provider: 'sinch',
    servicePlanId: PLAN,
    apiToken: API_TOKEN,
    from: FROM,
    webhookToken: TOKEN,
    apiBaseUrl: sinch.baseUrl,
    ...extra,
  });
}

const post = (path: string, body: unknown, app = h.app, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const mo = (from: string, text: string) => ({
  type: 'mo_text',
  id: randomUUID(),
  from: from.slice(1),
  to: FROM.slice(1),
  body: text,
  received_at: new Date(h.now()).toISOString(),
});

async function pendingWithSms(n: number) {
  const phone = frenchMobile(n);
  const consentId = await requestOptIn(h, phone.national);
  await h.flush();
  return { phone, consentId };
}

describe('Sinch', () => {
  it('sends the confirmation SMS as a batch, with the delivery callback carrying the path token', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(11);
    const [send] = sinch.sends();
    expect(send?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
    expect(send?.body).toMatchObject({
      from: FROM,
      to: [phone.e164],
      delivery_report: 'per_recipient',
      client_reference: message!.id,
    });
    expect(String(send?.body.body)).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);
    expect(send?.body.callback_url).toBe(`https://assent.test/v1/sites/demo/delivery/sinch/${TOKEN}?m=${message!.id}`);
    expect(message!.providerMessageId).toBe('01FC66621XXXXX119Z8PMV0001');
  });

  it('an OUI with the token confirms, a STOP withdraws', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(12);
    const res = await post(`/v1/sites/demo/inbound/sinch/${TOKEN}`, mo(phone.e164, 'oui'));
    expect(res.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    expect((await post(`/v1/sites/demo/inbound/sinch/${TOKEN}`, mo(phone.e164, 'Stop'))).status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await gate(h, phone.e164)).suppressed).toBe(true);
  });

  it('a wrong, truncated or missing token, or another site, is 403 problem+json and changes nothing', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(13);
    for (const path of [
      `/v1/sites/demo/inbound/sinch/${TOKEN.slice(0, -1)}x`,
      `/v1/sites/demo/inbound/sinch/${TOKEN.slice(0, 20)}`,
      `/v1/sites/demo/inbound/sinch/${TOKEN}${TOKEN}`,
    ]) {
      const res = await post(path, mo(phone.e164, 'STOP'));
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await post('/v1/sites/demo/inbound/sinch', mo(phone.e164, 'STOP'))).status).toBe(404);
    // The token is the site's: the Vonage route of the same site does not take it, nor does another provider's name.
    expect(
      (await post(`/v1/sites/demo/inbound/vonage`, mo(phone.e164, 'STOP'), h.app, { authorization: `Bearer ${TOKEN}` }))
        .status,
    ).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });

  it('a recipient delivery report is recorded as a delivery leaf; a late Dispatched after Delivered changes nothing', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(14);
    const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
    const report = (status: string) => ({
      type: 'recipient_delivery_report_sms',
      batch_id: message!.providerMessageId,
      recipient: phone.e164.slice(1),
      code: 0,
      status,
      at: new Date(h.now()).toISOString(),
      client_reference: message!.id,
    });
    expect((await post(`/v1/sites/demo/delivery/sinch/wrong-token-${TOKEN}`, report('Delivered'))).status).toBe(403);
    expect((await expectChain(h, consentId)).map((l) => l.type)).not.toContain('delivery');
    expect((await post(`/v1/sites/demo/delivery/sinch/${TOKEN}?m=${message!.id}`, report('Delivered'))).status).toBe(
      204,
    );
    expect((await post(`/v1/sites/demo/delivery/sinch/${TOKEN}?m=${message!.id}`, report('Dispatched'))).status).toBe(
      204,
    );
    const deliveries = (await expectChain(h, consentId)).filter((l) => l.type === 'delivery');
    expect(deliveries).toHaveLength(1);
    expect((await h.ctx.outbox.byId(message!.id))?.deliveryStatus).toBe('delivered');
  });

  it('with sms.inboundAllowlist, a request from another address is refused even with the token', async () => {
    await setUp({ inboundAllowlist: ['198.51.100.0/24'] });
    const { phone, consentId } = await pendingWithSms(15);
    const app = appWithTestIp(h);
    expect(
      (await post(`/v1/sites/demo/inbound/sinch/${TOKEN}`, mo(phone.e164, 'OUI'), app, { 'x-test-ip': '203.0.113.5' }))
        .status,
    ).toBe(403);
    expect(
      (
        await post(`/v1/sites/demo/inbound/sinch/${TOKEN}`, mo(phone.e164, 'OUI'), app, {
          'x-test-ip': '::ffff:198.51.100.20',
        })
      ).status,
    ).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it('validates its configuration: the token sealed and redacted, a short token a 422 naming it, base URL for the admin', async () => {
    await setUp();
    const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as {
      config: { sms: Record<string, string> };
    };
    expect(got.config.sms).toMatchObject({ provider: 'sinch', apiToken: '••••••', webhookToken: '••••••' });
    expect((await h.ctx.sites.get('demo'))!.config).not.toContain(TOKEN);
    // A PUT that sends the redacted values back keeps the stored token: the inbound URL still works.
    const same = await putSms(h, got.config.sms, auth(h));
    expect(same.status).toBe(200);
    const { phone, consentId } = await pendingWithSms(16);
    expect((await post(`/v1/sites/demo/inbound/sinch/${TOKEN}`, mo(phone.e164, 'OUI'))).status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    const base = { provider: 'sinch', servicePlanId: PLAN, apiToken: API_TOKEN, from: FROM, webhookToken: TOKEN };
    const short = await putSms(h, { ...base, webhookToken: 'short' }, auth(h));
    expect(short.status).toBe(422);
    expect(JSON.stringify(await short.json())).toContain('sms.webhookToken');
    const region = await putSms(h, { ...base, region: 'mars' }, auth(h));
    expect(region.status).toBe(422);
    expect(JSON.stringify(await region.json())).toContain('sms.region');
    expect((await putSms(h, { ...base, apiBaseUrl: 'https://eu.sms.api.sinch.example' }, auth(h))).status).toBe(403);
    const local = await putSms(
      h,
      { ...base, apiBaseUrl: 'https://10.1.2.3' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(local.status).toBe(422);
    expect(JSON.stringify(await local.json())).toContain('sms.apiBaseUrl');
  });
});

describe('Sinch provider on its own', () => {
  it('a timed-out send is reconciled by client_reference: found, it is not sent again; not found, it is', async () => {
    const accepted: { id: string; client_reference: string }[] = [];
    const server = await startStandIn((req, res) => {
      if (req.method === 'GET' && req.path.startsWith(`/xms/v1/${PLAN}/batches?`)) {
        const ref = new URL(req.path, 'http://x').searchParams.get('client_reference');
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            count: 1,
            page: 0,
            page_size: 10,
            batches: accepted.filter((b) => b.client_reference === ref),
          }),
        );
        return true;
      }
      return false;
    });
    try {
      // First POST: accepted, never answered. Second POST (another message): not accepted, never answered.
      server.script.push(
        (req) =>
          void accepted.push({
            id: 'BATCH1',
            client_reference: (JSON.parse(req.body) as { client_reference: string }).client_reference,
          }),
        hang,
      );
      const sinch = createSinchProvider({
        servicePlanId: PLAN,
        apiToken: API_TOKEN,
        from: FROM,
        webhookToken: TOKEN,
        apiBaseUrl: server.baseUrl,
        timeoutMs: 300,
        outbound: { allowLocal: true },
      });
      const first = await sinch.send({ id: 'out-a', to: '+33612345678', body: 'hello' });
      expect(first).toMatchObject({ ok: false, retryable: true, unknown: true });
      expect(await sinch.lookup?.('out-a', '+33612345678')).toEqual({ found: true, providerMessageId: 'BATCH1' });
      await sinch.send({ id: 'out-b', to: '+33612345678', body: 'hello' });
      expect(await sinch.lookup?.('out-b', '+33612345678')).toEqual({ found: false });
      const get = server.requests.find((r) => r.method === 'GET');
      expect(get?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    } finally {
      await server.close();
    }
  });
});
