// Workers: the bindings (parsed with zod) → the environment and the store: a D1 binding, or remote libSQL. In local
// dev (npm run start:workers, ASSENT_AUTO_MIGRATE=1) the migrations are applied unless wrangler manages them.
import { z } from 'zod';
import type { Store } from '../../db/client.ts';
import { d1Store, type D1Like } from '../../db/d1.ts';
import { migrate } from '../../db/migrate.ts';
import { EnvError, parseEnv, type Env } from '../../env.ts';
import { migrations } from '../../generated/migrations.ts';
import { remoteStore } from '../../runtime/remote-store.ts';

const bindingsSchema = z.object({
  DB: z
    .custom<D1Like>(
      (v) => typeof v === 'object' && v !== null && 'prepare' in v && 'batch' in v,
      'must be a D1 binding',
    )
    .optional(),
  // Local dev only (npm run start:workers). Production applies migrations with `wrangler d1 migrations apply`.
  ASSENT_AUTO_MIGRATE: z.enum(['0', '1']).default('0'),
});

/** True when wrangler's D1 migrations manage this database: the app then leaves the schema alone. */
async function managedByWrangler(store: Store): Promise<boolean> {
  const rows = await store.queryColumn(
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'",
  );
  return Number(rows[0]) > 0;
}

export async function fromBindings(raw: Record<string, unknown>): Promise<{ env: Env; store: Store }> {
  const bindings = bindingsSchema.safeParse(raw);
  if (!bindings.success)
    throw new EnvError(
      `Invalid bindings: ${bindings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const env = parseEnv(
    Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string')),
  );
  // No filesystem here, so dev secrets cannot be generated; npm run start:workers passes the data dir's ones.
  for (const name of ['ASSENT_MASTER_KEY', 'ASSENT_SIGNING_KEY'] as const) {
    if (!env[name])
      throw new EnvError(`${name} is missing (npm run start:workers provides the data dir's dev secrets).`);
  }
  const store = bindings.data.DB ? d1Store(bindings.data.DB) : remoteStore(env);
  if (!store)
    throw new EnvError(
      'No database: bind a D1 database as DB, or set ASSENT_DB_URL (libsql:// or https://) and ASSENT_DB_AUTH_TOKEN.',
    );
  if (bindings.data.ASSENT_AUTO_MIGRATE === '1' && !(await managedByWrangler(store))) await migrate(store, migrations);
  return { env, store };
}
