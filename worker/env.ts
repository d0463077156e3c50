// Environment variables, parsed once at the entry with zod. Production refuses to start without its secrets.
import { z } from 'zod';
import { fromBase64 } from './crypto/encoding.ts';

const base64Key = z.string().refine((v) => {
  try {
    return fromBase64(v).length === 32;
  } catch {
    return false;
  }
}, 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');

const jwk = z.string().refine((v) => {
  try {
    const k = JSON.parse(v) as Record<string, unknown>;
    return k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.d === 'string' && typeof k.x === 'string';
  } catch {
    return false;
  }
}, 'must be an Ed25519 private JWK (JSON with kty "OKP", crv "Ed25519", d and x)');

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  ASSENT_MODE: z.enum(['dev', 'production']).default('dev'),
  ASSENT_DATA_DIR: z.string().min(1).default('./data'),
  ASSENT_DB_URL: z.string().min(1).optional(),
  ASSENT_DB_AUTH_TOKEN: z.string().min(1).optional(),
  ASSENT_DB_SYNC_URL: z.string().min(1).optional(),
  ASSENT_PUBLIC_URL: z.url().optional(),
  ASSENT_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  ASSENT_MASTER_KEY: base64Key.optional(),
  ASSENT_SIGNING_KEY: jwk.optional(),
  /** JSON array of retired Ed25519 public JWKs, kept in the JWKS so old proofs still verify. */
  ASSENT_SIGNING_KEYS_RETIRED: z.string().optional(),
  /** Trust X-Forwarded-For from a proxy you run (for rate limits and receipts). Off by default. */
  ASSENT_TRUST_PROXY: z.enum(['0', '1', 'true', 'false']).default('0').transform((v) => v === '1' || v === 'true'),
});

export type Env = z.infer<typeof envSchema>;

export const SECRETS = ['ASSENT_PUBLIC_URL', 'ASSENT_ADMIN_TOKEN', 'ASSENT_MASTER_KEY', 'ASSENT_SIGNING_KEY'] as const;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseEnv(raw: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  if (env.ASSENT_MODE === 'production') {
    const missing = SECRETS.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new EnvError(`Production mode needs ${missing.join(', ')}; ${missing[0]} is missing. See the README, "Configuration".`);
    }
  }
  return env;
}
