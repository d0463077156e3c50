// Signed webhooks out, checked by a receiver that verifies with the npm `standardwebhooks` package: every event of an
// opt-in, a confirmation and a STOP, in order; during a rotation; after the receiver was down; the number only where
// asked for.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth, genericInbound, INBOUND_SECRET, updateDemo } from '../sms/fixtures.ts';
import { deliverWebhooks } from '../../worker/domain/webhooks/index.ts';
import { startReceiver, type Receiver } from './receiver.ts';

let h: Harness;
let receiver: Receiver;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  h = await makeHarness();
  receiver = await startReceiver(() => h.now());
});
afterEach(async () => {
  vi.useRealTimers();
  await receiver.close();
  await h.close();
});

const ALL = [
  'consent.requested',
  'consent.confirmed',
  'consent.declined',
  'consent.withdrawn',
  'consent.expired',
  'consent.renewal_required',
  'subscriber.erased',
];

async function register(body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await h.app.request(
    '/v1/sites/demo/webhooks',
    json({ url: receiver.url, events: ALL, ...body }, auth(h)),
  );
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; secret: string };
  receiver.secrets.push(created.secret);
  return created;
}

/** Opt-in, confirmation by link, STOP by SMS: the consent's id. */
async function optInConfirmStop(): Promise<string> {
  await updateDemo(h, (config) => {
    config.inboundSecret = INBOUND_SECRET;
  });
  const res = await optIn(h);
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  h.advance(60_000);
  expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  h.advance(60_000);
  expect((await genericInbound(h, { from: '+33612345678', body: 'STOP' })).status).toBe(200);
  await h.flush();
  return consentId;
}

