// Parses ASSENT_SIGNING_KEY (an Ed25519 private JWK) and ASSENT_SIGNING_KEYS_RETIRED (public JWKs) into the key ring
// that signs receipts and the seed that signs log checkpoints.
import type { SigningKeys } from '../domain/context.ts';
import { fromBase64Url } from './encoding.ts';
import { createKeyRing, importSigningKey, keyId, type PublicJwk } from './signing.ts';

export async function signingKeysFrom(privateJwkJson: string, retiredJson?: string): Promise<SigningKeys> {
  const current = await importSigningKey(privateJwkJson);
  const retired = retiredJson ? (JSON.parse(retiredJson) as Partial<PublicJwk>[]) : [];
  if (!Array.isArray(retired) || retired.some((k) => k.kty !== 'OKP' || k.crv !== 'Ed25519' || !k.x || 'd' in k)) {
    throw new Error('ASSENT_SIGNING_KEYS_RETIRED must be a JSON array of Ed25519 public JWKs (no "d")');
  }
  const previous = await Promise.all(
    retired.map(async (k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.x!, kid: await keyId({ x: k.x! }), alg: 'EdDSA', use: 'sig' }) as PublicJwk),
  );
  return { ring: createKeyRing({ current, previous }), seed: fromBase64Url(current.d) };
}
