// Small things a site owner meets first: /console/ opens the console, an origin pasted with its trailing slash is the
// origin (API and console alike), and a refused origins form keeps what was typed.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

it('/console/ redirects to /console', async () => {
  h = await makeHarness();
  const res = await h.app.request('/console/');
  expect(res.status).toBe(301);
  expect(res.headers.get('location')).toBe('/console');
});

it('an origin with a trailing slash is stored without it, through the API and the console', async () => {
  h = await makeHarness();
  const body = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as {
    config: Record<string, any>;
  };
  body.config.allowedOrigins = ['https://shop.example/'];
  const put = await h.app.request('/v1/sites/demo', { ...json(body.config, auth), method: 'PUT' });
  expect(put.status).toBe(200);
  expect(((await put.json()) as { config: { allowedOrigins: string[] } }).config.allowedOrigins).toEqual([
    'https://shop.example',
  ]);
  const owner = await signIn(h);
  const saved = await owner.post('/console/settings/origins', { origins: 'https://a.example/\nhttp://localhost:*' });
  expect(saved.status).toBe(303);
  const cfg = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as {
    config: { allowedOrigins: string[] };
  };
  expect(cfg.config.allowedOrigins).toEqual(['https://a.example', 'http://localhost:*']);
  // A path is not an origin: still refused.
  body.config.allowedOrigins = ['https://shop.example/shop/'];
  expect((await h.app.request('/v1/sites/demo', { ...json(body.config, auth), method: 'PUT' })).status).toBe(422);
});

it('a refused origins form shows the error and keeps every line typed', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const typed = 'https://good.example\nnot an origin\nhttps://other.example';
  const res = await owner.post('/console/settings/origins', { origins: typed });
  expect(res.status).toBe(422);
  const html = await res.text();
  expect(html).toContain('allowedOrigins.1');
  expect(html).toContain(`>${typed}</textarea>`);
});
