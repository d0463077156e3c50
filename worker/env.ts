// Environment variables, parsed once at the entry with zod. Production refuses to start without its secrets.
import { z } from 'zod';
import { fromBase64 } from './crypto/encoding.ts';

/** A whole number in decimal digits within [min, max], read from the environment's text ("abc" is named as such). */
const wholeNumber = (min: number, max: number) =>
  z
    .preprocess(
      // A number already (a Workers binding set as one in wrangler.toml) reads as its digits.
      (value) => (typeof value === 'number' ? String(value) : value),
      z
        .string()
        .trim()
        .regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`),
    )
    .transform(Number)
    .pipe(z.number().min(min, `must be from ${min} to ${max}`).max(max, `must be from ${min} to ${max}`));

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
  PORT: wholeNumber(0, 65535).default(8787),
  ASSENT_MODE: z.enum(['dev', 'production']).default('dev'),
  ASSENT_DATA_DIR: z.string().min(1).default('./data'),
  ASSENT_DB_URL: z
    .string()
    .regex(
      /^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/|:memory:$)/,
      'must be file:PATH (the embedded database, e.g. file:/var/lib/assent/assent.db), or libsql://… or https://… (a libSQL server, Turso)',
    )
    .optional(),
  ASSENT_DB_AUTH_TOKEN: z.string().min(1).optional(),
  /** The remote database an embedded replica (ASSENT_DB_URL=file:…) syncs from. */
  ASSENT_DB_SYNC_URL: z
    .string()
    .regex(/^(libsql|https?):\/\/[^/\s]+/, "must be the remote database's libsql:// or https:// URL")
    .optional(),
  ASSENT_PUBLIC_URL: z.url().optional(),
  ASSENT_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters (production: 32, e.g. `openssl rand -base64 32`)')
    .optional(),
  ASSENT_MASTER_KEY: base64Key.optional(),
  ASSENT_SIGNING_KEY: jwk.optional(),
  /** JSON array of retired Ed25519 public JWKs, kept in the JWKS so old proofs still verify. */
  ASSENT_SIGNING_KEYS_RETIRED: z.string().optional(),
  /**
   * How many proxies you run in front, each appending to X-Forwarded-For: the client is then the N-th entry from
   * the right (entries further left are whatever the client sent). 0 (the default): the socket address.
   */
  ASSENT_TRUST_PROXY: z
    .string()
    .regex(
      /^\d{1,2}$/,
      'must be the number of proxies in front of the server that append to X-Forwarded-For (0 = none)',
    )
    .default('0')
    .transform(Number),
  /** Dev mode only: webhook and provider URLs may be http://127.0.0.1 or localhost (to reach a local stand-in). */
  ASSENT_ALLOW_LOCAL_CALLBACKS: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1'),
  /** `Server-Timing: db;dur=…;desc="<round trips>"` on every response. Unset: on in dev mode, off in production. */
  ASSENT_SERVER_TIMING: z
    .enum(['0', '1'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === '1')),
  /**
   * The witness role (C2SP tlog-witness): this server's cosignature/v1 key, `PRIVATE+KEY+<name>+<key id>+base64(0x04 ‖
   * seed)`. Dev mode generates one into the data dir; production without it serves no witness.
   */
  ASSENT_WITNESS_KEY: z
    .string()
    .regex(
      /^PRIVATE\+KEY\+[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/,
      'must be PRIVATE+KEY+<name>+<key id>+<base64> (make one: npx tsx scripts/witness-key.ts <name>)',
    )
    .optional(),
  /** A file of tlog-policy `log <vkey> [<url>]` lines: the logs this server witnesses. */
  ASSENT_WITNESS_LOGS: z.string().min(1).optional(),
  /** A tlog-policy file: the witnesses our site checkpoints are sent to, and the quorum verifiers should ask. */
  ASSENT_WITNESS_POLICY: z.string().min(1).optional(),
  /** Seconds between two submissions of one site's checkpoint to a witness (only when the log grew). */
  ASSENT_WITNESS_INTERVAL: wholeNumber(1, 86_400).default(300),
  /** The address to listen on (Node, Deno). Default: 127.0.0.1 in dev mode, 0.0.0.0 in production. */
  HOST: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

export const SECRETS = ['ASSENT_PUBLIC_URL', 'ASSENT_ADMIN_TOKEN', 'ASSENT_MASTER_KEY', 'ASSENT_SIGNING_KEY'] as const;

/**
 * Why a production admin token is too weak to guess at, or null: under 32 characters, fewer than 10 different
 * characters (`aaaa…`, `0101…`), or one short run repeated (`abcd1234abcd1234…`). `openssl rand -base64 32`
 * and `openssl rand -hex 32` pass.
 */
export function weakAdminToken(token: string): string | null {
  if (token.length < 32) return `is ${token.length} characters; production needs at least 32`;
  if (new Set(token).size < 10)
    return `uses only ${new Set(token).size} different characters; production needs at least 10`;
  for (let unit = 1; unit <= token.length / 2; unit++) {
    if (token.length % unit === 0 && token.slice(unit) === token.slice(0, -unit))
      return `repeats a run of ${unit} characters`;
  }
  return null;
}

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
  if (env.ASSENT_DB_SYNC_URL && env.ASSENT_DB_URL && !env.ASSENT_DB_URL.startsWith('file:')) {
    throw new EnvError(
      'ASSENT_DB_SYNC_URL makes ASSENT_DB_URL an embedded replica, so ASSENT_DB_URL must be a file: URL (or unset).',
    );
  }
  if (env.ASSENT_MODE === 'production') {
    if (env.ASSENT_ALLOW_LOCAL_CALLBACKS) {
      throw new EnvError(
        'ASSENT_ALLOW_LOCAL_CALLBACKS=1 is for dev mode only: production calls out to public https addresses only.',
      );
    }
    const missing = SECRETS.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new EnvError(
        `Production mode needs ${missing.join(', ')}; ${missing[0]} is missing. See the README, "Configuration".`,
      );
    }
    // Every link the server sends (confirmation SMS, proofs, policies) starts with it: in clear over http, a link could
    // be read or changed on the way, and HSTS would not hold. Only a trial on this machine may use http.
    const publicUrl = new URL(env.ASSENT_PUBLIC_URL!);
    if (publicUrl.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(publicUrl.hostname)) {
      throw new EnvError(
        `ASSENT_PUBLIC_URL must be https:// in production (${publicUrl.protocol} given): it starts every link sent to subscribers.`,
      );
    }
    const weak = weakAdminToken(env.ASSENT_ADMIN_TOKEN!);
    if (weak) throw new EnvError(`ASSENT_ADMIN_TOKEN ${weak}: make one with \`openssl rand -base64 32\`.`);
  }
  return env;
}
