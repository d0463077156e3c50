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

/** Each migration runs with its bookkeeping row in one batch, so a crash never leaves one half applied. */
export async function migrate(store: Store, migrations: readonly Migration[], now = Date.now()): Promise<string[]> {
  await store.execBatch([TRACKING]);
  const applied = new Set((await store.queryColumn('SELECT tag FROM __assent_migrations')).map(String));
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
