// Comparing secrets' hashes: equal only when every code unit is, whatever the lengths; no early exit to time.
import { describe, expect, it } from 'vitest';
import { timingSafeEqual } from '../../worker/crypto/tokens.ts';

describe('timingSafeEqual', () => {
  it('says equal for the same text and nothing else', () => {
    const hash = `${'a'.repeat(63)}b`;
    expect(timingSafeEqual(hash, `${'a'.repeat(63)}b`)).toBe(true);
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('é€😀', 'é€😀')).toBe(true);
    for (let i = 0; i < hash.length; i++) {
      const other = hash.slice(0, i) + (hash[i] === 'a' ? 'c' : 'a') + hash.slice(i + 1);
      expect(timingSafeEqual(hash, other), `position ${i}`).toBe(false);
    }
    // A prefix, a longer text, zeros past the end: the lengths differ.
    expect(timingSafeEqual(hash, hash.slice(0, 63))).toBe(false);
    expect(timingSafeEqual(hash, `${hash}\u0000`)).toBe(false);
    expect(timingSafeEqual('', '\u0000')).toBe(false);
    // Not through an encoding: two different lone surrogates are two different texts.
    expect(timingSafeEqual('\ud800', '\udc00')).toBe(false);
    expect(timingSafeEqual('é', 'e\u0301')).toBe(false);
  });
});
