// Response compression (br, gzip) for the Node and Deno entries, handed to createApp as a dependency. Hono's own
// `compress` speaks gzip and deflate only (it uses CompressionStream, which has no brotli), and worker/ stays
// Web-standard, so this one lives with the entries and uses node:zlib. Workers need none: Cloudflare's edge
// compresses (br, gzip) in front of the Worker and weakens ETags the same way.
import { createHash } from 'node:crypto';
import { Duplex } from 'node:stream';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

export type Encoding = 'br' | 'gzip';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i;

/** The encoding to answer with: the highest q among br and gzip (br on a tie), none when neither is acceptable. */
export function negotiateEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const of = (name: Encoding) => q.get(name) ?? q.get('*') ?? 0;
  const [br, gz] = [of('br'), of('gzip')];
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? 'br' : 'gzip';
}

/** Whole-body compression at the highest quality, for bodies compressed once and reused. */
function compressBest(bytes: Uint8Array, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br'
    ? brotliAsync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      })
    : gzipAsync(bytes, { level: 9 });
}

/** Streaming compression at a quality that keeps up with a response being produced. */
function compressStream(encoding: Encoding): ReadableWritablePair<Uint8Array, Uint8Array> {
  const transform =
    encoding === 'br'
      ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
      : createGzip({ level: 6 });
  return Duplex.toWeb(transform) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
}

/** A log's entry bundles are octet-streams of JSON leaves: tlog-tiles asks that they be compressed over HTTP. */
const ENTRY_BUNDLE = /^\/log\/[^/]{1,64}\/tile\/entries\//;

/** Reads ahead until `threshold` bytes: a body that ends before comes back whole, else a stream that replays it. */
async function peek(
  body: ReadableStream<Uint8Array>,
  threshold: number,
): Promise<{ small: Uint8Array } | { stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size < threshold) {
    const { done, value } = await reader.read();
    if (done) {
      const small = new Uint8Array(size);
      let at = 0;
      for (const chunk of head) {
        small.set(chunk, at);
        at += chunk.length;
      }
      return { small };
    }
    head.push(value);
    size += value.length;
  }
  return {
    stream: new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const next = head.shift();
        if (next) return controller.enqueue(next);
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    }),
  };
}

/** Bodies from this many bytes are compressed (smaller ones gain little). */
export const COMPRESS_THRESHOLD = 1024;

export function compressResponses(options: { threshold?: number; cacheEntries?: number } = {}): MiddlewareHandler {
  const threshold = options.threshold ?? COMPRESS_THRESHOLD;
  const cacheEntries = options.cacheEntries ?? 64;
  // Bodies with a strong ETag come back byte for byte (the widget, a policy version, a widget document): compressed
  // once at the best quality, kept by the SHA-256 of the plain bytes and the encoding, least recently used dropped
  // first. Keyed by the bytes, not by URL + ETag: a tag that failed to name its bytes (a new policy version with
  // the same Markdown once) must not serve another body for good; hashing costs far less than brotli at 11.
  const cache = new Map<string, Buffer>();
  const remember = (key: string, bytes: Buffer) => {
    cache.delete(key);
    cache.set(key, bytes);
    if (cache.size > cacheEntries) cache.delete(cache.keys().next().value!);
  };

  return async function compress(c, next) {
    await next();
    const res = c.res;
    const notModified = res.status === 304;
    if (
      !notModified &&
      !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(res.headers.get('content-type') ?? '') &&
      !ENTRY_BUNDLE.test(c.req.path)
    )
      return;
    if (NO_TRANSFORM.test(res.headers.get('cache-control') ?? '')) return;
    // Every answer that could have been compressed says so, so a shared cache keeps one copy per encoding.
    const vary = res.headers.get('vary');
    if (!vary || !VARY_ACCEPT_ENCODING.test(vary))
      res.headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    // BREACH: a response to ambient credentials (the console's session cookie) may hold a secret (CSRF token) next
    // to text an attacker chose; its compressed size would leak the secret. Such pages are small: send them plain.
    if (c.req.header('cookie') || res.headers.has('set-cookie')) return;
    const encoding = negotiateEncoding(c.req.header('accept-encoding'));
    if (!encoding) return;
    const etag = res.headers.get('etag');
    const strong = etag && !etag.startsWith('W/') ? etag : null;
    // A compressed body is not byte-identical to the plain one: its validator is weak (RFC 9110 §8.8.1), on the
    // 304 as on the 200. If-None-Match compares weakly, so both still revalidate.
    if (notModified) {
      if (strong) res.headers.set('ETag', `W/${strong}`);
      return;
    }
    if (
      c.req.method === 'HEAD' ||
      !res.body ||
      res.status === 204 ||
      res.status === 206 ||
      res.headers.has('content-encoding')
    )
      return;
    const length = res.headers.get('content-length');
    if (length && Number(length) < threshold) return;

    let body: BodyInit;
    const peeked = await peek(res.body, threshold);
    if ('small' in peeked) {
      c.res = new Response(peeked.small as Uint8Array<ArrayBuffer>, res); // too small to gain anything
      return;
    }
    if (strong) {
      const plain = new Uint8Array(await new Response(peeked.stream).arrayBuffer());
      const key = `${encoding} ${createHash('sha256').update(plain).digest('base64')}`;
      const bytes = cache.get(key) ?? (await compressBest(plain, encoding));
      remember(key, bytes);
      body = bytes as Uint8Array<ArrayBuffer>;
    } else {
      body = peeked.stream.pipeThrough(compressStream(encoding));
    }
    // Hono copies the previous response's headers onto the one assigned: fix them after assigning.
    c.res = new Response(body, res);
    c.res.headers.delete('Content-Length');
    c.res.headers.set('Content-Encoding', encoding);
    if (strong) c.res.headers.set('ETag', `W/${strong}`);
  };
}
