// No site reaches another: site A's API key and A's signatures (Twilio, generic inbound, delivery callbacks) never
// read nor change site B's rows, on every site-scoped route. A route added to the API without a case here fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeTwilioSignature, signWebhook } from '../../worker/sms/signatures.ts';
import { signIn } from '../console/helpers.ts';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, widgetFor, type Harness } from '../harness.ts';

const B_PHONE = '+33612345678'; // site B's (demo's) confirmed subscriber
const A_TOKEN = 'alpha-twilio-auth-token-0123';
const A_SECRET = 'alpha-inbound-secret-0123456789';
const B_SECRET = 'demo-inbound-secret-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

let h: Harness;
let keyA: string;
let b: {
  consentId: string;
  subscriberId: string;
  keyId: string;
  outboxId: string;
  providerMessageId: string;
  textSha256: string;
};

beforeAll(async () => {
  h = await makeHarness();
  const { consentId } = await confirmedConsent(h);
  // B gets an inbound secret of its own; A is a second site on Twilio with its own token and secret.
  const { config } = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
    config: Record<string, unknown>;
  };
  const putB = await h.app.request('/v1/sites/demo', {
    ...json({ ...config, inboundSecret: B_SECRET }, admin),
    method: 'PUT',
  });
  expect(putB.status, await putB.clone().text()).toBe(200);
  const configA: Record<string, unknown> = {
    ...config,
    name: 'Alpha Shop',
    // Its campaigns go to French numbers: they need a short code (french-sender.test.ts).
    program: { ...(config.program as Record<string, unknown>), shortCode: '38123' },
    sms: { provider: 'twilio', accountSid: `AC${'a'.repeat(32)}`, authToken: A_TOKEN, from: '+447700900001' },
    inboundSecret: A_SECRET,
  };
  delete configA.policy;
  const created = await h.app.request('/v1/sites', json({ id: 'alpha', config: configA }, admin));
  expect(created.status, await created.clone().text()).toBe(201);
  keyA = ((await created.json()) as { apiKey: string }).apiKey;

  const lookup = await h.app.request(
    '/v1/sites/demo/subscribers/lookup',
    json({ phone: B_PHONE }, { authorization: `Bearer ${h.demoKey}` }),
  );
  const { subscriberId } = (await lookup.json()) as { subscriberId: string };
  const keys = (await (await h.app.request('/v1/sites/demo/keys', { headers: admin })).json()) as {
    keys: { id: string }[];
  };
  const [row] = await h.ctx.outbox.forConsent(consentId);
  expect(row?.providerMessageId).toBeTruthy();
  b = {
    consentId,
    subscriberId,
    keyId: keys.keys[0]!.id,
    outboxId: row!.id,
    providerMessageId: row!.providerMessageId!,
    textSha256: (await widgetFor(h)).textSha256,
  };
});
afterAll(() => h.close());

/** B's webhook endpoint and one delivery of it (to a closed local port: it fails and waits for its retry). */
const bHook = { id: '', seq: 0 };
beforeAll(async () => {
  const created = await h.app.request(
    '/v1/sites/demo/webhooks',
    json({ url: 'http://127.0.0.1:9/b', events: ['consent.requested'] }, admin),
  );
  expect(created.status).toBe(201);
  bHook.id = ((await created.json()) as { id: string }).id;
  await h.app.request(
    '/v1/sites/demo/consents',
    json({ phone: '06 12 34 56 01', choice: 'yes', ...(await widgetFor(h)) }),
  );
  await h.flush();
  const list = await h.app.request('/v1/sites/demo/webhooks/deliveries', { headers: admin });
  bHook.seq = ((await list.json()) as { deliveries: { seq: number }[] }).deliveries[0]!.seq;
});

/** Everything of B's an attacker could read or change, as B's owner and the platform see it. */
async function snapshotB() {
  const get = async (path: string) => (await h.app.request(path, { headers: admin })).text();
  return {
    config: await get('/v1/sites/demo'),
    keys: await get('/v1/sites/demo/keys'),
    subscribers: await get('/v1/sites/demo/subscribers?format=json'),
    subscriber: await get(`/v1/sites/demo/subscribers/${b.subscriberId}`),
    consent: (await h.ctx.consents.byId(b.consentId))!.status,
    outbox: JSON.stringify(await h.ctx.outbox.forConsent(b.consentId)),
    versions: await (await h.app.request('/p/demo/versions')).text(),
    log: await (await h.app.request('/v1/sites/demo/log')).text(),
    webhooks: await get('/v1/sites/demo/webhooks'),
  };
}

