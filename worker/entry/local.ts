// What the Node and Deno entries share: the data dir, dev secrets generated once, the libSQL store with its
// pragmas and migrations, the persisted dev outbox, the demo site and the job timer. Uses node: APIs (Deno has them).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import type { Context } from 'hono';
import { contextFromDeps, createApp, type AppDeps } from '../app.ts';
import { fromBase64, toBase64 } from '../crypto/encoding.ts';
import { signingKeysFrom } from '../crypto/keys.ts';
import { generateSigningKey } from '../crypto/signing.ts';
import { groupCommit } from '../db/group-commit.ts';
import { bufferedStdout } from './log-sink.ts';
import { createNodeSealer } from './node-sealer.ts';
import { compressResponses } from './compress.ts';
import { applyFilePragmas, libsqlStore } from '../db/libsql.ts';
import { fileClient } from '../db/libsql-file.ts';
import { migrate } from '../db/migrate.ts';
import { ensureDemoSite } from '../domain/demo.ts';
import { parseEnv, type Env } from '../env.ts';
import { clientIpResolver as resolveClientIp } from '../net/client-ip.ts';
import { dnsResolver } from './dns-resolver.ts';
import { pinnedFetch } from './pinned-fetch.ts';
import { migrations } from '../generated/migrations.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { createJobs } from '../jobs.ts';
import { jsonLogger } from '../log.ts';
import { createConsoleProvider, memoryDevOutbox, type DevMessage, type DevOutbox } from '../sms/providers/console.ts';
import { providerRouter } from '../sms/router.ts';

interface DevSecrets {
  masterKey: string;
  adminToken: string;
  signingKey: string;
}

/** Dev mode: secrets missing from the environment are generated once into the data dir and reused. */
async function devSecrets(dir: string): Promise<DevSecrets> {
  const file = join(dir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    masterKey: toBase64(crypto.getRandomValues(new Uint8Array(32))),
    adminToken: `dev-admin-${toBase64(crypto.getRandomValues(new Uint8Array(24))).replace(/[+/=]/g, '')}`,
    signingKey: JSON.stringify(await generateSigningKey()),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The console provider's deliveries, kept in the data dir so /dev/outbox and idempotency survive a restart. */
function fileDevOutbox(file: string): DevOutbox {
  const initial = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            return line ? [JSON.parse(line) as DevMessage] : [];
          } catch {
            return []; // a line cut short by a crash: that delivery never completed
          }
        })
    : [];
  const memory = memoryDevOutbox(initial);
  return {
    ...memory,
    add(message) {
      appendFileSync(file, `${JSON.stringify(message)}\n`);
      memory.add(message);
    },
  };
}

export async function loadEnv(raw: Record<string, string | undefined>): Promise<Env> {
  const env = parseEnv(raw);
  const dir = resolve(env.ASSENT_DATA_DIR);
  mkdirSync(dir, { recursive: true });
  if (env.ASSENT_MODE === 'dev') {
    const secrets = await devSecrets(dir);
    env.ASSENT_MASTER_KEY ??= secrets.masterKey;
    env.ASSENT_ADMIN_TOKEN ??= secrets.adminToken;
    env.ASSENT_SIGNING_KEY ??= secrets.signingKey;
    env.ASSENT_PUBLIC_URL ??= `http://localhost:${env.PORT}`;
  }
  return env;
}

/** The path of a `file:` URL (`file:relative/x.db`, `file:/abs/x.db`, `file:///abs/x.db`), without a query. */
const filePath = (url: string) => (url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url.slice('file:'.length).replace(/\?.*$/, ''));

export async function openStore(env: Env) {
  const dir = resolve(env.ASSENT_DATA_DIR);
  const url = env.ASSENT_DB_URL ?? `file:${join(dir, 'assent.db')}`;
  const isFile = url.startsWith('file:');
  // A plain file goes through the store's own file client, which keeps compiled statements (db/libsql-file.ts); an
  // embedded replica needs @libsql/client for its sync.
  const plainFile = isFile && !env.ASSENT_DB_SYNC_URL;
  const client = plainFile ? fileClient(filePath(url), { timeout: 5000 }) : createClient({
    url,
    ...(env.ASSENT_DB_AUTH_TOKEN ? { authToken: env.ASSENT_DB_AUTH_TOKEN } : {}),
    // An embedded replica: reads from the local file, writes to the primary, synced every 15 s and after writes.
    ...(env.ASSENT_DB_SYNC_URL ? { syncUrl: env.ASSENT_DB_SYNC_URL, syncInterval: 15 } : {}),
    // One connection for a file: the durability pragmas then hold for every statement.
    ...(isFile ? { concurrency: 1, timeout: 5000 } : {}),
  });
  if (isFile) await applyFilePragmas(client);
  const store = libsqlStore(client);
  await migrate(store, migrations);
  // On a local file every commit is an fsync: concurrent requests share one.
  return isFile && !env.ASSENT_DB_SYNC_URL ? groupCommit(store) : store;
}

