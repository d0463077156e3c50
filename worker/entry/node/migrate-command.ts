// `npm run db:migrate` (scripts/db-migrate.ts): the migrations applied to ASSENT_DB_URL or the data dir's file, with
// the outcome as one line and an exit code. Migrating needs no secret, so none is asked for and none is generated.
import { resolve } from 'node:path';
import { parseEnv } from '../../env.ts';
import { makeDataDir } from './load-env.ts';
import { openStore } from './store.ts';

export async function migrateCommand(raw: Record<string, string | undefined>): Promise<{ code: 0 | 1; line: string }> {
  try {
    // Dev mode's parse: production's required secrets play no part in a migration.
    const env = parseEnv({ ...raw, ASSENT_MODE: 'dev', ASSENT_ALLOW_LOCAL_CALLBACKS: undefined });
    if (!env.ASSENT_DB_URL) makeDataDir(resolve(env.ASSENT_DATA_DIR));
    const store = await openStore(env);
    await store.close();
    return { code: 0, line: 'migrations applied' };
  } catch (error) {
    const { name, message } = error as Error;
    return { code: 1, line: name === 'EnvError' ? message : `Could not migrate: ${message}` };
  }
}