/** A scheduled campaign of site B (demo), written straight to its table. */
async function campaignOfB(): Promise<string> {
  const id = 'campaign-of-b';
  const now = h.now();
  await h.ctx.store.batch([
    h.ctx.campaigns.insert({
      id,
      siteId: 'demo',
      bodySha256: '0'.repeat(64),
      body: 'Demo Shop : x',
      locale: 'fr',
      purpose: null,
      segments: 1,
      encoding: 'GSM-7',
      requestedAt: now + 3_600_000,
      scheduledAt: now + 3_600_000,
      status: 'scheduled',
      queued: 0,
      skipped: '{}',
      createdBy: 'api',
      createdAt: now,
      updatedAt: now,
      stoppedAt: null,
      stoppedBy: null,
    }),
  ]);
  return id;
}

const withKeyA = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${keyA}` },
});
const jsonA = (body: unknown, method = 'POST') =>
  withKeyA({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function signedJson(path: string, secret: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const headers = await signWebhook({
    secret,
    id: `msg_${Math.random().toString(36).slice(2)}`,
    timestamp: h.now() / 1000,
    body,
  });
  return h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

async function signedTwilio(path: string, token: string, params: Record<string, string>) {
  const form = new URLSearchParams(params);
  const signature = await computeTwilioSignature(token, `https://assent.test${path}`, form);
  return h.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: form.toString(),
  });
}

type Case = () => Promise<void>;
const expectStatus = async (res: Response | Promise<Response>, status: number) => {
  const r = await res;
  expect(r.status, `${r.status} ${await r.clone().text()}`).toBe(status);
  return r;
};

