// Random identifiers and secret tokens; tokens are stored only as SHA-256 hashes.
import { toBase64Url, toHex } from './encoding.ts';
import { pooledRandom } from './random-pool.ts';
import { sha256Sync } from './sha256.ts';

export type Random = (length: number) => Uint8Array<ArrayBuffer>;

/** The platform CSPRNG, drawn in 4 KiB chunks (random-pool.ts). */
export const webRandom: Random = pooledRandom();

/** 256-bit URL-safe secret (43 characters). */
export const newToken = (random: Random) => toBase64Url(random(32));

/**
 * 128-bit URL-safe identifier (22 characters): the creation time, 48 bits of milliseconds since 1970 in big-endian
 * order (the layout of RFC 9562's UUIDv7), then 80 random bits. Ids made close in time share their first characters,
 * so each index keyed by them takes a batch's new entries in one or two b-tree pages where random ids took one page
 * each: an opt-in writes about 13 database pages instead of 23 (bench/wal-pages.ts), and every commit's fsync covers
 * that much less. 80 random bits keep an id unguessable; the time it shows is its record's own creation time.
 */
export function newId(random: Random, at: number): string {
  const bytes = random(16);
  let time = Math.min(Math.max(Math.floor(at), 0), 2 ** 48 - 1);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  return toBase64Url(bytes);
}

/** What `newId` makes, the one pattern every id in a path or body is checked against (anchored, linear). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Hex SHA-256 of a token or text, computed synchronously (sha256.ts): one per opt-in, confirm and link page. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return toHex(sha256Sync(typeof input === 'string' ? new TextEncoder().encode(input) : input));
}

/**
 * Constant-time comparison of two strings (length itself is not secret here): every code unit of the longer is
 * compared, with no early exit and no encoding (a hash's hex, a token; two TextEncoders a call were a twentieth of the
 * send gate's own work).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  // Past a string's end charCodeAt is NaN, and NaN | 0 is 0: the shorter reads as zeros, as before.
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
