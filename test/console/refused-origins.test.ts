// Refused origins for the console: noted when the CORS check refuses one, at most one write per origin per minute,
// at most 20 per site (the most recent), only well-formed origins, and never another site's.
import { afterEach, expect, it } from 'vitest';
import { noteRefusedOrigin, refusedOrigins } from '../../worker/domain/console/stats.ts';
import { makeHarness, type Harness } from '../harness.ts';

let h: Harness;
afterEach(() => h?.close());

it('keeps the 20 most recent refused origins of a site, counts repeats a minute apart, ignores junk', async () => {
  h = await makeHarness();
  for (let i = 0; i < 25; i++) {
    await noteRefusedOrigin(h.ctx, 'demo', `https://shop${i}.example`);
    h.advance(1000);
  }
  const list = await refusedOrigins(h.ctx, 'demo');
  expect(list.length).toBe(20);
  expect(list[0]!.origin).toBe('https://shop24.example');
  expect(list.map((r) => r.origin)).not.toContain('https://shop4.example');

  await noteRefusedOrigin(h.ctx, 'demo', 'https://shop24.example');
  expect((await refusedOrigins(h.ctx, 'demo'))[0]!.count).toBe(1);
  h.advance(61_000);
  await noteRefusedOrigin(h.ctx, 'demo', 'https://SHOP24.example');
  expect((await refusedOrigins(h.ctx, 'demo'))[0]).toMatchObject({ origin: 'https://shop24.example', count: 2 });

  for (const junk of ['null', 'https://a.example/path?phone=0612345678', `https://${'a'.repeat(300)}.example`]) {
    await noteRefusedOrigin(h.ctx, 'demo', junk);
  }
  expect(
    (await refusedOrigins(h.ctx, 'demo')).map((r) => r.origin).some((o) => !/^https:\/\/shop\d+\.example$/.test(o)),
  ).toBe(false);
  expect(await refusedOrigins(h.ctx, 'other')).toEqual([]);
});

it('the widget document read from a refused origin is noted for its site', async () => {
  h = await makeHarness();
  await h.app.request('/v1/sites/demo/widget?locale=en', { headers: { origin: 'https://not-listed.example' } });
  await new Promise((r) => setTimeout(r, 20));
  expect((await refusedOrigins(h.ctx, 'demo')).map((r) => r.origin)).toEqual(['https://not-listed.example']);
  await h.app.request('/v1/sites/demo/widget?locale=en', { headers: { origin: 'http://localhost:3000' } });
  await new Promise((r) => setTimeout(r, 20));
  expect((await refusedOrigins(h.ctx, 'demo')).length).toBe(1);
});
