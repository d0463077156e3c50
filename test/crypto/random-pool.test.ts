// Pooled random bytes: each byte of the source is handed out once, in order, as a copy; the pool is refilled only
// when spent; large requests bypass it; what was handed out is zeroed in the pool.
import { describe, expect, it } from 'vitest';
import { pooledRandom } from '../../worker/crypto/random-pool.ts';
import { ID_PATTERN, newId, webRandom } from '../../worker/crypto/tokens.ts';

/** 60,672 ms into a 2^18 ms (4.4 minutes) window of the time's top 30 bits. */
const START = Date.parse('2026-11-28T10:00:00Z');

/** A source counting 0, 1, 2… (mod 256) across calls, so any repeat or gap shows. */
function countingSource() {
  let next = 0;
  const calls: Uint8Array[] = [];
  return {
    calls,
    source: (buffer: Uint8Array<ArrayBuffer>) => {
      calls.push(buffer);
      for (let i = 0; i < buffer.length; i++) buffer[i] = next++ % 256;
    },
  };
}

describe('pooledRandom', () => {
  it('hands out every byte once, in order, drawing one chunk per refill', () => {
    const { source, calls } = countingSource();
    const random = pooledRandom({ source, chunk: 64 });
    const parts = [16, 32, 12, 16, 1, 63].map((n) => random(n));
    expect(parts.map((p) => p.length)).toEqual([16, 32, 12, 16, 1, 63]);
    // 16+32+12 fit the first chunk; 16 does not fit the 4 left, so a refill skips them; then 1 fits; 63 refills.
    expect(calls).toHaveLength(3);
    expect([...parts[0]!]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(parts[3]![0]).toBe(64);
    expect(parts[4]![0]).toBe(80);
    expect(parts[5]![0]).toBe(128);
    const all = parts.flatMap((p) => [...p]);
    expect(new Set(all.map((b, i) => `${i}:${b}`)).size).toBe(all.length);
  });

  it('gives copies (changing one changes nothing else) and zeroes what it gave in the pool', () => {
    const { source, calls } = countingSource();
    const random = pooledRandom({ source, chunk: 32 });
    const a = random(8);
    a.fill(255);
    const b = random(8);
    expect([...b]).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect([...calls[0]!.subarray(0, 16)]).toEqual(new Array(16).fill(0));
    expect(calls[0]![16]).toBe(16);
  });

  it('sends a request larger than the pool straight to the source', () => {
    const { source, calls } = countingSource();
    const random = pooledRandom({ source, chunk: 32 });
    expect(random(100)).toHaveLength(100);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.length).toBe(100);
    expect([...random(8)]).toEqual([100, 101, 102, 103, 104, 105, 106, 107]); // the pool was not touched
  });

  it('is what ids are made of: 10,000 ids from the platform CSPRNG in one millisecond, all distinct', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(webRandom, START)));
    expect(ids.size).toBe(10_000);
    expect(webRandom(70_000)).toHaveLength(70_000); // above WebCrypto's 65,536 bytes per call: still one answer
  });
});

describe('newId', () => {
  const bytesOf = (id: string) => Buffer.from(id, 'base64url');

  it('is 48 bits of its creation time (ms, big-endian) then 80 random bits, in the one id pattern', () => {
    const id = newId(webRandom, START);
    expect(id).toMatch(ID_PATTERN);
    const bytes = bytesOf(id);
    expect(bytes).toHaveLength(16);
    expect(bytes.readUIntBE(0, 6)).toBe(START);
    // The 80 bits after the time are the random source's, untouched.
    const fixed = newId((n) => new Uint8Array(n).fill(0xa5), START);
    expect([...bytesOf(fixed).subarray(6)]).toEqual(Array(10).fill(0xa5));
  });

  it('sorts by creation time across milliseconds, so ids made together share a prefix (an index page)', () => {
    // Byte order of the ids' bytes is time order; as text (SQLite's BINARY collation on base64url) ids made within
    // the same 2^18 ms (4.4 minutes) share their first five characters, whatever their random part.
    const times = [0, 1, 255, 256, 65_535, 65_536, START - 1, START, START + 1, 2 ** 48 - 1];
    const bytes = times.map((t) => bytesOf(newId(webRandom, t)).subarray(0, 6));
    for (let i = 1; i < bytes.length; i++) expect(Buffer.compare(bytes[i - 1]!, bytes[i]!)).toBe(-1);
    const burst = Array.from({ length: 1000 }, (_, i) => newId(webRandom, START + i));
    expect(new Set(burst.map((id) => id.slice(0, 5))).size).toBe(1);
  });

  it('clamps what no millisecond clock gives (negative, fractional, beyond 2^48) instead of spilling into the random bits', () => {
    expect(bytesOf(newId(webRandom, -5)).readUIntBE(0, 6)).toBe(0);
    expect(bytesOf(newId(webRandom, START + 0.9)).readUIntBE(0, 6)).toBe(START);
    expect(bytesOf(newId(webRandom, 2 ** 50)).readUIntBE(0, 6)).toBe(2 ** 48 - 1);
  });
});
