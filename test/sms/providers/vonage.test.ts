// Vonage Messages API end to end: the jobs send the confirmation SMS to a local stand-in speaking Vonage's wire format;
// inbound and status webhooks signed as Vonage signs them (JWT HS256 with the signature secret, payload_hash = SHA-256
// of the body) confirm, withdraw and record delivery; forged, unsigned, stale or altered ones change nothing.
// The JWTs are made here with node:crypto, independently of the code under test.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../../assertions.ts';
import { ADMIN_TOKEN, appWithTestIp, consentStatus, makeHarness, type Harness } from '../../harness.ts';
import { auth, frenchMobile, gate, requestOptIn } from '../fixtures.ts';
import { confirmTokenIn, putSms, startJsonProvider, useProvider, type ProviderStandIn } from './provider-kit.ts';

const API_KEY = 'abcd1234';
const API_SECRET = 'vonage-api-secret';
const SIGNATURE_SECRET = 'vonage-signature-secret-0123456789';
const FROM = '447700900000';

let h: Harness;
let vonage: ProviderStandIn;
afterEach(async () => {
  await h?.close();
  await vonage?.close();
});

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function jwt(
  body: string,
  options: { secret?: string; iat?: number; apiKey?: string; hashOf?: string; alg?: string } = {},
): string {
  const header = b64url(JSON.stringify({ alg: options.alg ?? 'HS256', typ: 'JWT' }));
  const claims = b64url(
    JSON.stringify({
      iat: options.iat ?? Math.floor(h.now() / 1000),
      jti: randomUUID(),
      iss: 'Vonage',
      payload_hash: createHash('sha256')
        .update(options.hashOf ?? body)
        .digest('hex'),
      api_key: options.apiKey ?? API_KEY,
      application_id: randomUUID(),
    }),
  );
  const signature = createHmac('sha256', options.secret ?? SIGNATURE_SECRET)
    .update(`${header}.${claims}`)
    .digest('base64url');
  return `${header}.${claims}.${signature}`;
}

async function post(path: string, body: string, authorization: string | null, app = h.app) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
}

const inboundBody = (from: string, text: string) =>
  JSON.stringify({
    channel: 'sms',
    message_uuid: randomUUID(),
    to: FROM,
    from: from.slice(1),
    text,
    timestamp: new Date(h.now()).toISOString(),
    message_type: 'text',
  });

async function setUp(extra: Record<string, unknown> = {}) {
  vonage = await startJsonProvider('/v1/messages', () => ({ status: 202, body: { message_uuid: randomUUID() } }));
  h = await makeHarness();
  await useProvider(h, 'Vonage', {
    provider: 'vonage',
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    signatureSecret: SIGNATURE_SECRET,
    from: FROM,
    apiBaseUrl: vonage.baseUrl,
    ...extra,
  });
}

async function pendingWithSms(n: number) {
  const phone = frenchMobile(n);
  const consentId = await requestOptIn(h, phone.national);
  await h.flush();
  return { phone, consentId };
}

