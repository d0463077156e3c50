import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  fromBase64,
  fromBase64Url,
  fromHex,
  sha256,
  toBase64,
  toBase64Url,
  toHex,
} from '../../worker/crypto/encoding.ts';

describe('encoding', () => {
  it('matches Node Buffer for base64, base64url and hex on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const buf = Buffer.from(bytes);
        expect(toBase64(bytes)).toBe(buf.toString('base64'));
        expect(toBase64Url(bytes)).toBe(buf.toString('base64url'));
        expect(toHex(bytes)).toBe(buf.toString('hex'));
        expect([...fromBase64(toBase64(bytes))]).toEqual([...bytes]);
        expect([...fromBase64Url(toBase64Url(bytes))]).toEqual([...bytes]);
        expect([...fromHex(toHex(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it('encodes inputs longer than any argument list whole (the encoders once chunked at 32 KiB)', () => {
    const bytes = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 131 + (i >> 8)) & 255);
    const buf = Buffer.from(bytes);
    expect(toBase64(bytes)).toBe(buf.toString('base64'));
    expect(toBase64Url(bytes)).toBe(buf.toString('base64url'));
    expect(toHex(bytes)).toBe(buf.toString('hex'));
  });

  it('rejects malformed input instead of guessing', () => {
    for (const bad of ['abc', 'ab=c', 'a b=', '====', 'YQ']) expect(() => fromBase64(bad)).toThrow();
    expect(() => fromBase64Url('a+b/')).toThrow();
    expect(() => fromBase64Url('a')).toThrow();
    expect(() => fromHex('abc')).toThrow();
    expect(() => fromHex('zz')).toThrow();
  });

  it('hashes with SHA-256 and compares bytes', async () => {
    expect(toHex(await sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });
});
