// Cloudflare Workers entry: bindings (parsed with zod) → dependencies, once per isolate → createApp. Storage is a D1
// binding or remote libSQL; background work runs from Cron Triggers and from ctx.waitUntil after a request queued it.
import type { ExecutionContext } from 'hono';
import { z } from 'zod';
import { contextFromDeps, createApp, type AppDeps } from '../app.ts';
import { fromBase64 } from '../crypto/encoding.ts';
import { signingKeysFrom } from '../crypto/keys.ts';
import { createSealer } from '../crypto/sealing.ts';
import type { Store } from '../db/client.ts';
import { d1Store, type D1Like } from '../db/d1.ts';
import { libsqlWebStore } from '../db/libsql-web.ts';
import { migrate } from '../db/migrate.ts';
import { ensureDemoSite } from '../domain/demo.ts';
import { EnvError, parseEnv } from '../env.ts';
import { AppError, problemResponse, storageFault } from '../errors.ts';
import { migrations } from '../generated/migrations.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { createJobs } from '../jobs.ts';
import { jsonLogger } from '../log.ts';
import { createConsoleProvider, memoryDevOutbox } from '../sms/providers/console.ts';
import { providerRouter } from '../sms/router.ts';

const bindingsSchema = z.object({
  DB: z.custom<D1Like>((v) => typeof v === 'object' && v !== null && 'prepare' in v && 'batch' in v, 'must be a D1 binding').optional(),
  // Local dev only (npm run start:workers). Production applies migrations with `wrangler d1 migrations apply`.
  ASSENT_AUTO_MIGRATE: z.enum(['0', '1']).default('0'),
});

interface Runtime {
  app: ReturnType<typeof createApp>;
  /** Work the last requests asked for (messages queued, background tasks), handed to the next waitUntil. */
  drain(): Promise<unknown>[];
  runJobs(): Promise<unknown>;
}

/** True when wrangler's D1 migrations manage this database: the app then leaves the schema alone. */
async function managedByWrangler(store: Store): Promise<boolean> {
  const rows = await store.queryColumn("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'");
  return Number(rows[0]) > 0;
}

async function build(raw: Record<string, unknown>, origin: string): Promise<Runtime> {
  const bindings = bindingsSchema.safeParse(raw);
  if (!bindings.success) throw new EnvError(`Invalid bindings: ${bindings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const strings = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const env = parseEnv(strings);
  // No filesystem here, so dev secrets cannot be generated; npm run start:workers passes the data dir's ones.
  for (const name of ['ASSENT_MASTER_KEY', 'ASSENT_SIGNING_KEY'] as const) {
    if (!env[name]) throw new EnvError(`${name} is missing (npm run start:workers provides the data dir's dev secrets).`);
  }
  let store: Store;
  if (bindings.data.DB) store = d1Store(bindings.data.DB);
  else if (env.ASSENT_DB_URL && !env.ASSENT_DB_URL.startsWith('file:'))
    store = libsqlWebStore({ url: env.ASSENT_DB_URL, ...(env.ASSENT_DB_AUTH_TOKEN ? { authToken: env.ASSENT_DB_AUTH_TOKEN } : {}) });
  else throw new EnvError('No database: bind a D1 database as DB, or set ASSENT_DB_URL (libsql:// or https://) and ASSENT_DB_AUTH_TOKEN.');
  if (bindings.data.ASSENT_AUTO_MIGRATE === '1' && !(await managedByWrangler(store))) await migrate(store, migrations);

  const logger = jsonLogger();
  const devOutbox = memoryDevOutbox(); // per isolate: workerd serves local dev from one isolate
  const pending: (() => Promise<unknown>)[] = [];
  let queued = false;
  const deps: AppDeps = {
    store,
    sealer: await createSealer({ masterKey: fromBase64(env.ASSENT_MASTER_KEY!), random: (n) => crypto.getRandomValues(new Uint8Array(n)) }),
    mode: env.ASSENT_MODE,
    // parseEnv refuses production without ASSENT_PUBLIC_URL; dev (npm run start:workers) may use the request's origin.
    publicUrl: env.ASSENT_PUBLIC_URL ?? origin,
    adminToken: env.ASSENT_ADMIN_TOKEN ?? null,
    keys: await signingKeysFrom(env.ASSENT_SIGNING_KEY!, env.ASSENT_SIGNING_KEYS_RETIRED ?? undefined),
    providerFor: providerRouter({ console: createConsoleProvider({ outbox: devOutbox }) }),
    logger,
    onQueued: () => {
      queued = true;
    },
    background: (task) => void pending.push(task),
    // Workers sets CF-Connecting-IP itself; a client cannot forge it.
    clientIp: (c) => c.req.header('cf-connecting-ip') ?? undefined,
    ...(env.ASSENT_SERVER_TIMING !== undefined ? { serverTiming: env.ASSENT_SERVER_TIMING } : {}),
    // No resolver here: Workers refuses private addresses itself; the literal is checked before each call.
    outbound: { allowLocal: env.ASSENT_ALLOW_LOCAL_CALLBACKS },
    ...(env.ASSENT_MODE === 'dev' ? { devOutbox } : {}),
  };
  if (env.ASSENT_MODE === 'dev') {
    const key = await ensureDemoSite(contextFromDeps(deps).ctx, policyTemplates);
    if (key) console.log(`demo site created; its API key (shown once): ${key}`);
  }
  // One loop of passes per isolate, owned by the request (or cron event) that started it; a request that queues more
  // while it runs asks it for another pass. A loop whose background work was dropped is presumed dead after a while
  // (createJobs' staleMs), so a later request or cron event starts a new one: jobs never stop for good.
  const jobs = createJobs(deps);
  return {
    app: createApp(deps),
    runJobs: () => jobs.kick(true),
    drain() {
      const tasks = pending.splice(0).map((task) => task().catch((error: Error) => logger.error('background task failed', { error: error.name })));
      // Whichever request finishes first runs the jobs; the messages were committed before the flag was set.
      if (queued) {
        queued = false;
        tasks.push(jobs.kick());
      }
      return tasks;
    },
  };
}

let runtime: Promise<Runtime> | null = null;
function runtimeFor(env: Record<string, unknown>, origin: string): Promise<Runtime> {
  runtime ??= build(env, origin).catch((error: unknown) => {
    runtime = null;
    throw error;
  });
  return runtime;
}

function startupProblem(error: unknown): Response {
  // The database failing at start (unreachable, full, read-only) is a 503 to retry, not a configuration error.
  const fault = storageFault(error);
  if (fault) return problemResponse(fault);
  const detail = error instanceof EnvError ? error.message : 'The service could not start; see the logs.';
  if (!(error instanceof EnvError)) console.error(JSON.stringify({ level: 'error', msg: 'startup failed', error: (error as Error)?.message?.slice(0, 300), stack: (error as Error)?.stack?.slice(0, 800) }));
  return problemResponse(new AppError('misconfigured', 500, detail));
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let rt: Runtime;
    try {
      rt = await runtimeFor(env, new URL(request.url).origin);
    } catch (error) {
      return startupProblem(error);
    }
    const response = await rt.app.fetch(request, env, ctx);
    for (const task of rt.drain()) ctx.waitUntil(task);
    return response;
  },
  async scheduled(_controller: { cron: string; scheduledTime: number }, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(runtimeFor(env, 'http://localhost:8787').then((rt) => rt.runJobs()));
  },
};
