// Finding 2 of the third hardening round: an ETag names the bytes of a representation, and so does every cache keyed
// by it. A new policy version whose Markdown is unchanged (a new summary only) must not be answered as the old one,
// neither by the compressed-copy cache (br, gzip) nor by a 304 to a browser revalidating; a widget document that
// names the refused origin is not another origin's.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { compressResponses } from '../../worker/entry/node/compress.ts';
import { json, makeHarness, type Harness } from '../harness.ts';

let h: Harness;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  h = await makeHarness();
  app = createApp({ ...h.deps, compress: compressResponses() });
});
afterEach(async () => h.close());

const publish = async (summary: string) => {
  const res = await app.request('/v1/sites/demo/policies', json({ summary }, { authorization: `Bearer ${h.demoKey}` }));
  expect(res.status).toBe(201);
};
const decoded = async (res: Response) => {
  const bytes = Buffer.from(await res.arrayBuffer());
  const encoding = res.headers.get('content-encoding');
  return (encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes).toString();
};

describe('GET /p/{site}?format=json across two versions with the same Markdown', () => {
  it.each(['br', 'gzip', 'identity'])(
    "answers version 2 once it is published (Accept-Encoding: %s), and no 304 for version 1's tag",
    async (encoding) => {
      const first = await app.request('/p/demo?format=json', { headers: { 'accept-encoding': encoding } });
      expect(first.status).toBe(200);
      const one = JSON.parse(await decoded(first)) as { version: number; sha256: string };
      expect(one.version).toBe(1);
      const tag = first.headers.get('etag')!;
      expect(tag).toBeTruthy();

      await publish('Same text, new version.');
      const md1 = await (await app.request('/p/demo/1?format=md')).text();
      const md2 = await (await app.request('/p/demo/2?format=md')).text();
      expect(md2).toBe(md1); // the attack's premise: the Markdown did not change

      const again = await app.request('/p/demo?format=json', { headers: { 'accept-encoding': encoding } });
      const two = JSON.parse(await decoded(again)) as { version: number; sha256: string; summary: string };
      expect(two).toMatchObject({ version: 2, summary: 'Same text, new version.', sha256: one.sha256 });
      expect(again.headers.get('etag')).not.toBe(tag);

      const revalidated = await app.request('/p/demo?format=json', {
        headers: { 'accept-encoding': encoding, 'if-none-match': tag },
      });
      expect(revalidated.status).toBe(200);
      expect((JSON.parse(await decoded(revalidated)) as { version: number }).version).toBe(2);
    },
  );

  it("the same bytes keep one tag: version 2's Markdown revalidates against version 1's, its JSON does not", async () => {
    await publish('Same text, new version.');
    const md1 = await app.request('/p/demo/1?format=md');
    const md2 = await app.request('/p/demo/2?format=md');
    expect(md2.headers.get('etag')).toBe(md1.headers.get('etag'));
    const json1 = await app.request('/p/demo/1?format=json');
    const json2 = await app.request('/p/demo/2?format=json', {
      headers: { 'if-none-match': json1.headers.get('etag')! },
    });
    expect(json2.status).toBe(200);
  });
});

describe('the widget document for a refused origin', () => {
  it('names the origin that asked, through the compressed-copy cache and on revalidation', async () => {
    const ask = (origin: string, extra: Record<string, string> = {}) =>
      app.request('/v1/sites/demo/widget?locale=en', { headers: { origin, 'accept-encoding': 'br', ...extra } });
    const a = await ask('https://a.example');
    const aBody = JSON.parse(await decoded(a)) as { originAllowed: boolean; error: { message: string } };
    expect(aBody.originAllowed).toBe(false);
    expect(aBody.error.message).toContain('https://a.example');

    const b = await ask('https://b.example');
    const bBody = JSON.parse(await decoded(b)) as { error: { message: string } };
    expect(bBody.error.message).toContain('https://b.example');
    expect(bBody.error.message).not.toContain('https://a.example');

    const revalidated = await ask('https://b.example', { 'if-none-match': a.headers.get('etag')! });
    expect(revalidated.status).toBe(200);
  });
});
