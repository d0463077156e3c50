// Personal data at rest: per-subject AES-GCM keys wrapped by the master key, and an HMAC blind index for lookup.
import { fromBase64, toBase64, toHex } from './encoding.ts';
import type { Random } from './tokens.ts';

export interface Sealer {
  /** Blind index of a normalised number for one site: the only lookup key ever stored. */
  blindIndex(siteId: string, e164: string): Promise<string>;
  /** `blindIndex` of each value, in order (the bulk gate's thousand numbers: one call, not a thousand awaits). */
  blindIndexes(siteId: string, values: string[]): Promise<string[]>;
  /**
   * A fresh subject key, returned wrapped (base64) for storage, and `plaintexts` sealed under it (`seal` of each)
   * without unwrapping what was just wrapped: a new subscriber's number and first SMS, a secret's box.
   */
  newSubject(subjectId: string, plaintexts: string[]): Promise<{ wrappedKey: string; sealed: string[] }>;
  seal(wrappedKey: string, subjectId: string, plaintext: string): Promise<string>;
  open(wrappedKey: string, subjectId: string, ciphertext: string): Promise<string>;
  /** `open` of each ciphertext, the subject key unwrapped once (a message's number and text, just before it is sent). */
  openAll(wrappedKey: string, subjectId: string, ciphertexts: string[]): Promise<string[]>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

async function hkdf(master: CryptoKey, info: string, usage: 'hmac' | 'aes'): Promise<CryptoKey> {
  const params = { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('assent/v1'), info: enc.encode(info) };
  return usage === 'hmac'
    ? crypto.subtle.deriveKey(params, master, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign'])
    : crypto.subtle.deriveKey(params, master, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function gcmEncrypt(key: CryptoKey, aad: string, data: BufferSource, random: Random): Promise<string> {
  const iv = random(12);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, key, data),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return toBase64(out);
}

async function gcmDecrypt(key: CryptoKey, aad: string, sealed: string): Promise<Uint8Array> {
  const bytes = fromBase64(sealed);
  const iv = bytes.subarray(0, 12);
  return new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: iv as BufferSource, additionalData: enc.encode(aad) },
      key,
      bytes.subarray(12) as BufferSource,
    ),
  );
}

/** masterKey: 32 raw bytes (ASSENT_MASTER_KEY). Wrapping and indexing keys are derived from it with HKDF. */
export async function createSealer(options: { masterKey: Uint8Array; random: Random }): Promise<Sealer> {
  const { random } = options;
  if (options.masterKey.length !== 32) throw new Error('ASSENT_MASTER_KEY must be 32 bytes');
  const master = await crypto.subtle.importKey('raw', options.masterKey as BufferSource, 'HKDF', false, ['deriveKey']);
  const indexKey = await hkdf(master, 'blind-index', 'hmac');
  const wrapKey = await hkdf(master, 'subject-key-wrap', 'aes');
  const unwrap = async (wrapped: string, subjectId: string) =>
    crypto.subtle.importKey(
      'raw',
      (await gcmDecrypt(wrapKey, `subject:${subjectId}`, wrapped)) as BufferSource,
      'AES-GCM',
      false,
      ['encrypt', 'decrypt'],
    );

  const blindIndex = async (siteId: string, value: string) =>
    toHex(new Uint8Array(await crypto.subtle.sign('HMAC', indexKey, enc.encode(`${siteId}\n${value}`))));

  return {
    blindIndex,
    blindIndexes: (siteId, values) => Promise.all(values.map((value) => blindIndex(siteId, value))),
    async newSubject(subjectId, plaintexts) {
      const raw = random(32);
      const key = await crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt']);
      const [wrappedKey, ...sealed] = await Promise.all([
        gcmEncrypt(wrapKey, `subject:${subjectId}`, raw as BufferSource, random),
        ...plaintexts.map((plaintext) => gcmEncrypt(key, subjectId, enc.encode(plaintext), random)),
      ]);
      raw.fill(0);
      return { wrappedKey: wrappedKey!, sealed };
    },
    async seal(wrappedKey, subjectId, plaintext) {
      return gcmEncrypt(await unwrap(wrappedKey, subjectId), subjectId, enc.encode(plaintext), random);
    },
    async open(wrappedKey, subjectId, ciphertext) {
      return dec.decode(await gcmDecrypt(await unwrap(wrappedKey, subjectId), subjectId, ciphertext));
    },
    async openAll(wrappedKey, subjectId, ciphertexts) {
      const key = await unwrap(wrappedKey, subjectId);
      return Promise.all(ciphertexts.map(async (sealed) => dec.decode(await gcmDecrypt(key, subjectId, sealed))));
    },
  };
}