describe('Vonage', () => {
  it('sends the confirmation SMS in the Messages API format, with basic auth and our id as client_ref', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(1);
    const [send] = vonage.sends();
    expect(send?.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
    expect(send?.body).toMatchObject({ message_type: 'text', channel: 'sms', to: phone.e164.slice(1), from: FROM });
    expect(String(send?.body.text)).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);
    const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
    expect(send?.body.client_ref).toBe(message!.id);
  });

  it('a signed OUI confirms, a signed STOP withdraws; both are logged', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(2);
    const oui = inboundBody(phone.e164, 'Oui');
    const res = await post('/v1/sites/demo/inbound/vonage', oui, `Bearer ${jwt(oui)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ action: 'confirm-pending' });
    expect(await consentStatus(h, consentId)).toBe('confirmed');
    const stop = inboundBody(phone.e164, 'STOP');
    expect((await post('/v1/sites/demo/inbound/vonage', stop, `Bearer ${jwt(stop)}`)).status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await gate(h, phone.e164)).canSend).toBe(false);
    const types = (await expectChain(h, consentId)).map((l) => l.type);
    expect(types).toContain('confirmed');
    expect(types).toContain('withdrawn');
  });

  it('forged, unsigned, stale, altered or foreign requests are 403 problem+json and change nothing', async () => {
    await setUp();
    const { phone, consentId } = await pendingWithSms(3);
    const body = inboundBody(phone.e164, 'OUI');
    const altered = body.replace('"OUI"', '"STOP"');
    const attempts: [string, string, string | null][] = [
      ['no token', body, null],
      ['wrong secret', body, `Bearer ${jwt(body, { secret: 'another-signature-secret-000000' })}`],
      ['body changed after signing', altered, `Bearer ${jwt(body)}`],
      ['stale', body, `Bearer ${jwt(body, { iat: Math.floor(h.now() / 1000) - 3600 })}`],
      ['another account', body, `Bearer ${jwt(body, { apiKey: 'zzzz9999' })}`],
      ['alg none', body, `Bearer ${jwt(body, { alg: 'none' })}`],
      ['not a bearer', body, `Basic ${Buffer.from('a:b').toString('base64')}`],
    ];
    for (const [why, sent, authorization] of attempts) {
      const res = await post('/v1/sites/demo/inbound/vonage', sent, authorization);
      expect(res.status, why).toBe(403);
      expect(res.headers.get('content-type'), why).toContain('application/problem+json');
      expect(((await res.json()) as { code: string }).code, why).toBe('forbidden');
    }
    expect(await consentStatus(h, consentId)).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });

  it('a signed status webhook is recorded as a delivery leaf, once; a forged one is not', async () => {
    await setUp();
    const { consentId } = await pendingWithSms(4);
    const [message] = (await h.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'confirm-request');
    const status = JSON.stringify({
      message_uuid: message!.providerMessageId,
      to: '33612345678',
      from: FROM,
      timestamp: new Date(h.now()).toISOString(),
      status: 'delivered',
      channel: 'sms',
      client_ref: message!.id,
    });
    const forged = await post(
      '/v1/sites/demo/delivery/vonage',
      status,
      `Bearer ${jwt(status, { secret: 'another-signature-secret-000000' })}`,
    );
    expect(forged.status).toBe(403);
    expect((await expectChain(h, consentId)).map((l) => l.type)).not.toContain('delivery');
    const token = `Bearer ${jwt(status)}`;
    expect((await post('/v1/sites/demo/delivery/vonage', status, token)).status).toBe(204);
    expect((await post('/v1/sites/demo/delivery/vonage', status, token)).status).toBe(204); // replayed: no second leaf
    const leaves = await expectChain(h, consentId);
    expect(leaves.filter((l) => l.type === 'delivery')).toHaveLength(1);
    expect((await h.ctx.outbox.byId(message!.id))?.deliveryStatus).toBe('delivered');
  });

  it('refuses requests from outside sms.inboundAllowlist when one is set', async () => {
    await setUp({ inboundAllowlist: ['198.51.100.0/24', '2001:db8::/32'] });
    const { phone, consentId } = await pendingWithSms(5);
    const app = appWithTestIp(h);
    const body = inboundBody(phone.e164, 'OUI');
    const outside = await app.request('/v1/sites/demo/inbound/vonage', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt(body)}`, 'x-test-ip': '203.0.113.9' },
      body,
    });
    expect(outside.status).toBe(403);
    expect(await consentStatus(h, consentId)).toBe('pending');
    const inside = await app.request('/v1/sites/demo/inbound/vonage', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${jwt(body)}`,
        'x-test-ip': '198.51.100.7',
      },
      body,
    });
    expect(inside.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it('validates its configuration: secrets sealed and redacted, 422 naming the field, base URL for the platform admin only', async () => {
    await setUp();
    const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as {
      config: { sms: Record<string, string> };
    };
    expect(got.config.sms).toMatchObject({ provider: 'vonage', apiSecret: '••••••', signatureSecret: '••••••' });
    const row = await h.ctx.sites.get('demo');
    expect(row!.config).not.toContain(SIGNATURE_SECRET);
    expect(row!.config).not.toContain(API_SECRET);
    const base = {
      provider: 'vonage',
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      signatureSecret: SIGNATURE_SECRET,
      from: FROM,
    };
    const missing = await putSms(h, { ...base, signatureSecret: undefined }, auth(h));
    expect(missing.status).toBe(422);
    expect(JSON.stringify(await missing.json())).toContain('sms.signatureSecret');
    const badAllow = await putSms(h, { ...base, inboundAllowlist: ['10.0.0.0/33'] }, auth(h));
    expect(badAllow.status).toBe(422);
    expect(JSON.stringify(await badAllow.json())).toContain('sms.inboundAllowlist.0');
    const owner = await putSms(h, { ...base, apiBaseUrl: 'https://api.elsewhere.example' }, auth(h));
    expect(owner.status).toBe(403);
    expect(JSON.stringify(await owner.json())).toContain('sms.apiBaseUrl');
    const metadata = await putSms(
      h,
      { ...base, apiBaseUrl: 'https://169.254.169.254' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    expect(metadata.status).toBe(422);
    expect(JSON.stringify(await metadata.json())).toContain('sms.apiBaseUrl');
  });

  it('the confirmation link sent through Vonage works like any other', async () => {
    await setUp();
    const { consentId } = await pendingWithSms(6);
    const token = confirmTokenIn(vonage.sends().map((s) => String(s.body.text)));
    expect((await h.app.request(`/c/${token}`, { method: 'POST' })).status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });
});
