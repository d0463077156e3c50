// Consent receipts as compact JWS (Ed25519 via jose) over their RFC 8785 bytes, and the key
// ring that keeps every public key ever used so old receipts verify after a rotation.

import { calculateJwkThumbprint, CompactSign, importJWK, type JWK } from 'jose';
import { concatBytes, fromBase64Url, toBase64Url } from './encoding.ts';
import { jcsBytes } from './jcs.ts';

/**
 * The only JWS algorithm we sign with or accept. "EdDSA" (RFC 8037) rather than the newer
 * fully specified "Ed25519" (RFC 9864) because more auditor tooling verifies it today; both
 * mean Ed25519 here, and jose 6 signs and verifies either.
 */
export const RECEIPT_ALG = 'EdDSA';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof RECEIPT_ALG;
  use: 'sig';
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

export interface Jwks {
  keys: JWK[];
}

/** The key that signs now, and the public half of every key that ever signed. */
export interface KeyRing {
  current: PrivateJwk;
  keys: PublicJwk[];
}

/** A signing key that cannot be used (verification is verify/jws.ts, the code the verifiers run). */
export class ReceiptSignatureError extends Error {
  override name = 'ReceiptSignatureError';
  constructor(
    readonly code: 'bad_key',
    message: string,
  ) {
    super(message);
  }
}

const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** RFC 7638 thumbprint (SHA-256, base64url) of the public key. */
export function keyId(jwk: { x: string }): Promise<string> {
  return calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
}

export function toPublicJwk(jwk: PublicJwk): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: jwk.kid, alg: RECEIPT_ALG, use: 'sig' };
}

export async function generateSigningKey(): Promise<PrivateJwk> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  return importSigningKey({ kty: 'OKP', crv: 'Ed25519', d: toBase64Url(seed) });
}

/**
 * Validates a private Ed25519 JWK (e.g. ASSENT_SIGNING_KEY) and normalises it: derives `x`
 * from `d` (refusing a mismatched pair) and sets `kid` to the thumbprint.
 */
export async function importSigningKey(input: unknown): Promise<PrivateJwk> {
  const jwk = (typeof input === 'string' ? JSON.parse(input) : input) as Partial<JWK> | null;
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new ReceiptSignatureError('bad_key', 'signing key must be an Ed25519 private JWK (kty OKP, crv Ed25519, d)');
  }
  let seed: Uint8Array;
  try {
    seed = fromBase64Url(jwk.d);
  } catch {
    throw new ReceiptSignatureError('bad_key', 'signing key "d" is not base64url');
  }
  if (seed.length !== 32) throw new ReceiptSignatureError('bad_key', 'signing key "d" must be 32 bytes');
  const key = await crypto.subtle.importKey(
    'pkcs8',
    concatBytes(PKCS8_ED25519_PREFIX, seed) as BufferSource,
    { name: 'Ed25519' },
    true,
    ['sign'],
  );
  const x = (await crypto.subtle.exportKey('jwk', key)).x!;
  if (jwk.x !== undefined && jwk.x !== x)
    throw new ReceiptSignatureError('bad_key', 'signing key "x" does not match "d"');
  const kid = await keyId({ x });
  return { kty: 'OKP', crv: 'Ed25519', x, d: jwk.d, kid, alg: RECEIPT_ALG, use: 'sig' };
}

export function createKeyRing(options: { current: PrivateJwk; previous?: PublicJwk[] }): KeyRing {
  const keys = new Map<string, PublicJwk>();
  for (const k of options.previous ?? []) keys.set(k.kid, toPublicJwk(k));
  keys.set(options.current.kid, toPublicJwk(options.current));
  return { current: options.current, keys: [...keys.values()] };
}

/** Sign with `next` from now on; every earlier public key stays published. */
export function rotateKeyRing(ring: KeyRing, next: PrivateJwk): KeyRing {
  return createKeyRing({ current: next, previous: ring.keys });
}

/** The document served at /.well-known/jwks.json. */
export function publicJwks(ring: KeyRing): { keys: PublicJwk[] } {
  return { keys: ring.keys.map(toPublicJwk) };
}

/** Private keys imported once per key object: a ring's current key signs every receipt (each proof GET signs one). */
const imported = new WeakMap<PrivateJwk, ReturnType<typeof importJWK>>();
function privateKey(jwk: PrivateJwk): ReturnType<typeof importJWK> {
  let key = imported.get(jwk);
  if (!key) {
    key = importJWK({ kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x }, RECEIPT_ALG);
    imported.set(jwk, key);
    key.catch(() => imported.delete(jwk));
  }
  return key;
}

export async function signReceipt(receipt: unknown, ring: KeyRing): Promise<string> {
  const { kid } = ring.current;
  const key = await privateKey(ring.current);
  return new CompactSign(jcsBytes(receipt) as Uint8Array<ArrayBuffer>)
    .setProtectedHeader({ alg: RECEIPT_ALG, kid })
    .sign(key);
}
