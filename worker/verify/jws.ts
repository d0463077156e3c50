// Compact JWS (EdDSA, Ed25519) verification with WebCrypto alone, so the standalone verifier and the proof page
// need no library: EdDSA only, and the `kid` must name an Ed25519 key given whose RFC 7638 thumbprint it is. Every
// part must be canonical base64url and hold JSON with no repeated key. The one receipt check (the tests use it).
import { fromUtf8, utf8 } from '../crypto/encoding.ts';
import { checkReceiptJwk, fromCanonicalBase64Url } from './canonical.ts';
import { parseJsonStrict } from './strict-json.ts';

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
    readonly code: 'malformed' | 'alg_not_allowed' | 'unknown_kid' | 'bad_key' | 'bad_kid' | 'bad_signature',
    message: string,
  ) {
    super(message);
  }
}

function decode(part: string, what: string): Uint8Array {
  try {
    return fromCanonicalBase64Url(part, `JWS ${what}`);
  } catch (error) {
    throw new JwsError('malformed', (error as Error).message);
  }
}

function decodeJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonStrict(fromUtf8(bytes));
  } catch (error) {
    throw new JwsError('malformed', `JWS ${what} is not JSON with unique keys: ${(error as Error).message}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new JwsError('malformed', `JWS ${what} is not a JSON object`);
}

/**
 * Checks the signature and returns the exact signed payload bytes, the key id that verified them and that key's
 * RFC 7638 thumbprint as recomputed here (equal to the kid, or the JWS is refused).
 */
export async function verifyJws(
  jws: string,
  jwks: KeySet,
): Promise<{ payload: Uint8Array; kid: string; thumbprint: string }> {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3) throw new JwsError('malformed', 'not a compact JWS');
  const [head, body, sig] = parts as [string, string, string];
  const header = decodeJson(decode(head, 'header'), 'header');
  if (header.alg !== 'EdDSA')
    throw new JwsError('alg_not_allowed', `algorithm ${JSON.stringify(header.alg)} is not allowed`);
  const kid = header.kid;
  const jwk = typeof kid === 'string' ? jwks.keys.find((k) => k.kid === kid) : undefined;
  if (!jwk || typeof kid !== 'string') throw new JwsError('unknown_kid', `no key ${String(kid)} in the JWKS`);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519')
    throw new JwsError('bad_key', `key ${kid} is not an Ed25519 public key`);
  const checked = await checkReceiptJwk(jwk);
  if (!checked.ok) throw new JwsError(checked.kidMismatch ? 'bad_kid' : 'bad_key', checked.problem);
  const raw = fromCanonicalBase64Url(String(jwk.x));
  const payload = decode(body, 'payload');
  const signature = decode(sig, 'signature');
  // The payload is the receipt's JCS bytes, so it holds each key once; say so plainly when it does not.
  decodeJson(payload, 'payload');
  const key = await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  const ok =
    signature.length === 64 &&
    (await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      signature as BufferSource,
      utf8(`${head}.${body}`) as BufferSource,
    ));
  if (!ok)
    throw new JwsError('bad_signature', 'signature check failed: the signature does not match the key and payload');
  return { payload, kid, thumbprint: checked.thumbprint };
}
