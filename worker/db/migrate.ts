// Applies the drizzle-kit migrations (bundled into worker/generated/migrations.ts by `npm run build`) in order, once.
import type { Store } from './client.ts';

export interface Migration {
  tag: string;
  sql: string;
}

const TRACKING = `CREATE TABLE IF NOT EXISTS __assent_migrations (tag TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)`;

export function splitStatements(sql: string): string[] {
  return sql
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.replace(/^--.*$/gm, '').trim().length > 0);
}

/** The database was migrated by a newer release than this code (a rollback): refusing beats serving it wrongly. */
export class NewerDatabaseError extends Error {
  override name = 'NewerDatabaseError';
  constructor(readonly tags: string[]) {
    super(
      `the database was migrated by a newer release of Assent (migration ${tags.at(-1)}${tags.length > 1 ? ` and ${tags.length - 1} more` : ''}, which this code does not know): run that release or a later one, or restore a backup made before the upgrade`,
    );
  }
}

/** Each migration runs with its bookkeeping row in one batch, so a crash never leaves one half applied. */
export async function migrate(store: Store, migrations: readonly Migration[], now = Date.now()): Promise<string[]> {
  await store.execBatch([TRACKING]);
  const applied = new Set((await store.queryColumn('SELECT tag FROM __assent_migrations')).map(String));
  // A database a newer release migrated holds rows this code does not read (stored configurations with keys it
  // refuses, tables it does not keep in step): answering from it would be 500s and writes that skip the new rules.
  const known = new Set(migrations.map((m) => m.tag));
  const newer = [...applied].filter((tag) => !known.has(tag)).sort();
  if (newer.length > 0) throw new NewerDatabaseError(newer);
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.tag)) continue;
    const tag = m.tag.replace(/'/g, "''");
    try {
      await store.execBatch([
        ...splitStatements(m.sql),
        `INSERT INTO __assent_migrations (tag, applied_at) VALUES ('${tag}', ${now})`,
      ]);
    } catch (error) {
      // Another process may have applied it between our read and our write.
      const again = new Set((await store.queryColumn('SELECT tag FROM __assent_migrations')).map(String));
      if (!again.has(m.tag)) throw error;
    }
    done.push(m.tag);
  }
  return done;
}
