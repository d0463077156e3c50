// Random bytes drawn from the platform CSPRNG in chunks: one getRandomValues call serves many ids, tokens and IVs.
// (Node does the same for crypto.randomUUID, which "caches enough random data for 128 UUIDs":
// https://nodejs.org/api/crypto.html#cryptorandomuuidoptions.) Every byte is handed out once, as a copy, and its
// place in the pool is zeroed at once, so the pool never holds a byte that was already given.

export type RandomSource = (buffer: Uint8Array<ArrayBuffer>) => unknown;

/** 4 KiB: 128 ids and tokens per call. */
const CHUNK = 4096;
/** WebCrypto's limit per getRandomValues call (https://w3c.github.io/webcrypto/#Crypto-method-getRandomValues). */
const MAX_PER_CALL = 65_536;

/** A `Random` that draws `chunk` bytes at a time from `source`; requests larger than a chunk go straight to it
 * (in pieces of at most 65,536 bytes). */
export function pooledRandom(
  options: { source?: RandomSource; chunk?: number } = {},
): (length: number) => Uint8Array<ArrayBuffer> {
  const source = options.source ?? ((buffer) => crypto.getRandomValues(buffer));
  const pool = new Uint8Array(options.chunk ?? CHUNK);
  let used = pool.length;
  return function pooledRandomBytes(length: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(length);
    if (length > pool.length) {
      for (let at = 0; at < length; at += MAX_PER_CALL) source(out.subarray(at, at + MAX_PER_CALL));
      return out;
    }
    if (used + length > pool.length) {
      source(pool);
      used = 0;
    }
    out.set(pool.subarray(used, used + length));
    pool.fill(0, used, used + length);
    used += length;
    return out;
  };
}
