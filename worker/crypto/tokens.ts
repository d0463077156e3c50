// Random identifiers and secret tokens; tokens are stored only as SHA-256 hashes.
import { toBase64Url, toHex } from './encoding.ts';
import { pooledRandom } from './random-pool.ts';
import { sha256Sync } from './sha256.ts';

export type Random = (length: number) => Uint8Array<ArrayBuffer>;

/** The platform CSPRNG, drawn in 4 KiB chunks (random-pool.ts). */
export const webRandom: Random = pooledRandom();

/** 256-bit URL-safe secret (43 characters). */
export const newToken = (random: Random) => toBase64Url(random(32));

/** 128-bit URL-safe identifier (22 characters). */
export const newId = (random: Random) => toBase64Url(random(16));

/** What `newId` makes, the one pattern every id in a path or body is checked against (anchored, linear). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Hex SHA-256 of a token or text, computed synchronously (sha256.ts): one per opt-in, confirm and link page. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return toHex(sha256Sync(typeof input === 'string' ? new TextEncoder().encode(input) : input));
}

/** Constant-time comparison of two strings of equal length (length itself is not secret here). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
