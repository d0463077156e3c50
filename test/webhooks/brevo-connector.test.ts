// The Brevo connector, against a stand-in speaking Brevo's contacts API as its reference documents it (POST
// /v3/contacts with updateEnabled, PUT /v3/contacts/{ext_id}?identifierType=ext_id, the api-key header): a confirmed
// number becomes a contact with its SMS attribute, a STOP blocklists it for SMS, an erasure leaves no number there;
// Brevo down for an hour is caught up once each, in order; the API key is never stored or shown in clear.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, type Harness } from '../harness.ts';
import { auth, genericInbound, INBOUND_SECRET, updateDemo } from '../sms/fixtures.ts';
import { startStandIn, type Recorded, type StandIn } from '../sms/providers/stand-in.ts';

const API_KEY = 'xkeysib-0123456789abcdef0123456789abcdef-AbCdEf';
const PHONE = '+33612345678';

interface Contact {
  id: number;
  ext_id: string;
  attributes: Record<string, string>;
  smsBlacklisted: boolean;
}

/** Brevo's contacts API, kept in memory: what a contact looks like after each documented call. */
function brevoContacts() {
  const contacts = new Map<string, Contact>();
  const calls: { method: string; path: string; body: Record<string, unknown> }[] = [];
  let down = false;
  const route = (req: Recorded, res: import('node:http').ServerResponse) => {
    const reply = (status: number, body?: unknown) =>
      body === undefined
        ? res.writeHead(status).end()
        : res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (down) return (reply(503, { code: 'service_unavailable', message: 'down' }), true);
    if (req.headers['api-key'] !== API_KEY)
      return (reply(401, { code: 'unauthorized', message: 'Key not found' }), true);
    const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
    calls.push({ method: req.method, path: req.path, body });
    const url = new URL(req.path, 'http://brevo');
    if (req.method === 'POST' && url.pathname === '/v3/contacts') {
      const extId = String(body.ext_id);
      const existing = contacts.get(extId);
      const attributes = (body.attributes ?? {}) as Record<string, string>;
      if (existing) {
        if (!body.updateEnabled) return (reply(400, { code: 'duplicate_parameter', message: 'exists' }), true);
        Object.assign(existing.attributes, attributes);
        if (typeof body.smsBlacklisted === 'boolean') existing.smsBlacklisted = body.smsBlacklisted;
        return (reply(204), true);
      }
      const contact = { id: contacts.size + 1, ext_id: extId, attributes: { ...attributes }, smsBlacklisted: false };
      if (typeof body.smsBlacklisted === 'boolean') contact.smsBlacklisted = body.smsBlacklisted;
      contacts.set(extId, contact);
      return (reply(201, { id: contact.id }), true);
    }
    const put = /^\/v3\/contacts\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && put && url.searchParams.get('identifierType') === 'ext_id') {
      const contact = contacts.get(decodeURIComponent(put[1]!));
      if (!contact) return (reply(404, { code: 'document_not_found', message: 'Contact does not exist' }), true);
      for (const [k, v] of Object.entries((body.attributes ?? {}) as Record<string, string>)) {
        if (v === '') delete contact.attributes[k];
        else contact.attributes[k] = v;
      }
      if (typeof body.smsBlacklisted === 'boolean') contact.smsBlacklisted = body.smsBlacklisted;
      return (reply(204), true);
    }
    return (reply(404, { code: 'not_found' }), true);
  };
  return {
    contacts,
    calls,
    route,
    setDown: (value: boolean) => {
      down = value;
    },
  };
}

let h: Harness;
let brevo: ReturnType<typeof brevoContacts>;
let server: StandIn;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  h = await makeHarness();
  brevo = brevoContacts();
  server = await startStandIn(brevo.route);
  await updateDemo(h, (config) => {
    config.inboundSecret = INBOUND_SECRET;
  });
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
  await h.close();
});

