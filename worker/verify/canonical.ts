// One spelling per value: base64 and base64url decoders that refuse every text but the one an encoder writes for
// those bytes (padding as the alphabet requires, unused trailing bits zero), and the RFC 7638 thumbprint a JWK's
// `kid` must equal. A second spelling of the same bytes would let two files that read differently verify alike.
import { fromBase64, fromBase64Url, sha256, toBase64, utf8 } from '../crypto/encoding.ts';

export class EncodingError extends TypeError {
  override name = 'EncodingError';
}

const toUrl = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Standard base64 with its padding (RFC 4648 §4), in the one form that re-encodes to itself. */
export function fromCanonicalBase64(text: string, what = 'value'): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text);
  } catch {
    throw new EncodingError(`${what} is not base64`);
  }
  if (toBase64(bytes) !== text)
    throw new EncodingError(`${what} is not canonical base64 (its unused trailing bits are not zero)`);
  return bytes;
}

/** base64url without padding (RFC 4648 §5, as JOSE writes it), in the one form that re-encodes to itself. */
export function fromCanonicalBase64Url(text: string, what = 'value'): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text))
    throw new EncodingError(`${what} is not base64url (padding or a character outside the URL alphabet)`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch {
    throw new EncodingError(`${what} is not base64url`);
  }
  if (toUrl(toBase64(bytes)) !== text)
    throw new EncodingError(`${what} is not canonical base64url (its unused trailing bits are not zero)`);
  return bytes;
}

export const isCanonicalBase64 = (text: unknown): boolean => {
  try {
    return typeof text === 'string' && fromCanonicalBase64(text) !== undefined;
  } catch {
    return false;
  }
};

/**
 * RFC 7638 thumbprint of an Ed25519 public JWK: SHA-256 over `{"crv":"Ed25519","kty":"OKP","x":…}` (exactly these
 * members, in this order, no whitespace), base64url. Computed here from `x` alone, never read from the key.
 */
export async function ed25519Thumbprint(x: string): Promise<string> {
  return toUrl(toBase64(await sha256(utf8(`{"crv":"Ed25519","kty":"OKP","x":${JSON.stringify(x)}}`))));
}

/**
 * Why a JWK cannot be a receipt key, or null: an Ed25519 public key (`kty` OKP, `crv` Ed25519, `x` 32 bytes in
 * canonical base64url) whose `kid` is its own RFC 7638 thumbprint. Returns the thumbprint when the key is sound.
 */
export async function checkReceiptJwk(
  jwk: unknown,
): Promise<{ ok: true; kid: string; thumbprint: string } | { ok: false; kidMismatch?: true; problem: string }> {
  const key = (jwk && typeof jwk === 'object' ? jwk : {}) as Record<string, unknown>;
  const kid = typeof key.kid === 'string' ? key.kid : undefined;
  const name = kid === undefined ? 'a key with no kid' : `key ${kid}`;
  if (kid === undefined) return { ok: false, problem: `${name}: every key needs its RFC 7638 thumbprint as kid` };
  if (key.kty !== 'OKP' || key.crv !== 'Ed25519')
    return { ok: false, problem: `${name} is not an Ed25519 key (kty OKP, crv Ed25519)` };
  try {
    if (fromCanonicalBase64Url(String(key.x), `${name}: x`).length !== 32)
      return { ok: false, problem: `${name}: x is not 32 bytes` };
    fromCanonicalBase64Url(kid, `${name}: kid`);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  const thumbprint = await ed25519Thumbprint(String(key.x));
  if (thumbprint !== kid)
    return {
      ok: false,
      kidMismatch: true,
      problem: `${name}: its RFC 7638 thumbprint is ${thumbprint}, not its kid: the key was swapped or the kid made up`,
    };
  return { ok: true, kid, thumbprint };
}

/** The first problem of a key set (null when every key is sound). */
export async function jwksProblem(jwks: unknown): Promise<string | null> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return 'the JWKS has no "keys" array';
  for (const key of keys) {
    const checked = await checkReceiptJwk(key);
    if (!checked.ok) return checked.problem;
  }
  return null;
}

/** Splits a note verifier key `name+hash+base64` on its first two `+` only: the base64 part may itself hold `+`. */
export function splitVerifierKey(key: string): [name: string, hash: string, key: string] | null {
  const first = key.indexOf('+');
  const second = first < 0 ? -1 : key.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return null;
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
}

/**
 * Why a signed checkpoint's encodings are not the canonical ones (the root line, each signature line), or null. The
 * signature covers the body only, so a signature line spelled another way would otherwise still verify.
 */
export function checkpointEncodingProblem(note: string): string | null {
  const split = note.lastIndexOf('\n\n');
  const body = note.slice(0, split + 1).split('\n');
  const root = body[2];
  if (root !== undefined && !isCanonicalBase64(root)) return 'the checkpoint root is not canonical base64';
  for (const line of note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean)) {
    const value = line.slice(line.lastIndexOf(' ') + 1);
    if (!isCanonicalBase64(value)) return 'a checkpoint signature line is not canonical base64';
  }
  return null;
}
