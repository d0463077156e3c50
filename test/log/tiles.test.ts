// The log as C2SP tlog-tiles: the checkpoint at the origin's URL, hash tiles holding the stored tree's nodes (leaf
// hashes at level 0), entry bundles whose entries hash to those leaves, only what the checkpoint covers, canonical
// paths only (400 naming the tile otherwise), long-lived caching, compressed entry bundles, one round trip per tile,
// each site its own log.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync } from 'node:zlib';
import { createApp } from '../../worker/app.ts';
import { fromBase64, toBase64 } from '../../worker/crypto/encoding.ts';
import { compressResponses } from '../../worker/entry/node/compress.ts';
import { parseCheckpoint } from '../../worker/crypto/note.ts';
import {
  decodeEntryBundle,
  encodeTileIndex,
  parseTilePath,
  splitHashTile,
  tilePath,
} from '../../worker/crypto/tiles.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { tripsOf } from '../storage/trips.ts';
import { growLog, otherSite } from './fill.ts';

const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

let h: Harness;
let size: number;
beforeAll(async () => {
  h = await makeHarness();
  await growLog(h, 700);
  size = (await h.ctx.log.head('demo'))!.size;
});
afterAll(async () => h.close());

const get = (path: string) => h.app.request(`/log/demo/${path}`);

describe('tile paths', () => {
  it('encodes N in 3-digit elements and reads back only the canonical form', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath({ level: 'entries', index: 1000, width: 7 })).toBe('entries/x001/000.p/7');
    expect(parseTilePath('2/x001/x234/067.p/255')).toEqual({ level: 2, index: 1234067, width: 255 });
    for (const bad of [
      '0/1',
      '00/000',
      '0/x000/001',
      '0/000.p/0',
      '0/000.p/256',
      '0/000.p/07',
      '64/000',
      '0/000/',
      'entries/x1/000',
      `0/${'x000/'.repeat(7)}000`,
    ]) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
  });
});