async function connect(body: Record<string, unknown> = {}) {
  return h.app.request(
    '/v1/sites/demo/webhooks',
    // A stand-in's host is the platform admin's to set (the connector sends the key and numbers there).
    json({ kind: 'brevo', apiKey: API_KEY, url: server.baseUrl, ...body }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
}

async function subscriberId(): Promise<string> {
  const res = await h.app.request(
    '/v1/sites/demo/subscribers/lookup',
    json({ phone: PHONE }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
  return ((await res.json()) as { subscriberId: string }).subscriberId;
}

const stop = async () => {
  h.advance(60_000);
  expect((await genericInbound(h, { from: PHONE, body: 'STOP' })).status).toBe(200);
  await h.flush();
};

describe('the Brevo connector', () => {
  it('opt-in and confirmation: a contact with the SMS attribute, not blocklisted, found by our subscriber id', async () => {
    expect((await connect()).status).toBe(201);
    await confirmedConsent(h);
    await h.flush();
    const id = await subscriberId();
    expect([...brevo.contacts.values()]).toEqual([
      { id: 1, ext_id: id, attributes: { SMS: PHONE }, smsBlacklisted: false },
    ]);
    // The request (pending) told Brevo nothing: only a confirmed number goes there.
    expect(brevo.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v3/contacts']);
    expect(brevo.calls[0]?.body).toMatchObject({ updateEnabled: true });
  });

  it('STOP blocklists the contact for SMS; the erasure then leaves no number in Brevo', async () => {
    expect((await connect()).status).toBe(201);
    await confirmedConsent(h);
    const id = await subscriberId();
    await stop();
    expect(brevo.contacts.get(id)).toMatchObject({ attributes: { SMS: PHONE }, smsBlacklisted: true });
    const erased = await h.app.request(`/v1/sites/demo/subscribers/${id}`, { method: 'DELETE', headers: auth(h) });
    expect(erased.status).toBeLessThan(300);
    await h.flush();
    const contact = brevo.contacts.get(id)!;
    expect(contact.attributes.SMS).toBeUndefined();
    expect(JSON.stringify([...brevo.contacts.values()])).not.toContain('612345678');
    expect(brevo.calls.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/v3/contacts/${id}?identifierType=ext_id`,
      body: { attributes: { SMS: '' } },
    });
  });

  it('Brevo down for an hour: afterwards each change arrives once, in order', async () => {
    expect((await connect()).status).toBe(201);
    brevo.setDown(true);
    await confirmedConsent(h);
    const id = await subscriberId();
    await stop();
    for (let minute = 0; minute < 60; minute += 5) {
      h.advance(5 * 60_000);
      await h.flush();
    }
    expect(brevo.contacts.size).toBe(0);
    brevo.setDown(false);
    for (let i = 0; i < 6; i++) {
      h.advance(20 * 60_000);
      await h.flush();
    }
    expect(brevo.calls.map((c) => c.method)).toEqual(['POST', 'PUT']);
    expect(brevo.contacts.get(id)).toMatchObject({ attributes: { SMS: PHONE }, smsBlacklisted: true });
    const list = await h.app.request('/v1/sites/demo/webhooks/deliveries', { headers: auth(h) });
    const { deliveries } = (await list.json()) as { deliveries: { type: string; status: string; attempts: number }[] };
    expect(deliveries.map((d) => [d.type, d.status])).toEqual([
      ['consent.withdrawn', 'delivered'],
      ['consent.confirmed', 'delivered'],
    ]);
  });

  it('the API key is sealed: not in the database, not in any answer; the console shows the connector', async () => {
    const created = await connect();
    expect(created.status).toBe(201);
    const body = await created.text();
    expect(body).not.toContain(API_KEY);
    expect(JSON.parse(body)).toMatchObject({ kind: 'brevo', url: server.baseUrl, secret: '' });
    const listed = await (await h.app.request('/v1/sites/demo/webhooks', { headers: auth(h) })).text();
    expect(listed).not.toContain(API_KEY);
    expect(JSON.parse(listed).webhooks[0]).toMatchObject({
      kind: 'brevo',
      events: ['consent.confirmed', 'consent.withdrawn', 'subscriber.erased'],
    });
    const rows = await h.ctx.store.queryColumn(
      "SELECT id || url || events || secret_box || kind FROM webhook_endpoints WHERE kind = 'brevo'",
    );
    expect(rows).toHaveLength(1);
    expect(String(rows[0])).not.toContain(API_KEY);
    expect(String(rows[0])).not.toContain('0123456789abcdef0123456789abcdef');
    const id = JSON.parse(body).id as string;
    const rotate = await h.app.request(`/v1/sites/demo/webhooks/${id}/rotate`, { method: 'POST', headers: auth(h) });
    expect(rotate.status).toBe(409);
    expect(rotate.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a wrong API key is a failed delivery with Brevo’s answer, retried, and changes no contact', async () => {
    expect((await connect({ apiKey: 'xkeysib-wrong-key-0000' })).status).toBe(201);
    await confirmedConsent(h);
    await h.flush();
    expect(brevo.contacts.size).toBe(0);
    const list = await h.app.request('/v1/sites/demo/webhooks/deliveries', { headers: auth(h) });
    const { deliveries } = (await list.json()) as { deliveries: Record<string, unknown>[] };
    expect(deliveries[0]).toMatchObject({ status: 'queued', responseStatus: 401, lastError: 'HTTP 401 unauthorized' });
  });

  it('validates: 422 naming the field; a private address is refused; standard endpoints are unchanged', async () => {
    const noKey = await h.app.request('/v1/sites/demo/webhooks', json({ kind: 'brevo' }, auth(h)));
    expect(noKey.status).toBe(422);
    expect(JSON.stringify(await noKey.json())).toContain('apiKey');
    // A site key may connect Brevo itself, not another host: the key and the numbers would go there.
    const elsewhere = await h.app.request(
      '/v1/sites/demo/webhooks',
      json({ kind: 'brevo', apiKey: API_KEY, url: 'https://brevo.example.net/v3' }, auth(h)),
    );
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('url');
    const privateUrl = await connect({ url: 'https://10.0.0.1/brevo' });
    expect(privateUrl.status).toBe(422);
    expect(JSON.stringify(await privateUrl.json())).toContain('url');
    const extra = await connect({ events: ['consent.requested'] });
    expect(extra.status).toBe(422);
    const standard = await h.app.request(
      '/v1/sites/demo/webhooks',
      json({ url: server.baseUrl, events: ['consent.requested'] }, auth(h)),
    );
    expect(standard.status).toBe(201);
    expect(await standard.json()).toMatchObject({ kind: 'standard', secret: expect.stringMatching(/^whsec_/) });
  });
});