describe('signed webhooks out (Standard Webhooks)', () => {
  it('a receiver verifying with standardwebhooks gets every event of an opt-in, a confirmation and a STOP, in order', async () => {
    await register();
    const consentId = await optInConfirmStop();
    const accepted = receiver.accepted();
    expect(accepted.map((p) => p.type)).toEqual(['consent.requested', 'consent.confirmed', 'consent.withdrawn']);
    expect(receiver.received.every((r) => r.accepted)).toBe(true);
    const subscriberId = (await h.ctx.consents.byId(consentId))!.subjectId;
    expect(accepted.map((p) => p.data.status)).toEqual(['pending', 'confirmed', 'withdrawn']);
    for (const payload of accepted) {
      expect(payload.data).toEqual({
        consentId,
        subscriberId,
        status: payload.data.status,
        proofUrl: `https://assent.test/proofs/${consentId}`,
        maskedPhone: expect.stringMatching(/^\+33 6/),
      });
    }
    // webhook-id is the logged event's id, one per event; the timestamp is the attempt's, in seconds.
    const events = await h.ctx.store.db.all<{ id: string; type: string }>(
      sql`SELECT id, type FROM consent_events WHERE consent_id = ${consentId} AND type IN ('requested', 'confirmed', 'withdrawn') ORDER BY at`,
    );
    expect(receiver.received.map((r) => r.id)).toEqual(events.map((e) => e.id));
    expect(receiver.received.at(-1)!.headers['webhook-timestamp']).toBe(String(Math.floor(h.now() / 1000)));
  });

  it('a forged or altered body does not verify: the signature covers id, timestamp and body', async () => {
    const { secret } = await register();
    await optIn(h);
    await h.flush();
    const { Webhook } = await import('standardwebhooks');
    const got = receiver.received[0]!;
    expect(() => new Webhook(secret).verify(got.body.replace('pending', 'confirmed'), got.headers)).toThrow();
    expect(() => new Webhook(secret).verify(got.body, { ...got.headers, 'webhook-id': 'msg_other' })).toThrow();
    const other = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(() => new Webhook(other).verify(got.body, got.headers)).toThrow();
    expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({ type: 'consent.requested' });
  });

  it('the full number goes only to an endpoint created with includePhone, and is stored nowhere in clear', async () => {
    await register({ includePhone: true });
    const plain = await startReceiver(() => h.now());
    try {
      const res = await h.app.request(
        '/v1/sites/demo/webhooks',
        json({ url: plain.url, events: ['consent.requested'] }, auth(h)),
      );
      plain.secrets.push(((await res.json()) as { secret: string }).secret);
      await optIn(h);
      await h.flush();
      expect(receiver.accepted()[0]!.data.phone).toBe('+33612345678');
      expect(plain.accepted()).toHaveLength(1);
      expect(plain.accepted()[0]!.data).not.toHaveProperty('phone');
      expect(plain.received[0]!.body).not.toContain('612345678');
      const rows = [
        await h.ctx.store.db.all(sql`SELECT * FROM webhook_deliveries`),
        await h.ctx.store.db.all(sql`SELECT * FROM webhook_endpoints`),
      ];
      expect(rows[0]).toHaveLength(2);
      expect(JSON.stringify(rows)).not.toMatch(/612345678|whsec_/);
    } finally {
      await plain.close();
    }
  });

  it('a rotated secret keeps verifying: both sign for 24 hours, then only the new one', async () => {
    const { id, secret: old } = await register();
    // It takes no body: a broken or unexpected one is refused and rotates nothing.
    const broken = await h.app.request(`/v1/sites/demo/webhooks/${id}/rotate`, {
      method: 'POST',
      headers: { ...auth(h), 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    const extra = await h.app.request(`/v1/sites/demo/webhooks/${id}/rotate`, {
      method: 'POST',
      headers: { ...auth(h), 'content-type': 'application/json' },
      body: '{"secret":"mine"}',
    });
    expect(extra.status).toBe(422);
    expect(((await extra.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('secret');
    const rotated = await h.app.request(`/v1/sites/demo/webhooks/${id}/rotate`, { method: 'POST', headers: auth(h) });
    expect(rotated.status).toBe(200);
    const { secret: fresh, rotating } = (await rotated.json()) as { secret: string; rotating: unknown };
    expect(fresh).not.toBe(old);
    expect(rotating).not.toBeNull();
    receiver.secrets = [old, fresh];
    await optIn(h);
    await h.flush();
    expect(receiver.received[0]!.verified.map((v) => v?.type ?? null)).toEqual([
      'consent.requested',
      'consent.requested',
    ]);
    expect(receiver.received[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    h.advance(24 * 3_600_000 + 1);
    await optIn(h, '06 12 34 56 79');
    await h.flush();
    expect(receiver.received[1]!.verified.map((v) => v?.type ?? null)).toEqual([null, 'consent.requested']);
    expect(receiver.received[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  });

  it('a receiver down for an hour gets everything afterwards, once each, in order', async () => {
    await register();
    receiver.down = true;
    await optInConfirmStop();
    // While down, only the oldest event is tried: a later event of the subscriber never overtakes it.
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).type))).toEqual(new Set(['consent.requested']));
    for (let minute = 0; minute < 60; minute += 5) {
      h.advance(5 * 60_000);
      await h.flush();
    }
    expect(receiver.accepted()).toEqual([]);
    receiver.down = false;
    for (let i = 0; i < 6; i++) {
      h.advance(20 * 60_000);
      await h.flush();
    }
    expect(receiver.accepted().map((p) => p.type)).toEqual([
      'consent.requested',
      'consent.confirmed',
      'consent.withdrawn',
    ]);
    const acceptedIds = receiver.received.filter((r) => r.accepted).map((r) => r.id);
    expect(new Set(acceptedIds).size).toBe(3);
    const list = await h.app.request('/v1/sites/demo/webhooks/deliveries', { headers: auth(h) });
    const { deliveries } = (await list.json()) as { deliveries: { status: string; responseStatus: number }[] };
    expect(deliveries.map((d) => [d.status, d.responseStatus])).toEqual([
      ['delivered', 204],
      ['delivered', 204],
      ['delivered', 204],
    ]);
  });

  it('a receiver down for three days: the delivery is marked failed with its last answer, and can be replayed', async () => {
    await register({ events: ['consent.requested'] });
    receiver.down = true;
    await optIn(h);
    for (let hour = 0; hour <= 73; hour++) {
      await h.flush();
      h.advance(3_600_000);
    }
    await h.flush();
    const list = await h.app.request('/v1/sites/demo/webhooks/deliveries', { headers: auth(h) });
    const [failed] = ((await list.json()) as { deliveries: Record<string, any>[] }).deliveries;
    expect(failed).toMatchObject({ status: 'failed', responseStatus: 503, lastError: 'HTTP 503' });
    const tries = receiver.received.length;
    h.advance(3_600_000);
    await h.flush();
    expect(receiver.received.length).toBe(tries);
    receiver.down = false;
    const replay = await h.app.request(`/v1/sites/demo/webhooks/deliveries/${failed!.seq}/replay`, {
      method: 'POST',
      headers: auth(h),
    });
    expect(replay.status).toBe(202);
    await h.flush();
    expect(receiver.accepted().map((p) => p.type)).toEqual(['consent.requested']);
    expect(receiver.received.at(-1)!.id).toBe(failed!.webhookId);
  });

  it('a decline is a counter only; an erasure is announced without the number', async () => {
    await register({ includePhone: true });
    const w = await h.app.request('/v1/sites/demo/widget?locale=fr');
    const doc = (await w.json()) as { textSha256: string; policy: { version: number } };
    const no = await h.app.request(
      '/v1/sites/demo/consents',
      json({
        phone: '06 12 34 56 70',
        choice: 'no',
        locale: 'fr',
        textSha256: doc.textSha256,
        policyVersion: doc.policy.version,
      }),
    );
    expect(no.status).toBe(204);
    await h.flush();
    expect(receiver.accepted()).toEqual([{ type: 'consent.declined', timestamp: expect.any(String), data: {} }]);
    const res = await optIn(h);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    const subscriberId = (await h.ctx.consents.byId(consentId))!.subjectId;
    expect(
      (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: auth(h) }))
        .status,
    ).toBe(200);
    await h.flush();
    const erased = receiver.accepted().at(-1)!;
    expect(erased).toMatchObject({ type: 'subscriber.erased', data: { consentId, subscriberId, status: 'erased' } });
    expect(erased.data.maskedPhone).toBe('•••');
    expect(erased.data).not.toHaveProperty('phone');
  });
});

describe('expiry and renewal', () => {
  it('an unconfirmed request is announced expired; a material policy change asks each active consent once', async () => {
    await register({ events: ['consent.expired', 'consent.renewal_required'] });
    const pending = (await (await optIn(h)).json()) as { consentId: string };
    h.advance(49 * 3_600_000);
    await h.flush();
    expect(receiver.accepted()).toEqual([
      expect.objectContaining({ type: 'consent.expired', data: expect.objectContaining({ status: 'expired' }) }),
    ]);
    expect(receiver.accepted()[0]!.data.consentId).toBe(pending.consentId);

    const { consentId } = await confirmedConsent(h);
    const publish = async (name: string) => {
      await updateDemo(h, (config) => {
        (config.policy as { recipients: unknown[] }).recipients.push({
          name,
          role: 'processor',
          purpose: { fr: 'mesure les envois', en: 'measures sends' },
          country: { fr: 'France', en: 'France' },
        });
      });
      const res = await h.app.request('/v1/sites/demo/policies', json({ summary: `${name}.` }, auth(h)));
      expect(await res.json()).toMatchObject({ renewalRequired: true });
      await h.flush();
    };
    await publish('Mesures Lumen SAS');
    // A second material change does not ask again a consent already flagged.
    await publish('Archives Nord SARL');
    const renewals = receiver.accepted().filter((p) => p.type === 'consent.renewal_required');
    expect(renewals).toHaveLength(1);
    expect(renewals[0]!.data).toMatchObject({ consentId, status: 'confirmed' });
  });
});

describe('announced only what committed', () => {
  it('two confirmations racing: one wins, one consent.confirmed is queued; the loser wrote none', async () => {
    await register({ events: ['consent.confirmed'] });
    await optIn(h);
    await h.flush();
    const token = linkToken(h, 'c');
    const answers = await Promise.all([
      h.app.request(`/c/${token}`, { method: 'POST' }),
      h.app.request(`/c/${token}`, { method: 'POST' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const rows = await h.ctx.store.db.all<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE type = 'consent.confirmed'`,
    );
    expect(rows[0]!.n).toBe(1);
    await h.flush();
    expect(receiver.accepted().map((p) => p.type)).toEqual(['consent.confirmed']);
  });
});

describe('the webhooks API', () => {
  it('creates with a secret shown once, lists without it, deletes; each refusal names its field', async () => {
    const created = await register({ events: ['consent.confirmed'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await h.app.request('/v1/sites/demo/webhooks', { headers: auth(h) });
    const text = await list.text();
    expect(text).not.toContain(created.secret.slice(6));
    expect(JSON.parse(text).webhooks).toEqual([
      expect.objectContaining({
        id: created.id,
        url: receiver.url,
        events: ['consent.confirmed'],
        includePhone: false,
      }),
    ]);
    const bad = async (body: Record<string, unknown>, path: string) => {
      const res = await h.app.request('/v1/sites/demo/webhooks', json(body, auth(h)));
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    };
    await bad({ url: 'https://10.0.0.1/hook', events: ['consent.confirmed'] }, 'url');
    await bad({ url: 'http://hooks.example.com/x', events: ['consent.confirmed'] }, 'url');
    await bad({ url: 'https://169.254.169.254/latest', events: ['consent.confirmed'] }, 'url');
    await bad({ url: 'https://hooks.example.com/x', events: ['consent.stolen'] }, 'events.0');
    await bad({ url: 'https://hooks.example.com/x', events: [] }, 'events');
    await bad({ url: 'https://hooks.example.com/x', events: ['consent.confirmed'], secret: 'mine' }, 'secret');
    expect((await h.app.request('/v1/sites/demo/webhooks', json({}, {}))).status).toBe(401);
    const del = await h.app.request(`/v1/sites/demo/webhooks/${created.id}`, { method: 'DELETE', headers: auth(h) });
    expect(del.status).toBe(204);
    const again = await h.app.request(`/v1/sites/demo/webhooks/${created.id}`, { method: 'DELETE', headers: auth(h) });
    expect(again.status).toBe(404);
    await optIn(h);
    await h.flush();
    expect(receiver.received).toEqual([]);
  });

  it('the lists take only their documented parameters: another is a 422 naming it', async () => {
    const list = (path: string) => h.app.request(path, { headers: auth(h) });
    expect((await list('/v1/sites/demo/webhooks')).status).toBe(200);
    expect((await list('/v1/sites/demo/webhooks/deliveries?limit=5')).status).toBe(200);
    for (const [path, name] of [
      ['/v1/sites/demo/webhooks?kind=brevo', 'kind'],
      ['/v1/sites/demo/webhooks/deliveries?limt=5', 'limt'],
      ['/v1/sites/demo/webhooks/deliveries?limit=5&phone=%2B33612345678', 'phone'],
    ] as const) {
      const res = await list(path);
      expect(res.status, path).toBe(422);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([name]);
    }
  });

  it("no site reaches another's endpoints", async () => {
    const created = await register();
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
      config: Record<string, unknown>;
    };
    const otherConfig: Record<string, unknown> = { ...config, name: 'Other Shop' };
    delete otherConfig.policy;
    const site = await h.app.request('/v1/sites', json({ id: 'other', config: otherConfig }, admin));
    expect(site.status, await site.clone().text()).toBe(201);
    const other = ((await site.json()) as { apiKey: string }).apiKey;
    {
      const headers = { authorization: `Bearer ${other}` };
      expect(
        (await h.app.request(`/v1/sites/other/webhooks/${created.id}`, { method: 'DELETE', headers })).status,
      ).toBe(404);
      expect((await h.app.request(`/v1/sites/demo/webhooks`, { headers })).status).toBe(403);
    }
    const list = await h.app.request('/v1/sites/demo/webhooks', { headers: auth(h) });
    expect(((await list.json()) as { webhooks: unknown[] }).webhooks).toHaveLength(1);
  });
});

describe('SSRF at send time', () => {
  it('a name that resolves to a private address is refused before any byte is sent, and retried later', async () => {
    const resolving = await makeHarness({
      mode: 'production',
      outbound: { allowLocal: false, resolve: async () => ['10.0.0.5'] },
    });
    try {
      const res = await resolving.app.request(
        '/v1/sites/demo/webhooks',
        json({ url: 'https://hooks.example.com/assent', events: ['consent.requested'] }, auth(resolving)),
      );
      expect(res.status).toBe(201);
      // Local callbacks are refused in production even when written so.
      const local = await resolving.app.request(
        '/v1/sites/demo/webhooks',
        json({ url: 'http://127.0.0.1:9/x', events: ['consent.requested'] }, auth(resolving)),
      );
      expect(local.status).toBe(422);
      expect((await optIn(resolving)).status).toBe(202);
      const calls: string[] = [];
      const spy = (async (input: RequestInfo | URL) => {
        calls.push(String(input));
        return new Response(null, { status: 204 });
      }) as typeof fetch;
      const report = await deliverWebhooks(resolving.ctx, { fetch: spy });
      expect(calls).toEqual([]);
      expect(report).toEqual({ delivered: 0, retried: 1, failed: 0 });
      const list = await resolving.app.request('/v1/sites/demo/webhooks/deliveries', { headers: auth(resolving) });
      const [d] = ((await list.json()) as { deliveries: Record<string, any>[] }).deliveries;
      expect(d).toMatchObject({ status: 'queued', responseStatus: null });
      expect(d!.lastError).toMatch(/^refused: hooks\.example\.com resolves to 10\.0\.0\.5/);
    } finally {
      await resolving.close();
    }
  });
});
