// The synchronous SHA-256 gives WebCrypto's bytes for every length (the padding's edges at 55, 56, 63, 64 bytes and
// beyond), and its leaf hash is merkle.ts's, which the verifier computes with WebCrypto.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../worker/crypto/merkle.ts';
import { hmacSha256Sync, leafHashSync, sha256Sync } from '../../worker/crypto/sha256.ts';
import { sha256Hex } from '../../worker/crypto/tokens.ts';

const subtle = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));

describe('synchronous SHA-256', () => {
  it('matches the FIPS 180-4 examples and WebCrypto at every padding edge', async () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(sha256Sync(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256Sync(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      expect(sha256Sync(bytes), `length ${n}`).toEqual(await subtle(bytes));
    }
  });

  it('equals WebCrypto on random inputs, and the leaf hash equals merkle.ts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        expect(sha256Sync(bytes)).toEqual(await subtle(bytes));
        expect(leafHashSync(bytes)).toEqual(await leafHash(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('computes HMAC-SHA-256 as node:crypto does, for keys shorter and longer than a block and any message', () => {
    // RFC 4231 test case 2: key "Jefe".
    const jefe = hmacSha256Sync(new TextEncoder().encode('Jefe'));
    expect(Buffer.from(jefe(new TextEncoder().encode('what do ya want for nothing?'))).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (key, message) => {
        const mac = hmacSha256Sync(key);
        const expected = new Uint8Array(createHmac('sha256', key).update(message).digest());
        expect(mac(message)).toEqual(expected);
        expect(mac(message)).toEqual(expected); // the key's states are reused, not consumed
      }),
      { numRuns: 400 },
    );
  });
});
