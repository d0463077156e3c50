// /p/{site}/versions and /p/{site}/diff/{from}/{to}: pages for people in a browser, JSON for clients that ask
// (Accept: application/json or ?format=json); clients that state no preference keep the answer they had.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
beforeAll(async () => {
  h = await makeHarness();
  const body = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as {
    config: Record<string, any>;
  };
  body.config.name = 'Boutique Lune';
  body.config.program.frequency = { fr: '2 SMS par mois au plus', en: 'up to 2 texts a month' };
  expect((await h.app.request('/v1/sites/demo', { ...json(body.config, auth), method: 'PUT' })).status).toBe(200);
  const pub = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Fewer texts.' }, auth));
  expect(pub.status).toBe(201);
});
afterAll(() => h.close());

it('the version list is a page in a browser, naming the site, linking each version and each diff', async () => {
  const res = await h.app.request('/p/demo/versions', { headers: { ...BROWSER, 'accept-language': 'fr' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.headers.get('vary')).toMatch(/Accept/);
  const html = await res.text();
  expect(html).toContain('lang="fr"');
  expect(html).toContain('Boutique Lune\u00a0: toutes les versions');
  expect(html).toContain('href="/p/demo/2?locale=fr"');
  expect(html).toContain('href="/p/demo/1?locale=fr"');
  expect(html).toContain('href="/p/demo/diff/1/2?locale=fr"');
  expect(html).toContain('Fewer texts.');
  expect(html).not.toMatch(/"versions":/);
});

it('the version list stays JSON for clients: no Accept, Accept: application/json, ?format=json', async () => {
  for (const init of [{}, { headers: { accept: 'application/json' } }, { headers: BROWSER }]) {
    const url = 'headers' in init && init.headers === BROWSER ? '/p/demo/versions?format=json' : '/p/demo/versions';
    const res = await h.app.request(url, init);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { site: string; versions: { version: number }[] };
    expect(body.site).toBe('demo');
    expect(body.versions.map((v) => v.version).sort()).toEqual([1, 2]);
  }
  const bad = await h.app.request('/p/demo/versions?format=xml');
  expect(bad.status).toBe(422);
  expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('format');
});

it('the diff is HTML by default and JSON on request, naming the changed section', async () => {
  const page = await h.app.request('/p/demo/diff/1/2?locale=en', { headers: BROWSER });
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toContain('<ins>');
  for (const [url, init] of [
    ['/p/demo/diff/1/2?locale=en', { headers: { accept: 'application/json' } }],
    ['/p/demo/diff/1/2?locale=en&format=json', { headers: BROWSER }],
  ] as const) {
    const res = await h.app.request(url, init);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { from: number; to: number; locale: string; changes: { kind: string }[] };
    expect(body).toMatchObject({ from: 1, to: 2, locale: 'en' });
    expect(body.changes.some((c) => c.kind === 'changed')).toBe(true);
  }
});
