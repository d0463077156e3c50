// buildDeps: the dependencies every runtime hands to createApp, from the parsed environment and the few pieces only
// the runtime can supply (its store, sealer, view of the client address, resolver, compression). Web standards only.
import type { Context, MiddlewareHandler } from 'hono';
import { contextFromDeps } from '../app.ts';
import type { AppDeps } from '../deps.ts';
import { fromBase64 } from '../crypto/encoding.ts';
import { signingKeysFrom } from '../crypto/keys.ts';
import { createSealer, type Sealer } from '../crypto/sealing.ts';
import { webRandom, type Random } from '../crypto/tokens.ts';
import type { Store } from '../db/client.ts';
import { ensureDemoSite } from '../domain/dev/index.ts';
import { masterKeyMismatch } from '../domain/service/index.ts';
import { EnvError, type Env } from '../env.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { jsonLogger, type Logger } from '../logger.ts';
import { clientIpResolver as resolveClientIp } from '../net/client-ip.ts';
import type { Resolver } from '../net/outbound.ts';
import { createConsoleProvider, memoryDevOutbox, type DevOutbox } from '../sms/providers/console.ts';
import { providerRouter } from '../sms/router.ts';
import { devHostNames } from '../http/dev-hosts.ts';
import { witnessConfig, type WitnessFiles } from '../witness/config.ts';

export interface RuntimeParts {
  env: Env;
  store: Store;
  /** Makes the sealer from the master key (default: WebCrypto's; Node and Deno pass a synchronous node:crypto one). */
  sealer?: (options: { masterKey: Uint8Array; random: Random }) => Sealer | Promise<Sealer>;
  /** The client's address as the runtime knows it (see clientIpResolver for ASSENT_TRUST_PROXY). */
  clientIp: (c: Context) => string | undefined;
  /** Where ASSENT_PUBLIC_URL is unset, which parseEnv allows in dev mode only. */
  publicUrl?: string;
  logger?: Logger;
  /** The console provider's deliveries (default: in memory, per process or isolate). */
  devOutbox?: DevOutbox;
  /** Every address a host name resolves to, where the runtime can say (configured URLs to private ones are refused). */
  resolve?: Resolver;
  /** The HTTP client for configured URLs (default: the global fetch). */
  fetch?: typeof fetch;
  compress?: MiddlewareHandler;
  /** Where the demo site's API key is printed, once, when dev mode creates it. */
  print?: (line: string) => void;
  /** The texts of the files ASSENT_WITNESS_LOGS and ASSENT_WITNESS_POLICY name (the entry reads them). */
  witnessFiles?: WitnessFiles;
}

/** With ASSENT_TRUST_PROXY=N, the N-th X-Forwarded-For entry from the right; else (or if not an IP) the direct one. */
export function clientIpResolver(env: Pick<Env, 'ASSENT_TRUST_PROXY'>, direct: (c: Context) => string | undefined) {
  return resolveClientIp<Context>(env.ASSENT_TRUST_PROXY, direct, (c) => c.req.header('x-forwarded-for'));
}

/** The app's dependencies (without the jobs' hooks: see jobs-runner.ts); in dev mode, the demo site exists after it. */
export async function buildDeps(parts: RuntimeParts): Promise<AppDeps> {
  const { env } = parts;
  const publicUrl = env.ASSENT_PUBLIC_URL ?? parts.publicUrl;
  // parseEnv refuses production without these; dev fills them from the data dir (or start:workers passes them).
  for (const name of ['ASSENT_MASTER_KEY', 'ASSENT_SIGNING_KEY'] as const)
    if (!env[name]) throw new EnvError(`${name} is missing.`);
  if (!publicUrl) throw new EnvError('ASSENT_PUBLIC_URL is missing.');
  const devOutbox = parts.devOutbox ?? memoryDevOutbox();
  const makeSealer = parts.sealer ?? createSealer;
  const deps: AppDeps = {
    store: parts.store,
    sealer: await makeSealer({
      masterKey: fromBase64(env.ASSENT_MASTER_KEY!),
      random: webRandom,
    }),
    mode: env.ASSENT_MODE,
    publicUrl,
    adminToken: env.ASSENT_ADMIN_TOKEN ?? null,
    keys: await signingKeysFrom(env.ASSENT_SIGNING_KEY!, env.ASSENT_SIGNING_KEYS_RETIRED),
    providerFor: providerRouter({
      console: createConsoleProvider({ outbox: devOutbox }),
      ...(parts.fetch ? { fetch: parts.fetch } : {}),
    }),
    logger: parts.logger ?? jsonLogger(),
    clientIp: parts.clientIp,
    ...(env.ASSENT_SERVER_TIMING !== undefined ? { serverTiming: env.ASSENT_SERVER_TIMING } : {}),
    ...(parts.compress ? { compress: parts.compress } : {}),
    // Without a resolver (Workers), the platform refuses private addresses itself; the literal is checked before each call.
    outbound: { allowLocal: env.ASSENT_ALLOW_LOCAL_CALLBACKS, ...(parts.resolve ? { resolve: parts.resolve } : {}) },
    ...(env.ASSENT_MODE === 'dev' ? { devOutbox, devHosts: devHostNames(env, publicUrl) } : {}),
    ...(await witnessConfig(env, parts.witnessFiles ?? {})),
  };
  const unopened = await masterKeyMismatch(contextFromDeps(deps).ctx);
  if (unopened) {
    throw new EnvError(
      `ASSENT_MASTER_KEY does not open ${unopened} in this database: they were sealed under another key. Start with the key the database was written with (a data dir first used in dev mode has it in dev-secrets.json), or with an empty database.`,
    );
  }
  if (env.ASSENT_MODE === 'dev') {
    const key = await ensureDemoSite(contextFromDeps(deps).ctx, policyTemplates);
    if (key) (parts.print ?? console.log)(`demo site created; its API key (shown once): ${key}`);
  }
  return deps;
}
