// Site administration and keys: 401/403 on every admin route, keys per site, config validation naming the field,
// secrets redacted on GET and kept when a PUT sends the redaction back, GET → PUT round trips, the admin-only
// provider base URL, and provider switches the published policy must cover.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { openConfig } from '../../worker/domain/site/secrets.ts';
import { forgetSite, loadSite } from '../../worker/domain/site/sites.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { expectProblem } from '../assertions.ts';

const GATE = '/v1/sites/demo/subscribers/lookup';
const LOOKUP = JSON.stringify({ phone: '+33612345678' });
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const TWILIO = {
  provider: 'twilio',
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'twilio-auth-token-secret-1',
  from: '+447700900000',
};

/** The demo's facts plus the providers these tests switch to, so the policy names whoever receives numbers. */
const PROVIDER_FACTS = {
  ...demoSiteConfig.policy!,
  recipients: [
    ...demoSiteConfig.policy!.recipients,
    {
      name: 'Twilio Inc.',
      role: 'processor' as const,
      purpose: { fr: 'envoie nos SMS', en: 'sends our texts' },
      country: 'US',
    },
    {
      name: 'Hooks Relay',
      role: 'processor' as const,
      purpose: { fr: 'envoie nos SMS', en: 'sends our texts' },
      country: 'France',
    },
  ],
  transfers: [
    {
      country: 'US',
      safeguard: 'adequacy' as const,
      details: { fr: 'Cadre UE–États-Unis.', en: 'EU–US Data Privacy Framework.' },
    },
  ],
};

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const raw = (path: string, method: string, body: string | undefined, headers: Record<string, string>) =>
  h.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });

