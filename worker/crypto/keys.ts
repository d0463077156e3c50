// Parses ASSENT_SIGNING_KEY (an Ed25519 private JWK) and ASSENT_SIGNING_KEYS_RETIRED (public JWKs) into the key ring
// that signs receipts and the seed that signs log checkpoints.
import { fromBase64Url } from './encoding.ts';
import { createKeyRing, importSigningKey, keyId, type KeyRing, type PublicJwk } from './signing.ts';

/** The Ed25519 key that signs receipts (JWS) and log checkpoints (signed notes), and the retired public keys. */
export interface SigningKeys {
  ring: KeyRing;
  /** The raw 32-byte seed (the JWK's d), for note signatures. */
  seed: Uint8Array;
}

const RETIRED_SHAPE = 'ASSENT_SIGNING_KEYS_RETIRED must be a JSON array of Ed25519 public JWKs (no "d")';

/** The retired keys' JSON; a value that is not JSON names the variable, not the parser's position in it. */
function parseRetired(json: string): Partial<PublicJwk>[] {
  try {
    return JSON.parse(json) as Partial<PublicJwk>[];
  } catch {
    throw new Error(`${RETIRED_SHAPE}; its value is not JSON`);
  }
}

export async function signingKeysFrom(privateJwkJson: string, retiredJson?: string): Promise<SigningKeys> {
  const current = await importSigningKey(privateJwkJson);
  const retired = retiredJson ? parseRetired(retiredJson) : [];
  if (
    !Array.isArray(retired) ||
    retired.some((k) => !k || typeof k !== 'object' || k.kty !== 'OKP' || k.crv !== 'Ed25519' || !k.x || 'd' in k)
  ) {
    throw new Error(RETIRED_SHAPE);
  }
  const previous = await Promise.all(
    retired.map(
      async (k) =>
        ({ kty: 'OKP', crv: 'Ed25519', x: k.x!, kid: await keyId({ x: k.x! }), alg: 'EdDSA', use: 'sig' }) as PublicJwk,
    ),
  );
  return { ring: createKeyRing({ current, previous }), seed: fromBase64Url(current.d) };
}
