// CORS only for a site's allowed origins: echoed origin + Vary on browser-facing routes, 403 for foreign writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { ADMIN_TOKEN, json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { count, expectProblem } from '../assertions.ts';

const ALLOWED = [
  'http://localhost:3000',
  'http://localhost:8787',
  'http://localhost',
  'http://127.0.0.1:5173',
  'https://assent.test',
];
const FOREIGN = [
  'https://evil.example',
  'http://localhost.evil.example',
  'http://localhost:3000.evil.example',
  'http://evil.localhost:3000',
  'https://localhost:3000',
  'http://127.0.0.2:3000',
  'http://127.0.0.1.nip.io:3000',
  'null',
  'http://localhost:3000/',
  'https://assent.test.evil.example',
];

let h: Harness;
let w: { textSha256: string; policyVersion: number; locale: string };
beforeEach(async () => {
  h = await makeHarness();
  w = await widgetFor(h);
});
afterEach(async () => h.close());

const vary = (res: Response) => (res.headers.get('vary') ?? '').split(/\s*,\s*/).map((v) => v.toLowerCase());
const submit = (origin: string, choice = 'yes', phone = '06 12 34 56 78') =>
  h.app.request('/v1/sites/demo/consents', json({ phone, choice, ...w }, { origin }));

