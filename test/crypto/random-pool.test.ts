// Pooled random bytes: each byte of the source is handed out once, in order, as a copy; the pool is refilled only
// when spent; large requests bypass it; what was handed out is zeroed in the pool.
import { describe, expect, it } from 'vitest';
import { pooledRandom } from '../../worker/crypto/random-pool.ts';
import { newId, webRandom } from '../../worker/crypto/tokens.ts';

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

  it('is what ids are made of: 10,000 ids from the platform CSPRNG, all distinct', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(webRandom)));
    expect(ids.size).toBe(10_000);
    expect(webRandom(70_000)).toHaveLength(70_000); // above WebCrypto's 65,536 bytes per call: still one answer
  });
});
