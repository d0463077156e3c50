// `npm run start:workers`: the Workers entry under workerd (Miniflare's API, no network: `cf: false`), with a local D1
// persisted in <ASSENT_DATA_DIR>/wrangler/d1, the data dir's dev secrets, migrations applied and the demo site created;
// the scheduled handler fires every minute, as the production Cron Trigger (wrangler.toml) does.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { loadEnv } from '../worker/entry/node/load-env.ts';

export const COMPATIBILITY_DATE = '2026-04-01';
const root = new URL('..', import.meta.url).pathname;

/** Bundles worker/entry/workers.ts as Workers would (wrangler uses the same esbuild conditions). */
export async function bundleWorker(entry = join(root, 'worker/entry/workers.ts')): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    minify: false,
    logLevel: 'silent',
    tsconfig: join(root, 'tsconfig.json'),
  });
  return out.outputFiles[0]!.text;
}

export interface WorkersServer {
  url: string;
  /** The string variables handed to the worker (includes the dev secrets). */
  vars: Record<string, string>;
  mf: Miniflare;
  /** Fires the worker's scheduled handler once, as a Cron Trigger does; resolves when its background work is done. */
  scheduled(): Promise<string>;
  stop(): Promise<void>;
}

/** The cron of wrangler.toml's [triggers]; the timer below stands in for it locally. */
export const CRON = '* * * * *';

export async function startWorkers(
  options: {
    env?: Record<string, string | undefined>;
    quiet?: boolean;
    /** false: D1 in memory (benchmarks) */
    persist?: boolean;
    /** How often the scheduled handler fires (default 60 000 ms, as the cron; 0: only when `scheduled()` is called). */
    cronMs?: number;
    /** Where Miniflare's own messages go (default: the console, warnings only when quiet). */
    log?: Log;
  } = {},
): Promise<WorkersServer> {
  const raw = { ...(options.env ?? process.env) };
  const env = await loadEnv(raw); // parses, creates the data dir, fills dev secrets from dev-secrets.json
  const dir = resolve(env.ASSENT_DATA_DIR);
  const persist = join(dir, 'wrangler');
  mkdirSync(persist, { recursive: true });
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw))
    if (name.startsWith('ASSENT_') && typeof value === 'string') vars[name] = value;
  for (const name of [
    'ASSENT_MODE',
    'ASSENT_PUBLIC_URL',
    'ASSENT_ADMIN_TOKEN',
    'ASSENT_MASTER_KEY',
    'ASSENT_SIGNING_KEY',
  ] as const) {
    const value = env[name];
    if (typeof value === 'string') vars[name] = value;
  }
  delete vars.ASSENT_DATA_DIR; // no filesystem in a worker
  delete vars.ASSENT_DB_URL; // the local D1 binding is the database
  vars.ASSENT_AUTO_MIGRATE = '1';

  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(),
    scriptPath: join(root, 'worker/entry/workers.js'),
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: 'assent-local' },
    d1Persist: options.persist === false ? false : join(persist, 'd1'),
    cachePersist: false,
    bindings: vars,
    cf: false,
    host: raw.HOST ?? '127.0.0.1',
    port: env.PORT,
    log: options.log ?? new Log(options.quiet ? LogLevel.WARN : LogLevel.INFO),
    // Miniflare's own request lines print raw paths, and paths carry link tokens; the app's access log (route
    // patterns only) is the request log.
    logRequests: false,
    ...(options.quiet
      ? {
          handleRuntimeStdio: (out: NodeJS.ReadableStream, err: NodeJS.ReadableStream) => {
            out.resume();
            err.pipe(process.stderr);
          },
        }
      : {}),
  });
  const url = (await mf.ready).toString().replace(/\/$/, '');
  const scheduled = async () => {
    const worker = await mf.getWorker();
    return (await worker.scheduled({ cron: CRON, scheduledTime: new Date() })).outcome;
  };
  const cronMs = options.cronMs ?? 60_000;
  // A tick that fails is reported and the next one comes anyway, like the platform's cron.
  const timer =
    cronMs > 0
      ? setInterval(
          () => void scheduled().catch((error: Error) => console.error(`scheduled run failed: ${error.message}`)),
          cronMs,
        )
      : undefined;
  return {
    url,
    vars,
    mf,
    scheduled,
    stop: async () => {
      clearInterval(timer);
      await mf.dispose();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.WRANGLER_SEND_METRICS = 'false';
  const server = await startWorkers().catch((error: Error) => {
    console.error(error.name === 'EnvError' ? error.message : `Could not start: ${error.message}`);
    process.exit(1);
  });
  // The first request runs the migrations and creates the demo site (printing its key once).
  const first = await fetch(`${server.url}/healthz`);
  console.log(
    `Assent (${server.vars.ASSENT_MODE ?? 'dev'}, workerd + D1) on ${server.url}${first.ok ? '' : ` (health ${first.status})`}${server.vars.ASSENT_MODE === 'production' ? '' : ' — demo at /demo'}; scheduled jobs every minute (cron "${CRON}")`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void server.stop().finally(() => process.exit(0)));
  }
}