describe('allowed origins', () => {
  it.each(ALLOWED)(
    '%s reads the public widget document, told originAllowed: true, with Vary: Origin',
    async (origin) => {
      const res = await h.app.request('/v1/sites/demo/widget?locale=fr', { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(vary(res)).toContain('origin');
      expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(await res.json()).toMatchObject({ site: 'demo', originAllowed: true });
    },
  );

  it('a consent from an allowed origin is accepted (202) with the origin echoed', async () => {
    const res = await submit('http://localhost:3000');
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(vary(res)).toContain('origin');
    expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(1);
  });

  it('a preflight from an allowed origin is a 204 naming the method and Content-Type', async () => {
    const res = await h.app.request('/v1/sites/demo/consents', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(vary(res)).toContain('origin');
    const widget = await h.app.request('/v1/sites/demo/widget', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000' },
    });
    expect(widget.status).toBe(204);
    expect(widget.headers.get('access-control-allow-methods')).toBe('GET');
  });

  it('an error answered to an allowed origin still carries the CORS headers, so the widget can read it', async () => {
    const res = await submit('http://localhost:3000', 'yes', '01 23 45 67 89');
    await expectProblem(res.clone(), 422, 'phone');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(vary(res)).toContain('origin');
  });
});

describe('foreign origins', () => {
  it.each(FOREIGN)(
    '%s may read the public widget document, which says originAllowed: false and why',
    async (origin) => {
      const res = await h.app.request('/v1/sites/demo/widget?locale=fr', { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(vary(res)).toContain('origin');
      const doc = (await res.json()) as { originAllowed: boolean; error: { code: string; message: string } };
      expect(doc.originAllowed).toBe(false);
      expect(doc.error.code).toBe('origin_not_allowed');
      expect(doc.error.message).toContain(origin);
      expect(doc.error.message).toContain('"demo"');
    },
  );

  it.each(FOREIGN)('%s is refused a consent POST with a 403 problem, and nothing is stored', async (origin) => {
    const declinesBefore = (await h.ctx.sites.get('demo'))!.declines;
    const yes = await submit(origin, 'yes');
    const body = await expectProblem(yes, 403, 'Origin');
    expect(body.type).toBe('https://assent.dev/problems/origin-not-allowed');
    expect(yes.headers.get('access-control-allow-origin')).toBeNull();
    await expectProblem(await submit(origin, 'no'), 403, 'Origin');
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(0);
    expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(0);
    expect(await count(h, 'SELECT COUNT(*) FROM outbox')).toBe(0);
    expect((await h.ctx.sites.get('demo'))!.declines).toBe(declinesBefore);
  });

  it.each(FOREIGN)('%s gets a 403 on preflight with no CORS headers', async (origin) => {
    const res = await h.app.request('/v1/sites/demo/consents', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('a preflight without an Origin is refused', async () => {
    expect((await h.app.request('/v1/sites/demo/consents', { method: 'OPTIONS' })).status).toBe(403);
  });

  it('without an Origin (server to server) a consent is accepted and no CORS header is sent', async () => {
    const res = await h.app.request('/v1/sites/demo/consents', json({ phone: '06 12 34 56 78', choice: 'yes', ...w }));
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(vary(res)).toContain('origin');
  });
});

describe('per site', () => {
  async function createShop(allowedOrigins: string[]) {
    const res = await h.app.request(
      '/v1/sites',
      json(
        { id: 'shop', config: { ...demoSiteConfig, name: 'Shop', allowedOrigins } },
        { authorization: `Bearer ${ADMIN_TOKEN}` },
      ),
    );
    expect(res.status).toBe(201);
  }
  const preflight = (origin: string) =>
    h.app.request('/v1/sites/shop/consents', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });

  it('a site allows only its own patterns: a subdomain wildcard matches subdomains, not the bare domain or another scheme', async () => {
    await createShop(['https://*.shop.example']);
    expect((await preflight('https://www.shop.example')).status).toBe(204);
    expect((await preflight('https://eu.shop.example')).status).toBe(204);
    expect((await preflight('https://shop.example')).status).toBe(403);
    expect((await preflight('http://www.shop.example')).status).toBe(403);
    expect((await preflight('https://www.shop.example.evil.example')).status).toBe(403);
    expect((await preflight('https://evilshop.example')).status).toBe(403);
    // The demo's localhost allowance does not leak to another site.
    expect((await preflight('http://localhost:3000')).status).toBe(403);
  });

  it('a site with no allowed origins accepts no browser origin but its own host', async () => {
    await createShop([]);
    expect((await preflight('http://localhost:3000')).status).toBe(403);
    expect((await preflight('https://assent.test')).status).toBe(204);
  });
});

describe('routes that are not browser-facing', () => {
  it('admin routes and link pages never grant CORS, even to an allowed origin', async () => {
    const origin = 'http://localhost:3000';
    const admin = await h.app.request('/v1/sites/demo', { headers: { origin, authorization: `Bearer ${h.demoKey}` } });
    expect(admin.status).toBe(200);
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    const gate = await h.app.request('/v1/sites/demo/subscribers/lookup', {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${h.demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '0612345678' }),
    });
    expect(gate.status).toBe(200);
    expect(gate.headers.get('access-control-allow-origin')).toBeNull();
    const page = await h.app.request(`/c/${'A'.repeat(43)}`, { headers: { origin } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('public documents', () => {
  const origin = 'https://evil.example';

  it('proofs, keys, the log, policies and the API description are readable from any page, a missing one too', async () => {
    for (const path of [
      '/.well-known/jwks.json',
      '/v1/sites/demo/log',
      '/v1/sites/demo/log/checkpoint',
      '/log/demo/checkpoint',
      '/p/demo/1?format=json',
      '/p/demo/versions',
      '/openapi.json',
      '/widget.json',
      '/verify.mjs',
    ]) {
      const res = await h.app.request(path, { headers: { origin } });
      expect([path, res.status, res.headers.get('access-control-allow-origin')]).toEqual([path, 200, '*']);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const missing = await h.app.request('/proofs/AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { origin, accept: 'application/json' },
    });
    await expectProblem(missing.clone(), 404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a preflight for a public document is a 204 for GET; the proof match check is not public', async () => {
    const pre = await h.app.request('/v1/sites/demo/log', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
    const match = await h.app.request(
      '/proofs/AAAAAAAAAAAAAAAAAAAAAA/match',
      json({ phone: '0612345678' }, { origin }),
    );
    expect(match.headers.get('access-control-allow-origin')).toBeNull();
  });
});