export interface LocalServer {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  stop(): Promise<void>;
}

/** With ASSENT_TRUST_PROXY=N, the N-th X-Forwarded-For entry from the right; else (or if not an IP) the socket. */
export function clientIpResolver(env: Pick<Env, 'ASSENT_TRUST_PROXY'>, direct: (c: Context) => string | undefined) {
  return resolveClientIp<Context>(env.ASSENT_TRUST_PROXY, direct, (c) => c.req.header('x-forwarded-for'));
}

/** Dev mode serves /dev/outbox (numbers, live links): it listens on 127.0.0.1 unless HOST says otherwise. */
export const listenHost = (env: Pick<Env, 'HOST' | 'ASSENT_MODE'>) => env.HOST ?? (env.ASSENT_MODE === 'dev' ? '127.0.0.1' : '0.0.0.0');

export async function startLocal(
  raw: Record<string, string | undefined>,
  options: {
    log?: (line: string) => void;
    clientIp?: (c: Context) => string | undefined;
    /** Connect configured URLs only to the addresses checked (node:http's lookup hook; Node and Deno honour it). */
    pinConnections?: boolean;
  } = {},
): Promise<LocalServer & { env: Env }> {
  const log = options.log ?? console.log;
  const env = await loadEnv(raw);
  const store = await openStore(env);
  const dir = resolve(env.ASSENT_DATA_DIR);
  const devOutbox = env.ASSENT_MODE === 'dev' ? fileDevOutbox(join(dir, 'dev-outbox.ndjson')) : memoryDevOutbox();
  const consoleProvider = createConsoleProvider({ outbox: devOutbox });
  let kick = () => {};
  const deps: AppDeps = {
    store,
    sealer: createNodeSealer({ masterKey: fromBase64(env.ASSENT_MASTER_KEY!), random: (n) => crypto.getRandomValues(new Uint8Array(n)) }),
    mode: env.ASSENT_MODE,
    publicUrl: env.ASSENT_PUBLIC_URL!,
    adminToken: env.ASSENT_ADMIN_TOKEN ?? null,
    keys: await signingKeysFrom(env.ASSENT_SIGNING_KEY!, env.ASSENT_SIGNING_KEYS_RETIRED),
    providerFor: providerRouter({
      console: consoleProvider,
      ...(options.pinConnections ? { fetch: pinnedFetch({ allowLocal: env.ASSENT_ALLOW_LOCAL_CALLBACKS, resolve: dnsResolver }) } : {}),
    }),
    logger: jsonLogger({ write: bufferedStdout().write }),
    onQueued: () => kick(),
    clientIp: clientIpResolver(env, options.clientIp ?? (() => undefined)),
    ...(env.ASSENT_SERVER_TIMING !== undefined ? { serverTiming: env.ASSENT_SERVER_TIMING } : {}),
    compress: compressResponses(),
    outbound: { allowLocal: env.ASSENT_ALLOW_LOCAL_CALLBACKS, resolve: dnsResolver },
    ...(env.ASSENT_MODE === 'dev' ? { devOutbox } : {}),
  };
  const jobs = createJobs(deps);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const pass = jobs.run().catch(() => null); // a failed pass is logged by the jobs loop
    // A pass that never settles (a hung call) must not stop the timer: the next tick comes anyway, and the jobs
    // start a new loop once the hung one is stale.
    let cap: ReturnType<typeof setTimeout> | undefined;
    void Promise.race([pass, new Promise((resolve) => (cap = setTimeout(resolve, 60_000)))]).finally(() => {
      clearTimeout(cap);
      if (!stopped) timer = setTimeout(tick, 1000);
    });
  };
  kick = () => void jobs.kick(); // a failed pass is logged by the jobs loop
  if (env.ASSENT_MODE === 'dev') {
    const { ctx } = contextFromDeps(deps);
    const key = await ensureDemoSite(ctx, policyTemplates);
    if (key) log(`demo site created; its API key (shown once): ${key}`);
  }
  tick();
  return {
    env,
    app: createApp(deps),
    deps,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await jobs.run().catch(() => null); // logged by the jobs loop
      await store.close();
    },
  };
}
