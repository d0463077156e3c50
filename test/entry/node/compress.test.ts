// Compression (br, gzip) with Vary: Accept-Encoding, and ETag/304 for the widget, its document and policies: on
// the app with the Node/Deno compressor, and once through the real Node server, counting the bytes on the wire.
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../worker/app.ts';
import { compressResponses, negotiateEncoding } from '../../../worker/entry/node/compress.ts';
import { widgetBundle } from '../../../worker/generated/widget.ts';
import { makeHarness, type Harness } from '../../harness.ts';
import { ADMIN_TOKEN, ROOT, freePort, startChild, tempDir, waitHealthy, type Child } from '../../runtime/servers.ts';

const BUDGET = 10_240;
let h: Harness;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  h = await makeHarness();
  app = createApp({ ...h.deps, compress: compressResponses() });
});
afterEach(async () => h.close());

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
const vary = (res: Response) => (res.headers.get('vary') ?? '').toLowerCase().split(/\s*,\s*/);

describe('negotiation', () => {
  it.each([
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip;q=0, br;q=0', undefined],
    ['', undefined],
  ])('Accept-Encoding %j → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe('compressed answers', () => {
  it('/widget.js: br within the budget, gzip, or plain; Vary: Accept-Encoding on each; a weak ETag once compressed', async () => {
    const br = await get('/widget.js', { 'accept-encoding': 'br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(vary(br)).toContain('accept-encoding');
    const brBody = await bytes(br);
    expect(brBody.length).toBeLessThanOrEqual(BUDGET);
    expect(brotliDecompressSync(brBody).toString()).toBe(widgetBundle.code);
    expect(br.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{32}"$/);

    const gz = await get('/widget.js', { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gz)).toString()).toBe(widgetBundle.code);

    const plain = await get('/widget.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(vary(plain)).toContain('accept-encoding');
    expect(plain.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await plain.text()).toBe(widgetBundle.code);
    expect(brBody.length).toBeLessThan(widgetBundle.code.length / 2);
  });

  it('compresses a body made on the fly (no ETag) the same way, and leaves small bodies and HEAD alone', async () => {
    const plain = await get('/openapi.json');
    expect(plain.status).toBe(200);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(2048);
    const br = await get('/openapi.json', { 'accept-encoding': 'br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(await bytes(br)).toString()).toBe(text);

    const small = await get('/v1/sites/nope/widget', { 'accept-encoding': 'br' }); // a short problem+json
    expect(small.status).toBe(404);
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(vary(small)).toContain('accept-encoding');
    expect(((await small.json()) as { code: string }).code).toBe('not_found');

    const head = await app.request('/widget.js', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(head.headers.get('content-encoding')).toBeNull();
  });

  it('never compresses what asks not to be transformed, nor types that gain nothing', async () => {
    const bare = new Hono();
    bare.use(compressResponses());
    const text = 'consent '.repeat(1000);
    bare.get('/keep', (c) => c.body(text, 200, { 'content-type': 'text/plain', 'cache-control': 'no-transform' }));
    bare.get('/png', (c) => c.body(text, 200, { 'content-type': 'image/png' }));
    bare.get('/text', (c) => c.body(text, 200, { 'content-type': 'text/plain' }));
    const ask = (path: string) => bare.request(path, { headers: { 'accept-encoding': 'br, gzip' } });
    expect((await ask('/keep')).headers.get('content-encoding')).toBeNull();
    expect((await ask('/png')).headers.get('content-encoding')).toBeNull();
    expect(vary(await ask('/png'))).not.toContain('accept-encoding');
    // Nothing sent with or setting a cookie is compressed (BREACH: a session page's secret next to chosen text).
    const withCookie = await bare.request('/text', { headers: { 'accept-encoding': 'br', cookie: 'session=abc' } });
    expect(withCookie.headers.get('content-encoding')).toBeNull();
    expect(await withCookie.text()).toBe(text);
    const compressed = await ask('/text');
    expect(compressed.headers.get('content-encoding')).toBe('br');
    expect(compressed.headers.get('content-length')).toBeNull();
    expect(brotliDecompressSync(await bytes(compressed)).toString()).toBe(text);
  });
});

describe('ETag and 304', () => {
  it('/widget.js revalidates with the weak ETag of a compressed copy, or the strong one', async () => {
    const first = await get('/widget.js', { 'accept-encoding': 'br' });
    const weak = first.headers.get('etag')!;
    const again = await get('/widget.js', { 'accept-encoding': 'br', 'if-none-match': weak });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(weak);
    expect(vary(again)).toContain('accept-encoding');
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
    expect(again.headers.get('cache-control')).toBe('public, max-age=300');
    const strong = weak.slice(2);
    expect((await get('/widget.js', { 'if-none-match': strong })).status).toBe(304);
    expect((await get('/widget.js', { 'if-none-match': '"0000"' })).status).toBe(200);
  });

  it('the widget document: one ETag per language and per origin verdict, each revalidating', async () => {
    const fr = await get('/v1/sites/demo/widget', { 'accept-language': 'fr', 'accept-encoding': 'gzip' });
    const en = await get('/v1/sites/demo/widget', { 'accept-language': 'en', 'accept-encoding': 'gzip' });
    const refused = await get('/v1/sites/demo/widget', { 'accept-language': 'en', origin: 'https://evil.example' });
    const tags = [fr, en, refused].map((r) => r.headers.get('etag')!.replace(/^W\//, ''));
    expect(new Set(tags).size).toBe(3);
    expect(vary(en)).toEqual(expect.arrayContaining(['origin', 'accept-language', 'accept-encoding']));
    const revalidated = await get('/v1/sites/demo/widget', {
      'accept-language': 'en',
      'accept-encoding': 'gzip',
      'if-none-match': en.headers.get('etag')!,
    });
    expect(revalidated.status).toBe(304);
    // The French tag does not validate the English document.
    expect(
      (await get('/v1/sites/demo/widget', { 'accept-language': 'en', 'if-none-match': fr.headers.get('etag')! }))
        .status,
    ).toBe(200);
  });

  it('a policy version revalidates with the weak ETag its compressed copy carried', async () => {
    const md = await get('/p/demo/1?format=md', { 'accept-encoding': 'br' });
    expect(md.status).toBe(200);
    const tag = md.headers.get('etag')!;
    expect(tag.startsWith('W/"')).toBe(md.headers.get('content-encoding') === 'br');
    const again = await get('/p/demo/1?format=md', { 'accept-encoding': 'br', 'if-none-match': tag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });
});

describe('through the real Node server', () => {
  let child: Child | undefined;
  afterAll(async () => child?.stop());

  /** The raw bytes on the wire (node:http does not decompress), like `curl -H 'Accept-Encoding: br'`. */
  const wire = (url: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; size: number; body: Buffer }>(
      (resolve, reject) => {
        request(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode!, headers: res.headers, size: body.length, body });
          });
        })
          .on('error', reject)
          .end();
      },
    );

  it(`GET /widget.js with Accept-Encoding: br transfers at most ${BUDGET} bytes`, { timeout: 60_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = startChild(join(ROOT, 'node_modules/.bin/tsx'), ['worker/entry/node.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      ASSENT_DATA_DIR: tempDir('compress'),
      ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
      ASSENT_PUBLIC_URL: base,
    });
    await waitHealthy(base, child, 40_000);
    const br = await wire(`${base}/widget.js`, { 'accept-encoding': 'br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
    expect(br.size).toBeLessThanOrEqual(BUDGET);
    expect(brotliDecompressSync(br.body).toString()).toBe(widgetBundle.code);
    const plain = await wire(`${base}/widget.js`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.size).toBe(Buffer.byteLength(widgetBundle.code));
    const notModified = await wire(`${base}/widget.js`, {
      'accept-encoding': 'br',
      'if-none-match': String(br.headers.etag),
    });
    expect(notModified.status).toBe(304);
    expect(notModified.size).toBe(0);
    console.log(`real Node server: /widget.js ${plain.size} B plain, ${br.size} B br on the wire, 304 on revalidation`);
  });
});