/** "METHOD /openapi/path" → what site A tries against site B there. */
const CASES: Record<string, Case> = {
  'GET /v1/sites/{site}': async () => {
    await expectStatus(h.app.request('/v1/sites/demo', withKeyA()), 403);
  },
  'PUT /v1/sites/{site}': async () => {
    const { config } = (await (await h.app.request('/v1/sites/alpha', withKeyA())).json()) as {
      config: Record<string, unknown>;
    };
    await expectStatus(h.app.request('/v1/sites/demo', jsonA(config, 'PUT')), 403);
  },
  'GET /v1/sites/{site}/keys': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/keys', withKeyA()), 403);
  },
  'POST /v1/sites/{site}/keys': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/keys', withKeyA({ method: 'POST' })), 403);
  },
  'DELETE /v1/sites/{site}/keys/{id}': async () => {
    await expectStatus(h.app.request(`/v1/sites/demo/keys/${b.keyId}`, withKeyA({ method: 'DELETE' })), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/keys/${b.keyId}`, withKeyA({ method: 'DELETE' })), 404);
  },
  'GET /v1/sites/{site}/subscribers': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/subscribers', withKeyA()), 403);
    // A's own list, even starting from B's subscriber as a cursor, holds none of B's rows.
    for (const q of ['', `&cursor=${b.subscriberId}`, '&status=confirmed']) {
      const res = await expectStatus(h.app.request(`/v1/sites/alpha/subscribers?format=json${q}`, withKeyA()), 200);
      expect(((await res.json()) as { subscribers: unknown[] }).subscribers).toEqual([]);
    }
    const csv = await expectStatus(h.app.request('/v1/sites/alpha/subscribers?format=csv', withKeyA()), 200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(1); // the header only
  },
  'POST /v1/sites/{site}/subscribers/lookup': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/subscribers/lookup', jsonA({ phone: B_PHONE })), 403);
    const res = await expectStatus(h.app.request('/v1/sites/alpha/subscribers/lookup', jsonA({ phone: B_PHONE })), 200);
    const body = (await res.json()) as { canSend: boolean; status: string; subscriberId?: string };
    expect(body.canSend).toBe(false);
    expect(body.status).not.toBe('confirmed');
    expect(body.subscriberId).not.toBe(b.subscriberId);
  },
  'POST /v1/sites/{site}/subscribers/check': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/subscribers/check', jsonA({ phones: [B_PHONE] })), 403);
    const res = await expectStatus(
      h.app.request('/v1/sites/alpha/subscribers/check', jsonA({ phones: [B_PHONE] })),
      200,
    );
    expect(((await res.json()) as { results: { canSend: boolean }[] }).results[0]!.canSend).toBe(false);
  },
  'POST /v1/sites/{site}/subscribers/existing-customers': async () => {
    const body = {
      phone: B_PHONE,
      purpose: 'similar-products',
      sale: { reference: 'X-1', date: '2026-11-01' },
      notice: { text: 'Vous pouvez refuser gratuitement : répondez STOP.', locale: 'fr' },
    };
    await expectStatus(h.app.request('/v1/sites/demo/subscribers/existing-customers', jsonA(body)), 403);
  },
  'POST /v1/sites/{site}/subscribers/import': async () => {
    const list = `phone,consentedAt,source,wording\n${B_PHONE},2026-06-01,shop,Offres par SMS\n`;
    const init = withKeyA({ method: 'POST', headers: { 'content-type': 'text/csv' }, body: list });
    await expectStatus(h.app.request('/v1/sites/demo/subscribers/import', init), 403);
    // Nothing of site B changed: its number is not imported there.
    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: B_PHONE }, { authorization: `Bearer ${h.demoKey}` }),
    );
    expect(((await gate.json()) as { status: string }).status).not.toBe('imported');
  },
  'POST /v1/sites/{site}/renewals': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/renewals', jsonA({})), 403);
  },
  'GET /v1/sites/{site}/renewals': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/renewals', withKeyA()), 403);
  },
  'GET /v1/sites/{site}/renewals/{id}': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/renewals/anything', withKeyA()), 403);
  },
  'GET /v1/sites/{site}/campaigns': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/campaigns', withKeyA()), 403);
  },
  'GET /v1/sites/{site}/campaigns/{id}': async () => {
    const id = await campaignOfB();
    await expectStatus(h.app.request(`/v1/sites/demo/campaigns/${id}`, withKeyA()), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/campaigns/${id}`, withKeyA()), 404);
  },
  'POST /v1/sites/{site}/campaigns/{id}/stop': async () => {
    const id = await campaignOfB();
    await expectStatus(h.app.request(`/v1/sites/demo/campaigns/${id}/stop`, withKeyA({ method: 'POST' })), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/campaigns/${id}/stop`, withKeyA({ method: 'POST' })), 404);
    expect(await h.ctx.campaigns.statusOf(id)).toBe('scheduled');
  },
  'GET /v1/sites/{site}/queue': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/queue', withKeyA()), 403);
  },
  'GET /v1/sites/{site}/subscribers/{subscriberId}': async () => {
    await expectStatus(h.app.request(`/v1/sites/demo/subscribers/${b.subscriberId}`, withKeyA()), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/subscribers/${b.subscriberId}`, withKeyA()), 404);
  },
  'DELETE /v1/sites/{site}/subscribers/{subscriberId}': async () => {
    await expectStatus(
      h.app.request(`/v1/sites/demo/subscribers/${b.subscriberId}`, withKeyA({ method: 'DELETE' })),
      403,
    );
    await expectStatus(
      h.app.request(`/v1/sites/alpha/subscribers/${b.subscriberId}`, withKeyA({ method: 'DELETE' })),
      404,
    );
  },
  'GET /v1/sites/{site}/subscribers/{subscriberId}/export': async () => {
    await expectStatus(h.app.request(`/v1/sites/demo/subscribers/${b.subscriberId}/export`, withKeyA()), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/subscribers/${b.subscriberId}/export`, withKeyA()), 404);
  },
  'POST /v1/sites/{site}/policies': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/policies', jsonA({ summary: 'Hijacked policy' })), 403);
    await h.app.request('/v1/sites/alpha/policies', jsonA({ summary: 'Our own policy' })); // A's own: B's versions stay
  },
  'POST /v1/sites/{site}/messages/preview': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/messages/preview', jsonA({ template: 'Hello' })), 403);
  },
  'POST /v1/sites/{site}/messages': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/messages', jsonA({ template: 'Sale today' })), 403);
    // A's own campaign reaches A's subscribers only: B's confirmed number gets nothing.
    await expectStatus(
      h.app.request('/v1/sites/alpha/messages', jsonA({ template: 'Sale today', idempotencyKey: 'alpha-campaign-1' })),
      202,
    );
    await h.flush();
  },
  'POST /v1/sites/{site}/inbound/generic': async () => {
    await expectStatus(
      signedJson('/v1/sites/demo/inbound/generic', A_SECRET, { from: B_PHONE, body: 'STOP', messageId: 'x-1' }),
      403,
    );
    // A STOP from B's subscriber to A withdraws nothing at B.
    await expectStatus(
      signedJson('/v1/sites/alpha/inbound/generic', A_SECRET, { from: B_PHONE, body: 'STOP', messageId: 'x-2' }),
      200,
    );
  },
  // Site B (demo) speaks none of these providers: site A's requests, signed or carrying A's path token, reach
  // nothing of B's (refused before any row is read; B's subscriber stays confirmed, checked after every case).
  ...Object.fromEntries(
    ['inbound', 'delivery'].flatMap((kind) => [
      [
        `POST /v1/sites/{site}/${kind}/vonage`,
        async () => {
          const res = await h.app.request(
            `/v1/sites/demo/${kind}/vonage`,
            json({ from: B_PHONE, text: 'STOP', message_uuid: 'x' }, { authorization: `Bearer ${A_SECRET}` }),
          );
          expect([401, 403, 404]).toContain(res.status);
        },
      ],
      [
        `POST /v1/sites/{site}/${kind}/{provider}/{token}`,
        async () => {
          for (const provider of ['sinch', 'brevo', 'octopush', 'ovh']) {
            const res = await h.app.request(
              `/v1/sites/demo/${kind}/${provider}/${A_SECRET}${'0'.repeat(8)}`,
              json({ from: B_PHONE, body: 'STOP' }),
            );
            expect([401, 403, 404]).toContain(res.status);
          }
        },
      ],
    ]),
  ),
  'GET /v1/sites/{site}/delivery/ovh/{token}': async () => {
    const res = await h.app.request(`/v1/sites/demo/delivery/ovh/${A_SECRET}${'0'.repeat(8)}?id=1&ptt=4&description=1`);
    expect([401, 403, 404]).toContain(res.status);
  },
  'POST /v1/sites/{site}/inbound/twilio': async () => {
    const params = {
      MessageSid: `SM${'1'.repeat(32)}`,
      AccountSid: `AC${'a'.repeat(32)}`,
      From: B_PHONE,
      To: '+447700900001',
      Body: 'STOP',
    };
    await expectStatus(signedTwilio('/v1/sites/demo/inbound/twilio', A_TOKEN, params), 403);
    await expectStatus(
      signedTwilio('/v1/sites/alpha/inbound/twilio', A_TOKEN, { ...params, MessageSid: `SM${'2'.repeat(32)}` }),
      200,
    );
  },
  'POST /v1/sites/{site}/delivery/webhook': async () => {
    await expectStatus(
      signedJson('/v1/sites/demo/delivery/webhook', A_SECRET, { id: b.outboxId, status: 'failed' }),
      403,
    );
    // Signed by A, naming B's message: accepted as A's callback, changes no row of B's.
    await expectStatus(
      signedJson('/v1/sites/alpha/delivery/webhook', A_SECRET, { id: b.outboxId, status: 'failed' }),
      204,
    );
  },
  'POST /v1/sites/{site}/delivery/twilio': async () => {
    const params = { MessageSid: b.providerMessageId, MessageStatus: 'failed', ErrorCode: '30003' };
    await expectStatus(signedTwilio('/v1/sites/demo/delivery/twilio', A_TOKEN, params), 403);
    await expectStatus(signedTwilio(`/v1/sites/alpha/delivery/twilio?m=${b.outboxId}`, A_TOKEN, params), 204);
  },
  // Public routes: a site's path never serves or accepts another site's texts.
  'GET /v1/sites/{site}/widget/texts/{sha256}': async () => {
    await expectStatus(h.app.request(`/v1/sites/alpha/widget/texts/${b.textSha256}`), 404);
  },
  'POST /v1/sites/{site}/consents': async () => {
    const w = await widgetFor(h);
    const res = await h.app.request('/v1/sites/alpha/consents', json({ phone: B_PHONE, choice: 'yes', ...w }));
    expect(res.status).toBeGreaterThanOrEqual(400); // B's notice cited on A: refused (A published nothing of it)
  },
  'POST /v1/sites/{site}/webhooks': async () => {
    await expectStatus(
      h.app.request(
        '/v1/sites/demo/webhooks',
        jsonA({ url: 'https://a.example.com/x', events: ['consent.confirmed'] }),
      ),
      403,
    );
  },
  'GET /v1/sites/{site}/webhooks': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/webhooks', withKeyA()), 403);
    const own = await expectStatus(h.app.request('/v1/sites/alpha/webhooks', withKeyA()), 200);
    expect(await own.text()).not.toContain(bHook.id);
  },
  'DELETE /v1/sites/{site}/webhooks/{id}': async () => {
    await expectStatus(h.app.request(`/v1/sites/demo/webhooks/${bHook.id}`, withKeyA({ method: 'DELETE' })), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/webhooks/${bHook.id}`, withKeyA({ method: 'DELETE' })), 404);
  },
  'POST /v1/sites/{site}/webhooks/{id}/rotate': async () => {
    await expectStatus(h.app.request(`/v1/sites/demo/webhooks/${bHook.id}/rotate`, withKeyA({ method: 'POST' })), 403);
    await expectStatus(h.app.request(`/v1/sites/alpha/webhooks/${bHook.id}/rotate`, withKeyA({ method: 'POST' })), 404);
  },
  'GET /v1/sites/{site}/webhooks/deliveries': async () => {
    await expectStatus(h.app.request('/v1/sites/demo/webhooks/deliveries', withKeyA()), 403);
    const own = await expectStatus(h.app.request('/v1/sites/alpha/webhooks/deliveries', withKeyA()), 200);
    expect(((await own.json()) as { deliveries: unknown[] }).deliveries).toEqual([]);
  },
  'POST /v1/sites/{site}/webhooks/deliveries/{seq}/replay': async () => {
    const path = (site: string) => `/v1/sites/${site}/webhooks/deliveries/${bHook.seq}/replay`;
    await expectStatus(h.app.request(path('demo'), withKeyA({ method: 'POST' })), 403);
    await expectStatus(h.app.request(path('alpha'), withKeyA({ method: 'POST' })), 404);
  },
};

