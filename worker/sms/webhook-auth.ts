// How provider webhooks prove where they come from when they are not Twilio or Standard Webhooks: Vonage's signed
// JWT (checked over the raw bytes received), or, for providers that sign nothing, a per-site secret path token.
import { fromBase64Url, fromUtf8 } from '../crypto/encoding.ts';
import { sha256Hex, timingSafeEqual } from '../crypto/tokens.ts';

const encoder = new TextEncoder();

/**
 * The path token compared in constant time: both sides are hashed first, so neither the length nor a common prefix
 * of the stored token shows in the time taken.
 */
export async function pathTokenMatches(expected: string | undefined, given: string | undefined): Promise<boolean> {
  if (!expected || !given || given.length > 256) return false;
  return timingSafeEqual(await sha256Hex(expected), await sha256Hex(given));
}

export type VonageVerification =
  | { ok: true; jti: string; iat: number }
  | {
      ok: false;
      reason: 'missing-token' | 'malformed-token' | 'bad-signature' | 'stale-token' | 'payload-hash' | 'wrong-api-key';
    };

function json(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(fromUtf8(fromBase64Url(part)));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Vonage Messages API signed webhooks: `Authorization: Bearer <JWT>`, HS256 with the account's signature secret, whose
 * `payload_hash` claim is the hex SHA-256 of the body. We check the signature, the hash over the bytes received (so a
 * body changed after signing is refused even over TLS), `iat` within the tolerance either way, `exp` when present,
 * and that `api_key` names the configured account. `jti` is what the caller dedupes on.
 * https://developer.vonage.com/en/messages/concepts/signed-webhooks
 * https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks
 */
export async function verifyVonageJwt(options: {
  signatureSecret: string;
  apiKey?: string;
  authorization: string | undefined;
  body: Uint8Array;
  now: Date;
  toleranceSeconds?: number;
}): Promise<VonageVerification> {
  const m = /^Bearer ([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{1,4000})\.([A-Za-z0-9_-]{1,200})$/.exec(
    options.authorization?.trim() ?? '',
  );
  if (!m) return { ok: false, reason: options.authorization ? 'malformed-token' : 'missing-token' };
  const [, head, payload, signature] = m as unknown as [string, string, string, string];
  const header = json(head);
  const claims = json(payload);
  if (!header || !claims || header.alg !== 'HS256') return { ok: false, reason: 'malformed-token' };
  let mac: Uint8Array;
  try {
    mac = fromBase64Url(signature);
  } catch {
    return { ok: false, reason: 'malformed-token' };
  }
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(options.signatureSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  if (
    mac.length !== 32 ||
    !(await crypto.subtle.verify('HMAC', key, mac as BufferSource, encoder.encode(`${head}.${payload}`)))
  ) {
    return { ok: false, reason: 'bad-signature' };
  }
  const now = options.now.getTime() / 1000;
  const tolerance = options.toleranceSeconds ?? 300;
  const { iat, exp, jti, payload_hash: hash, api_key: apiKey } = claims;
  if (typeof iat !== 'number' || Math.abs(now - iat) > tolerance) return { ok: false, reason: 'stale-token' };
  if (exp !== undefined && (typeof exp !== 'number' || exp < now - tolerance))
    return { ok: false, reason: 'stale-token' };
  if (typeof jti !== 'string' || !jti || jti.length > 200) return { ok: false, reason: 'malformed-token' };
  if (typeof hash !== 'string' || !timingSafeEqual(hash.toLowerCase(), await sha256Hex(options.body)))
    return { ok: false, reason: 'payload-hash' };
  if (options.apiKey !== undefined && apiKey !== options.apiKey) return { ok: false, reason: 'wrong-api-key' };
  return { ok: true, jti, iat };
}
