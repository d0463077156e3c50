// Refused CORS origins are noted for the console at most once a minute per (site, origin) and process, also when
// each request sees the store through its own round-trip-counting view (Server-Timing on, as in dev mode).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { count } from '../assertions.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ mode: 'dev' });
});
afterEach(() => h.close());

const refusedPost = () =>
  h.app.request('/v1/sites/demo/consents', {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    body: '{}',
  });
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

it('notes a page hammering the API once a minute, not once per request', async () => {
  const first = await refusedPost();
  expect(first.headers.get('server-timing')).toContain('db;'); // each request had its own view of the store
  expect(first.status).toBe(403);
  await settle();
  for (let i = 0; i < 5; i++) {
    h.advance(1_000);
    expect((await refusedPost()).status).toBe(403);
  }
  await settle();
  expect(
    await count(
      h,
      "SELECT count FROM console_refused_origins WHERE site_id = 'demo' AND origin = 'https://evil.example'",
    ),
  ).toBe(1);

  h.advance(60_000);
  await refusedPost();
  await settle();
  expect(
    await count(
      h,
      "SELECT count FROM console_refused_origins WHERE site_id = 'demo' AND origin = 'https://evil.example'",
    ),
  ).toBe(2);
});
