// Compact JWS (EdDSA, Ed25519) verification with WebCrypto alone, so the standalone verifier and the proof page
// need no library: EdDSA only, and the `kid` must name an Ed25519 key given. The one receipt check (the tests use it).
import { fromBase64Url, fromUtf8, utf8 } from '../crypto/encoding.ts';

export interface PublicKeyJwk {
  kty?: string;
  crv?: string;
  x?: string;
  kid?: string;
}

export interface KeySet {
  keys: PublicKeyJwk[];
}

export class JwsError extends Error {
  override name = 'JwsError';
  constructor(
    readonly code: 'malformed' | 'alg_not_allowed' | 'unknown_kid' | 'bad_key' | 'bad_signature',
    message: string,
  ) {
    super(message);
  }
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(fromUtf8(fromBase64Url(part)));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new JwsError('malformed', `JWS ${what} is not a JSON object`);
}

/** Checks the signature and returns the exact signed payload bytes and the key id that verified them. */
export async function verifyJws(jws: string, jwks: KeySet): Promise<{ payload: Uint8Array; kid: string }> {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3) throw new JwsError('malformed', 'not a compact JWS');
  const [head, body, sig] = parts as [string, string, string];
  const header = decodeJson(head, 'header');
  if (header.alg !== 'EdDSA') throw new JwsError('alg_not_allowed', `algorithm ${JSON.stringify(header.alg)} is not allowed`);
  const kid = header.kid;
  const jwk = typeof kid === 'string' ? jwks.keys.find((k) => k.kid === kid) : undefined;
  if (!jwk || typeof kid !== 'string') throw new JwsError('unknown_kid', `no key ${String(kid)} in the JWKS`);
  let raw: Uint8Array;
  try {
    raw = fromBase64Url(String(jwk.x));
  } catch {
    raw = new Uint8Array(0);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || raw.length !== 32) {
    throw new JwsError('bad_key', `key ${kid} is not an Ed25519 public key`);
  }
  let signature: Uint8Array;
  let payload: Uint8Array;
  try {
    signature = fromBase64Url(sig);
    payload = fromBase64Url(body);
  } catch {
    throw new JwsError('malformed', 'JWS payload or signature is not base64url');
  }
  const key = await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  const ok =
    signature.length === 64 &&
    (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, utf8(`${head}.${body}`) as BufferSource));
  if (!ok) throw new JwsError('bad_signature', 'signature check failed: the signature does not match the key and payload');
  return { payload, kid };
}
