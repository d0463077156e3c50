// Node and Deno: the same sealing as worker/crypto/sealing.ts (same HKDF keys, same AES-GCM layout iv ‖ ct ‖ tag,
// same blind index), computed synchronously with node:crypto instead of WebCrypto's promise per call. Either can
// read what the other wrote; a test holds them equal.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
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

  const index = (siteId: string, value: string) =>
    createHmac('sha256', indexKey).update(`${siteId}\n${value}`, 'utf8').digest('hex');

  return {
    async blindIndex(siteId, e164) {
      return index(siteId, e164);
    },
    async blindIndexes(siteId, values) {
      return values.map((value) => index(siteId, value));
    },
    async newSubjectKey(subjectId) {
      return encrypt(wrapKey, `subject:${subjectId}`, random(32));
    },
    async seal(wrappedKey, subjectId, plaintext) {
      return encrypt(unwrap(wrappedKey, subjectId), subjectId, Buffer.from(plaintext, 'utf8'));
    },
    async sealAll(wrappedKey, subjectId, plaintexts) {
      const key = unwrap(wrappedKey, subjectId);
      return plaintexts.map((plaintext) => encrypt(key, subjectId, Buffer.from(plaintext, 'utf8')));
    },
    async open(wrappedKey, subjectId, ciphertext) {
      return decrypt(unwrap(wrappedKey, subjectId), subjectId, ciphertext).toString('utf8');
    },
  };
}