/** The console, signed in with A's key: its session names A; B's ids and numbers sent in its forms reach nothing of B. */
const CONSOLE_CASES: Record<string, Case> = {
  'console: lookup, export and erase with B’s number and subscriber id': async () => {
    const a = await signIn(h, keyA);
    const lookup = await a.post('/console/subscribers/lookup', { phone: B_PHONE });
    expect(lookup.status).toBeLessThan(500);
    const page = await lookup.text();
    expect(page).not.toContain(b.subscriberId);
    expect(page).not.toContain(b.consentId);
    const exported = await a.post('/console/subscribers/export', { subscriber: b.subscriberId });
    expect(exported.status).toBeGreaterThanOrEqual(400);
    expect(await exported.text()).not.toContain(b.consentId);
    const erased = await a.post('/console/subscribers/erase', { subscriber: b.subscriberId, confirm: 'yes' });
    expect(erased.status).toBeLessThan(500);
  },
  'console: the subscriber list and key revocation': async () => {
    const a = await signIn(h, keyA);
    const csv = await a.get('/console/subscribers.csv');
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).not.toContain(b.subscriberId);
    expect(text).not.toContain(b.consentId);
    expect(text).not.toContain(B_PHONE);
    const revoke = await a.post('/console/settings/keys/revoke', { id: b.keyId });
    expect(revoke.status).toBeLessThan(500);
  },
};

// Public by design (anyone may read them) or not site-scoped: nothing of one site's to protect from another's key.
const PUBLIC_READS = [
  'GET /v1/sites/{site}/widget',
  'GET /v1/sites/{site}/log',
  'GET /v1/sites/{site}/log/checkpoint',
  'GET /v1/sites/{site}/log/consistency',
];

describe('site A against site B', () => {
  it('every site-scoped route of the API has a case here', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/sites/{site}'))
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => m !== 'options')
          .map((m) => `${m.toUpperCase()} ${path}`),
      );
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !(r in CASES) && !PUBLIC_READS.includes(r))).toEqual([]);
  });

  it.each(Object.keys({ ...CASES, ...CONSOLE_CASES }))(
    '%s: A reads nothing of B and changes none of B’s rows',
    async (route) => {
      const before = await snapshotB();
      await { ...CASES, ...CONSOLE_CASES }[route]!();
      await h.flush();
      const after = await snapshotB();
      expect(after).toEqual(before);
      expect(after.consent).toBe('confirmed');
    },
  );
});
