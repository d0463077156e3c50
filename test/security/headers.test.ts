// Response headers that protect visitors and caches: HSTS in production only, a client's X-Request-Id accepted only
// as a short safe token, and Vary naming every request header a response body was chosen by.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../worker/logger.ts';
import { linkToken, makeHarness, pendingConsent, widgetFor, type Harness } from '../harness.ts';

const HSTS = 'max-age=63072000; includeSubDomains';

describe('Strict-Transport-Security', () => {
  it('production sends it on every answer (pages, JSON, scripts, errors); dev mode never', async () => {
    const prod = await makeHarness({ mode: 'production' });
    const dev = await makeHarness({ mode: 'dev' });
    try {
      const paths = [
        '/healthz',
        '/widget.js',
        '/v1/sites/demo/widget',
        '/s/demo',
        '/p/demo',
        '/openapi.json',
        '/nowhere',
        '/v1/sites/demo',
      ];
      for (const path of paths) {
        const res = await prod.app.request(path);
        expect(res.headers.get('strict-transport-security'), path).toBe(HSTS);
        expect((await dev.app.request(path)).headers.get('strict-transport-security'), path).toBeNull();
      }
      const bad = await prod.app.request('/v1/sites/demo/consents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('strict-transport-security')).toBe(HSTS);
      // Only this header is added: the widget script keeps its cross-origin resource policy.
      expect((await prod.app.request('/widget.js')).headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    } finally {
      await prod.close();
      await dev.close();
    }
  });
});

describe('X-Request-Id', () => {
  it('a short safe token is kept (echoed and logged); anything else is replaced, never echoed nor logged', async () => {
    const lines: string[] = [];
    const keep = (msg: string, fields?: object) => lines.push(JSON.stringify({ msg, ...fields }));
    const logger: Logger = { info: keep, warn: keep, error: keep };
    const h = await makeHarness({ logger });
    try {
      const echo = async (id: string) =>
        (await h.app.request('/healthz', { headers: { 'x-request-id': id } })).headers.get('x-request-id');
      for (const ok of ['abc-123_XYZ', 'a'.repeat(64), 'trace=42']) expect(await echo(ok)).toBe(ok);
      const hostile = [
        'a'.repeat(65),
        'has space',
        '<script>alert(1)</script>',
        '../../etc/passwd',
        'x\u00e9',
        '{"json":1}',
        '%0d%0aSet-Cookie:x',
        '+33612345678 sms',
      ];
      for (const bad of hostile) {
        const got = await echo(bad);
        expect(got, bad).not.toBe(bad);
        expect(got).toMatch(/^[0-9a-f-]{36}$/);
      }
      const logged = lines.join('\n');
      for (const bad of hostile) expect(logged).not.toContain(JSON.stringify(bad).slice(1, -1));
      expect(logged).toContain('"requestId":"abc-123_XYZ"');
    } finally {
      await h.close();
    }
  });
});

describe('Vary on every negotiated response', () => {
  let h: Harness;
  let urls: Record<string, string>;
  beforeAll(async () => {
    h = await makeHarness();
    const consentId = await pendingConsent(h);
    await h.flush();
    const proof = (await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json()) as { log: { entries: { index: number }[] } };
    const leafIndex = proof.log.entries[0]!.index;
    const token = linkToken(h, 'c');
    const published = await h.app.request('/v1/sites/demo/policies', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'Second version' }),
    });
    const to = published.status === 201 ? 2 : 1;
    const { textSha256 } = await widgetFor(h);
    const pinned = new URL(((await (await h.app.request('/widget.json')).json()) as { src: string }).src).pathname;
    // One concrete URL per public GET route of the API description.
    urls = {
      '/widget.js': '/widget.js',
      '/widget.json': '/widget.json',
      '/widget-{hash}.js': pinned,
      '/assets/proof-check.js': '/assets/proof-check.js',
      '/openapi.json': '/openapi.json',
      '/docs': '/docs',
      '/console': '/console',
      '/v1/sites/{site}/widget': '/v1/sites/demo/widget',
      '/v1/sites/{site}/widget/texts/{sha256}': `/v1/sites/demo/widget/texts/${textSha256}`,
      '/s/{site}': '/s/demo',
      '/c/{token}': `/c/${token}`,
      '/u/{token}': `/u/${'x'.repeat(43)}`,
      '/r/{token}': `/r/${'x'.repeat(43)}`,
      '/p/{site}': '/p/demo',
      '/p/{site}/{version}': '/p/demo/1',
      '/p/{site}/versions': '/p/demo/versions',
      '/p/{site}/diff/{from}/{to}': `/p/demo/diff/1/${to}`,
      '/proofs/{proofId}': `/proofs/${consentId}`,
      '/proofs/{proofId}/evidence': `/proofs/${consentId}/evidence`,
      '/verify.mjs': '/verify.mjs',
      '/.well-known/jwks.json': '/.well-known/jwks.json',
      '/v1/sites/{site}/log': '/v1/sites/demo/log',
      '/v1/sites/{site}/log/checkpoint': '/v1/sites/demo/log/checkpoint',
      '/v1/sites/{site}/log/consistency': '/v1/sites/demo/log/consistency?from=1&to=1',
      '/log/{site}/checkpoint': '/log/demo/checkpoint',
      '/log/{site}/tile/{tile}': '/log/demo/tile/0/000.p/1',
      '/log/{site}/tile/entries/{index}': '/log/demo/tile/entries/000.p/1',
      '/healthz': '/healthz',
      '/proofs/{proofId}/tlog-proof': `/proofs/${consentId}/tlog-proof?index=${leafIndex}`,
      '/witness': '/witness',
      '/witness/{originHash}/checkpoint': `/witness/${'0'.repeat(64)}/checkpoint`,
    };
  });
  afterAll(() => h.close());

  it('every public GET route is tried', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const publicGets = Object.entries(doc.paths)
      .filter(
        ([path, ops]) =>
          ops.get &&
          !path.startsWith('/v1/sites/{site}/subscribers') &&
          !path.startsWith('/v1/sites/{site}/webhooks') &&
          !path.startsWith('/v1/sites/{site}/renewals') &&
          // A provider's delivery report (OVHcloud's, in the query string), behind the site's path token: not a page.
          !path.startsWith('/v1/sites/{site}/delivery/') &&
          !path.startsWith('/v1/sites/{site}/campaigns') &&
          path !== '/v1/sites/{site}/queue' &&
          !/^\/v1\/sites(\/\{site\})?(\/keys)?$/.test(path),
      )
      .map(([path]) => path);
    expect(publicGets.filter((p) => !(p in urls))).toEqual([]);
  });

  const variants: [string, Record<string, string>, Record<string, string>][] = [
    ['Accept-Language', { 'accept-language': 'fr-FR,fr;q=0.9' }, { 'accept-language': 'en-GB,en;q=0.9' }],
    ['Accept', { accept: 'text/html' }, { accept: 'application/json' }],
  ];

  it('a body that changes with Accept or Accept-Language names that header in Vary', async () => {
    const negotiated: string[] = [];
    for (const [route, url] of Object.entries(urls)) {
      for (const [header, a, b] of variants) {
        const [ra, rb] = [await h.app.request(url, { headers: a }), await h.app.request(url, { headers: b })];
        const [ta, tb] = [await ra.text(), await rb.text()];
        // A route this harness does not serve (the witness role is off) answers a 404 problem with its own request id.
        if (ra.status === 404 && rb.status === 404) continue;
        const strip = (t: string) => t.replace(/nonce-[^'"]+|nonce="[^"]+"|"formToken" value="[^"]+"/g, '');
        if (strip(ta) === strip(tb) && ra.headers.get('content-type') === rb.headers.get('content-type')) continue;
        negotiated.push(`${route} ${header}`);
        for (const res of [ra, rb]) {
          const vary = (res.headers.get('vary') ?? '').toLowerCase().split(/\s*,\s*/);
          expect(vary, `${route}: Vary must name ${header}`).toContain(header.toLowerCase());
        }
      }
    }
    // The ones the issue named are among them: the diff page follows the visitor's language.
    expect(negotiated).toEqual(
      expect.arrayContaining([
        '/p/{site}/diff/{from}/{to} Accept-Language',
        '/p/{site} Accept-Language',
        '/p/{site} Accept',
        '/proofs/{proofId} Accept',
        '/v1/sites/{site}/widget Accept-Language',
        '/s/{site} Accept-Language',
      ]),
    );
  });

  it('the year-long cached diff page carries Vary: Accept-Language', async () => {
    const res = await h.app.request(urls['/p/{site}/diff/{from}/{to}']!, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000/);
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
  });
});