describe('GET /log/{site}/checkpoint', () => {
  it('is the signed checkpoint of /v1/sites/{site}/log/checkpoint, revalidated on every use', async () => {
    const res = await get('checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const text = await res.text();
    expect(text).toBe(await (await h.app.request('/v1/sites/demo/log/checkpoint')).text());
    expect(parseCheckpoint(text)).toMatchObject({ origin: 'assent.test/log/demo', size });
  });
});

describe('hash tiles and entry bundles', () => {
  it('level 0 holds the stored leaf hashes, and each entry is the JCS leaf hashing to them', async () => {
    const stored = await h.deps.store.db.all<{ leaf_hash: string }>(
      sql`SELECT leaf_hash FROM log_leaves WHERE site_id = 'demo' ORDER BY idx`,
    );
    expect(stored.length).toBe(size);
    const full = Math.floor(size / 256);
    const hashes: Uint8Array[] = [];
    const entries: Uint8Array[] = [];
    for (let n = 0; n <= full; n++) {
      const suffix = n < full ? '' : `.p/${size % 256}`;
      const tile = await get(`tile/0/${encodeTileIndex(n)}${suffix}`);
      const bundle = await get(`tile/entries/${encodeTileIndex(n)}${suffix}`);
      expect([tile.status, bundle.status]).toEqual([200, 200]);
      expect(tile.headers.get('content-type')).toBe('application/octet-stream');
      expect(bundle.headers.get('access-control-allow-origin')).toBe('*');
      expect(tile.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const tileBytes = await bytesOf(tile);
      expect(tileBytes.length).toBe(32 * (n < full ? 256 : size % 256));
      hashes.push(...splitHashTile(tileBytes));
      entries.push(...decodeEntryBundle(await bytesOf(bundle)));
    }
    expect(hashes.map(toBase64)).toEqual(stored.map((r) => r.leaf_hash));
    expect(entries.map((e) => toBase64(sha256(new Uint8Array([0]), e)))).toEqual(stored.map((r) => r.leaf_hash));
    // The entry is the canonical form: keys sorted, no spaces.
    const first = JSON.parse(new TextDecoder().decode(entries[0]!)) as Record<string, unknown>;
    expect(new TextDecoder().decode(entries[0]!)).toBe(
      JSON.stringify(Object.fromEntries(Object.entries(first).sort(([a], [b]) => (a < b ? -1 : 1)))),
    );
  });

  it('the tiles give the checkpoint root, recomputed with RFC 9162 hashing only (level 1 holds 256-leaf subtree roots)', async () => {
    const level0 = splitHashTile(
      Buffer.concat(await Promise.all([0, 1].map(async (n) => bytesOf(await get(`tile/0/00${n}`))))),
    );
    const rest = splitHashTile(await bytesOf(await get(`tile/0/002.p/${size % 256}`)));
    const level1 = splitHashTile(await bytesOf(await get(`tile/1/000.p/${Math.floor(size / 256)}`)));
    const mth = (hashes: Uint8Array[]): Uint8Array => {
      if (hashes.length === 1) return hashes[0]!;
      let k = 1;
      while (k * 2 < hashes.length) k *= 2;
      return sha256(new Uint8Array([1]), mth(hashes.slice(0, k)), mth(hashes.slice(k)));
    };
    expect(level1).toEqual([mth(level0.slice(0, 256)), mth(level0.slice(256, 512))]);
    const root = mth([...level0, ...rest]);
    expect(toBase64(root)).toBe((await h.ctx.log.head('demo'))!.rootHash);
    // The same root from the level-1 tile and the partial level-0 tile (what a tlog client reads).
    expect(sha256(new Uint8Array([1]), sha256(new Uint8Array([1]), level1[0]!, level1[1]!), mth(rest))).toEqual(root);
  });

  it('serves only what the checkpoint covers: a partial tile of any width up to the tree, never a wider or full one', async () => {
    const width = size % 256;
    const partial = await bytesOf(await get(`tile/0/002.p/${width}`));
    // A narrower width (an older checkpoint's) is the prefix of the wider one.
    expect(await bytesOf(await get('tile/0/002.p/3'))).toEqual(partial.slice(0, 96));
    expect(await bytesOf(await get('tile/0/000.p/5'))).toEqual((await bytesOf(await get('tile/0/000'))).slice(0, 160));
    for (const path of [
      `tile/0/002.p/${width + 1}`,
      'tile/0/002',
      'tile/0/003.p/1',
      'tile/1/000',
      'tile/2/000.p/1',
      `tile/entries/002.p/${width + 1}`,
      'tile/entries/002',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('leaves appended but not yet integrated are not served', async () => {
    const before = (await h.ctx.log.head('demo'))!.size;
    await growLog(h, 5, { integrate: false });
    expect((await get(`tile/entries/002.p/${(before % 256) + 1}`)).status).toBe(404);
    expect((await get(`tile/0/002.p/${(before % 256) + 1}`)).status).toBe(404);
    await growLog(h, 0);
    size = (await h.ctx.log.head('demo'))!.size;
    expect(size).toBe(before + 5);
    expect((await get(`tile/entries/002.p/${size % 256}`)).status).toBe(200);
  });

  it('a path that is not a tile is a 400 naming the tile; an unknown site a 404', async () => {
    for (const path of [
      'tile/0/1',
      'tile/00/000',
      'tile/0/x000/001',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/64/000',
      'tile/entries/0',
      `tile/0/${'x123/'.repeat(40)}000`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { code: string; errors: { path: string }[] };
      expect(body.code).toBe('invalid_tile_path');
      expect(body.errors[0]!.path).toBe('tile');
    }
    for (const path of ['/log/nope/checkpoint', '/log/nope/tile/0/000', '/log/nope/tile/entries/000.p/1']) {
      const res = await h.app.request(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('entry bundles are compressed over HTTP (Node and Deno), hash tiles are not', async () => {
    const app = createApp({ ...h.deps, compress: compressResponses() });
    const headers = { 'accept-encoding': 'br, gzip' };
    const plain = await bytesOf(await get('tile/entries/000'));
    const bundle = await app.request('/log/demo/tile/entries/000', { headers });
    expect(bundle.headers.get('content-encoding')).toBe('br');
    expect(bundle.headers.get('vary')).toMatch(/Accept-Encoding/);
    const compressed = Buffer.from(await bundle.arrayBuffer());
    expect(compressed.length).toBeLessThan(plain.length / 4);
    expect(new Uint8Array(brotliDecompressSync(compressed))).toEqual(plain);
    expect((await app.request('/log/demo/tile/0/000', { headers })).headers.get('content-encoding')).toBeNull();
  });

  it('takes one database round trip per tile once the site is known', async () => {
    await get('checkpoint');
    for (const path of [
      'tile/0/000',
      `tile/0/002.p/${size % 256}`,
      'tile/1/000.p/2',
      'tile/entries/001',
      'tile/0/009',
    ]) {
      expect(tripsOf(await get(path)), path).toBe(1);
    }
  });

  it('each site reads its own log', async () => {
    await otherSite(h);
    await growLog(h, 3, { siteId: 'other' });
    const otherSize = (await h.ctx.log.head('other'))!.size;
    const mine = decodeEntryBundle(await bytesOf(await h.app.request(`/log/other/tile/entries/000.p/${otherSize}`)));
    expect(mine.map((e) => (JSON.parse(new TextDecoder().decode(e)) as { site: string }).site)).toEqual(
      Array(otherSize).fill('other'),
    );
    expect((await h.app.request(`/log/other/tile/0/000.p/${otherSize + 1}`)).status).toBe(404);
    const theirs = splitHashTile(await bytesOf(await h.app.request(`/log/other/tile/0/000.p/${otherSize}`)));
    expect(theirs.map(toBase64)).toEqual(mine.map((e) => toBase64(sha256(new Uint8Array([0]), e))));
    expect(fromBase64((await h.ctx.log.head('other'))!.rootHash)).not.toEqual(
      fromBase64((await h.ctx.log.head('demo'))!.rootHash),
    );
  });
});
