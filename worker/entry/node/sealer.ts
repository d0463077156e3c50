// Node and Deno: the same sealing as worker/crypto/sealing.ts (same HKDF keys, same AES-GCM layout iv ‖ ct ‖ tag,
// same blind index), computed synchronously with node:crypto instead of WebCrypto's promise per call. Either can
// read what the other wrote; a test holds them equal.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { toHex } from '../../crypto/encoding.ts';
import { hmacSha256Sync } from '../../crypto/sha256.ts';
import type { Sealer } from '../../crypto/sealing.ts';
import type { Random } from '../../crypto/tokens.ts';

const derive = (master: Uint8Array, info: string) => Buffer.from(hkdfSync('sha256', master, 'assent/v1', info, 32));

export function createNodeSealer(options: { masterKey: Uint8Array; random: Random }): Sealer {
  const { random } = options;
  if (options.masterKey.length !== 32) throw new Error('ASSENT_MASTER_KEY must be 32 bytes');
  const indexKey = derive(options.masterKey, 'blind-index');
  const wrapKey = derive(options.masterKey, 'subject-key-wrap');

  const encrypt = (key: Uint8Array, aad: string, data: Uint8Array) => {
    const iv = random(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    return Buffer.concat([iv, cipher.update(data), cipher.final(), cipher.getAuthTag()]).toString('base64');
  };
  const decrypt = (key: Uint8Array, aad: string, sealed: string) => {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  };
  const unwrap = (wrapped: string, subjectId: string) => decrypt(wrapKey, `subject:${subjectId}`, wrapped);

  // The blind index by our synchronous HMAC (crypto/sha256.ts), its key blocks hashed once: about 1.5 µs a number on
  // Node and 2 on Deno, where createHmac took 2.2 to 2.7 and 7 to 11 (Deno's node:crypto crosses into Rust per call).
  const indexMac = hmacSha256Sync(indexKey);
  const utf8 = new TextEncoder();
  const scratch = new Uint8Array(256); // the text's bytes, written in place: no new buffer per number
  const index = (siteId: string, value: string) => {
    const text = `${siteId}\n${value}`;
    const { read, written } = utf8.encodeInto(text, scratch);
    return toHex(indexMac(read === text.length ? scratch.subarray(0, written) : utf8.encode(text)));
  };

  return {
    async blindIndex(siteId, e164) {
      return index(siteId, e164);
    },
    async blindIndexes(siteId, values) {
      return values.map((value) => index(siteId, value));
    },
    async newSubject(subjectId, plaintexts) {
      const key = random(32);
      const wrappedKey = encrypt(wrapKey, `subject:${subjectId}`, key);
      const sealed = plaintexts.map((plaintext) => encrypt(key, subjectId, Buffer.from(plaintext, 'utf8')));
      key.fill(0);
      return { wrappedKey, sealed };
    },
    async seal(wrappedKey, subjectId, plaintext) {
      return encrypt(unwrap(wrappedKey, subjectId), subjectId, Buffer.from(plaintext, 'utf8'));
    },
    async open(wrappedKey, subjectId, ciphertext) {
      return decrypt(unwrap(wrappedKey, subjectId), subjectId, ciphertext).toString('utf8');
    },
    async openAll(wrappedKey, subjectId, ciphertexts) {
      const key = unwrap(wrappedKey, subjectId);
      return ciphertexts.map((sealed) => decrypt(key, subjectId, sealed).toString('utf8'));
    },
  };
}