describe('keys', () => {
  const routes = (body: string) =>
    [
      ['GET', '/v1/sites/demo', undefined],
      ['PUT', '/v1/sites/demo', body],
      ['POST', GATE, LOOKUP],
    ] as const;

  it('no key is a 401 with WWW-Authenticate; a wrong or malformed one a 403 or 401', async () => {
    const body = JSON.stringify(demoSiteConfig);
    for (const [method, path, payload] of [
      ...routes(body),
      ['POST', '/v1/sites', JSON.stringify({ id: 'x', config: demoSiteConfig })] as const,
    ]) {
      const none = await raw(path, method, payload, { 'content-type': 'application/json' });
      await expectProblem(none, 401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      await expectProblem(
        await raw(path, method, payload, { 'content-type': 'application/json', authorization: 'Basic YTpi' }),
        401,
      );
      await expectProblem(
        await raw(path, method, payload, { 'content-type': 'application/json', authorization: 'Bearer' }),
        401,
      );
      await expectProblem(
        await raw(path, method, payload, { 'content-type': 'application/json', authorization: 'Bearer ask_wrong-key' }),
        403,
      );
      await expectProblem(
        await raw(path, method, payload, {
          'content-type': 'application/json',
          authorization: `Bearer ${ADMIN_TOKEN}x`,
        }),
        403,
      );
    }
  });

  it('a site key cannot create sites', async () => {
    await expectProblem(
      await h.app.request(
        '/v1/sites',
        json({ id: 'other', config: demoSiteConfig }, { authorization: `Bearer ${h.demoKey}` }),
      ),
      403,
    );
    expect(await h.ctx.sites.get('other')).toBeNull();
  });

  it('the admin on an unknown site gets a 404; a site key on it a 403', async () => {
    await expectProblem(await h.app.request('/v1/sites/nope', { headers: admin }), 404);
    await expectProblem(
      await h.app.request('/v1/sites/nope/subscribers/lookup', json({ phone: '0612345678' }, admin)),
      404,
    );
    await expectProblem(
      await h.app.request('/v1/sites/nope', { headers: { authorization: `Bearer ${h.demoKey}` } }),
      403,
    );
  });
});

describe('site administration', () => {
  async function createOther(sms: Record<string, unknown> = TWILIO) {
    const config = { ...demoSiteConfig, name: 'Other', policy: PROVIDER_FACTS, sms };
    const res = await h.app.request('/v1/sites', json({ id: 'other', config }, admin));
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; apiKey: string; config: { sms: Record<string, unknown> } };
  }

  it('POST /v1/sites creates a site and shows its key once; the key works on its own site only', async () => {
    const created = await createOther();
    expect(created.id).toBe('other');
    expect(created.apiKey).toMatch(/^ask_[A-Za-z0-9_-]{43}$/);
    expect(created.config.sms.authToken).toBe('••••••');
    // Stored hashed: the key itself is nowhere in the database.
    const keys = await h.ctx.store.queryColumn("SELECT key_hash FROM api_keys WHERE site_id = 'other'");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[0]).not.toContain(created.apiKey);

    const own = { authorization: `Bearer ${created.apiKey}` };
    const got = await h.app.request('/v1/sites/other', { headers: own });
    expect(got.status).toBe(200);
    const body = (await got.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('apiKey');
    expect(JSON.stringify(body)).not.toContain(created.apiKey);
    expect((await h.app.request('/v1/sites/other/subscribers/lookup', json({ phone: '0612345678' }, own))).status).toBe(
      200,
    );

    await expectProblem(await h.app.request('/v1/sites/demo', { headers: own }), 403);
    await expectProblem(await h.app.request(GATE, json({ phone: '0612345678' }, own)), 403);
    await expectProblem(
      await h.app.request('/v1/sites/other', { headers: { authorization: `Bearer ${h.demoKey}` } }),
      403,
    );
    const put = await h.app.request('/v1/sites/demo', { ...json(demoSiteConfig, own), method: 'PUT' });
    await expectProblem(put, 403);
  });

  it('POST /v1/sites refuses a bad id, a missing or bad config, and a duplicate', async () => {
    await expectProblem(
      await h.app.request('/v1/sites', json({ id: 'Bad Id!', config: demoSiteConfig }, admin)),
      422,
      'id',
    );
    await expectProblem(await h.app.request('/v1/sites', json({ id: 'other' }, admin)), 422, 'config');
    await expectProblem(
      await h.app.request(
        '/v1/sites',
        json({ id: 'other', config: { ...demoSiteConfig, sms: { ...TWILIO, accountSid: 'nope' } } }, admin),
      ),
      422,
      'config.sms.accountSid',
    );
    await expectProblem(await h.app.request('/v1/sites', json({ id: 'demo', config: demoSiteConfig }, admin)), 409);
    await expectProblem(
      await raw('/v1/sites', 'POST', '{"id":', { ...admin, 'content-type': 'application/json' }),
      400,
    );
    await expectProblem(await raw('/v1/sites', 'POST', 'id=x', { ...admin, 'content-type': 'text/plain' }), 415);
    expect(await h.ctx.sites.get('other')).toBeNull();
  });

  it('a country code no numbering plan knows (ZZ) is refused naming the field, on create and on PUT; the site is unchanged', async () => {
    await expectProblem(
      await h.app.request(
        '/v1/sites',
        json({ id: 'other', config: { ...demoSiteConfig, defaultCountry: 'ZZ' } }, admin),
      ),
      422,
      'config.defaultCountry',
    );
    const put = (config: object) => h.app.request('/v1/sites/demo', { ...json(config, admin), method: 'PUT' });
    await expectProblem(await put({ ...demoSiteConfig, allowedCountries: ['FR', 'XX'] }), 422, 'allowedCountries.1');
    const gate = await h.app.request(GATE, json({ phone: '06 12 34 56 78' }, admin));
    expect(gate.status, 'a national number still reads in the site country').toBe(200);
  });

  it('GET shows secrets redacted; a PUT sending the redaction back keeps the stored secret; a new one replaces it', async () => {
    const created = await createOther();
    const own = { authorization: `Bearer ${created.apiKey}` };
    const shown = (await (await h.app.request('/v1/sites/other', { headers: own })).json()) as {
      config: Record<string, unknown>;
    };
    expect(shown.config.sms).toEqual({ ...TWILIO, authToken: '••••••' });
    expect(JSON.stringify(shown)).not.toContain(TWILIO.authToken);

    const renamed = { ...shown.config, name: 'Other Shop' };
    const put = await h.app.request('/v1/sites/other', { ...json(renamed, own), method: 'PUT' });
    expect(put.status).toBe(200);
    expect(JSON.stringify(await put.json())).not.toContain(TWILIO.authToken);
    const storedRow = (await h.ctx.sites.get('other'))!.config;
    expect(storedRow).not.toContain(TWILIO.authToken);
    const stored = (await openConfig(h.deps.sealer, 'other', storedRow)).config as { name: string; sms: typeof TWILIO };
    expect(stored.name).toBe('Other Shop');
    expect(stored.sms.authToken).toBe(TWILIO.authToken);

    const rotated = { ...renamed, sms: { ...TWILIO, authToken: 'a-brand-new-token-42' } };
    expect((await h.app.request('/v1/sites/other', { ...json(rotated, own), method: 'PUT' })).status).toBe(200);
    const rotatedRow = (await h.ctx.sites.get('other'))!.config;
    expect(rotatedRow).not.toContain('a-brand-new-token-42');
    expect(
      ((await openConfig(h.deps.sealer, 'other', rotatedRow)).config as { sms: typeof TWILIO }).sms.authToken,
    ).toBe('a-brand-new-token-42');
  });

  it('a webhook secret is redacted and kept the same way', async () => {
    const sms = { provider: 'webhook', url: 'https://api.hooksrelay.fr/sms', secret: 'webhook-secret-0123456789' };
    const created = await createOther(sms);
    expect(created.config.sms).toEqual({ ...sms, secret: '••••••' });
    const own = { authorization: `Bearer ${created.apiKey}` };
    const put = await h.app.request('/v1/sites/other', {
      ...json({ ...demoSiteConfig, policy: PROVIDER_FACTS, sms: { ...sms, secret: '••••••' } }, own),
      method: 'PUT',
    });
    expect(put.status).toBe(200);
    const row = (await h.ctx.sites.get('other'))!.config;
    expect(row).not.toContain(sms.secret);
    expect(((await openConfig(h.deps.sealer, 'other', row)).config as { sms: typeof sms }).sms.secret).toBe(sms.secret);
  });

  it.each([
    ['sms.accountSid', { policy: PROVIDER_FACTS, sms: { ...TWILIO, accountSid: 'AC123' } }],
    ['sms.from', { policy: PROVIDER_FACTS, sms: { ...TWILIO, from: undefined } }],
    ['sms.secret', { sms: { provider: 'webhook', url: 'https://hooks.example', secret: 'short' } }],
    ['sms.provider', { sms: { provider: 'carrier-pigeon' } }],
    ['defaultLocale', { defaultLocale: 'de' }],
    ['defaultCountry', { defaultCountry: 'france' }],
    ['locales', { locales: [] }],
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['allowedOrigins.0', { allowedOrigins: ['javascript:alert(1)'] }],
    ['name', { name: '' }],
    ['program.description.en', { program: { ...demoSiteConfig.program, description: { fr: 'offres' } } }],
    ['pendingTtlHours', { pendingTtlHours: 0 }],
  ])('PUT with a bad config is a 422 naming %s, and nothing changes', async (path, patch) => {
    const before = (await h.ctx.sites.get('demo'))!.config;
    const res = await h.app.request('/v1/sites/demo', {
      ...json({ ...demoSiteConfig, ...patch }, admin),
      method: 'PUT',
    });
    await expectProblem(res, 422, path);
    expect((await h.ctx.sites.get('demo'))!.config).toBe(before);
  });

  it('PUT with malformed JSON, a wrong type or an oversize body', async () => {
    const headers = { ...admin, 'content-type': 'application/json' };
    await expectProblem(await raw('/v1/sites/demo', 'PUT', '{', headers), 400);
    await expectProblem(await raw('/v1/sites/demo', 'PUT', '[]', headers), 422, '(body)');
    await expectProblem(await raw('/v1/sites/demo', 'PUT', '{}', { ...admin, 'content-type': 'text/plain' }), 415);
    await expectProblem(await raw('/v1/sites/demo', 'PUT', JSON.stringify({ name: 'x'.repeat(20_000) }), headers), 413);
  });
});

describe('round trip and provider rules', () => {
  const own = () => ({ authorization: `Bearer ${h.demoKey}` });
  const get = async () =>
    (await (await h.app.request('/v1/sites/demo', { headers: own() })).json()) as {
      id: string;
      config: Record<string, unknown>;
    };
  const putDemo = (body: unknown, headers = own()) =>
    h.app.request('/v1/sites/demo', { ...json(body, headers), method: 'PUT' });

  it('GET → PUT of the same body → GET gives the same answer, with {id, config} or the bare config; secrets kept', async () => {
    expect((await putDemo({ ...demoSiteConfig, inboundSecret: 'inbound-secret-0123456789' })).status).toBe(200);
    const first = await get();
    expect(first.config.inboundSecret).toBe('••••••');
    const put = await putDemo(first);
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual(first);
    expect(await get()).toEqual(first);
    expect((await putDemo(first.config)).status).toBe(200);
    expect(await get()).toEqual(first);
    expect((await loadSiteFresh()).config.inboundSecret).toBe('inbound-secret-0123456789');
  });

  it('a PUT of {id, config} names a wrong id or a stray key', async () => {
    const { config } = await get();
    await expectProblem(await putDemo({ id: 'other', config }), 422, 'id');
    await expectProblem(await putDemo({ id: 'demo', config, extra: 1 }), 422, 'extra');
    await expectProblem(await putDemo({ id: 'demo', config: 'x' }), 422, 'config');
  });

  it('sms.apiBaseUrl: a site key that sets, changes or removes it gets a 403 naming it; the admin may; sending it back unchanged is fine', async () => {
    const twilio = { ...TWILIO, apiBaseUrl: 'https://api.eu-edge.twilio.com' };
    const config = { ...demoSiteConfig, policy: PROVIDER_FACTS };
    const before = (await h.ctx.sites.get('demo'))!.config;
    const refused = await expectProblem(await putDemo({ ...config, sms: twilio }), 403, 'sms.apiBaseUrl');
    expect(refused.detail).toMatch(/platform admin/);
    expect((await h.ctx.sites.get('demo'))!.config).toBe(before);
    // The provider switch itself needs a published policy naming Twilio first.
    expect((await putDemo(config)).status).toBe(200);
    expect(
      (await h.app.request('/v1/sites/demo/policies', json({ summary: 'Twilio sends our texts.' }, own()))).status,
    ).toBe(201);
    expect((await putDemo({ ...config, sms: twilio }, admin)).status).toBe(200);
    const shown = await get();
    expect((await putDemo(shown)).status).toBe(200);
    await expectProblem(
      await putDemo({
        ...shown.config,
        sms: { ...twilio, authToken: '••••••', apiBaseUrl: 'https://api.us-edge.twilio.com' },
      }),
      403,
      'sms.apiBaseUrl',
    );
    // Removing it (the provider's default host, another region) is a change too; switching providers drops it.
    const { apiBaseUrl: _pinned, ...unpinned } = shown.config.sms as Record<string, unknown>;
    await expectProblem(await putDemo({ ...shown.config, sms: unpinned }), 403, 'sms.apiBaseUrl');
    expect(((await get()).config.sms as Record<string, unknown>).apiBaseUrl).toBe('https://api.eu-edge.twilio.com');
    expect((await putDemo({ ...shown.config, sms: { provider: 'console' } })).status).toBe(200);
  });

  it('switching to a provider the published policy does not name is refused naming sms.provider, even when the new facts name it', async () => {
    const put = await putDemo({ ...demoSiteConfig, policy: PROVIDER_FACTS, sms: TWILIO });
    const body = await expectProblem(put, 422, 'sms.provider');
    expect(body.errors![0]!.message).toMatch(/published policy \(version 1\).*Twilio/);
    // Facts that do not name the provider are refused at once, naming the recipients.
    await expectProblem(await putDemo({ ...demoSiteConfig, sms: TWILIO }), 422, 'policy.recipients');
    // A provider outside the EEA needs a transfer entry for its country.
    const noTransfer = { ...PROVIDER_FACTS, transfers: { none: true } };
    await expectProblem(await putDemo({ ...demoSiteConfig, policy: noTransfer, sms: TWILIO }), 422, 'policy.transfers');
  });
});

async function loadSiteFresh() {
  forgetSite(h.ctx, 'demo');
  return loadSite(h.ctx, 'demo');
}
