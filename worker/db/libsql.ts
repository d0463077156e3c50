// Store over @libsql/client: an embedded file (default), :memory: for tests, or a remote libSQL/Turso URL.
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { schema, type Statement, type Store } from './client.ts';

/** Wraps a libSQL client. For a local file the caller opens it with one connection (see openLibsql). */
export function libsqlStore(client: Client): Store {
  const db = drizzle(client, { schema });
  return {
    db,
    maxBoundParameters: 32766,
    batch: (statements) => db.batch(statements as [Statement, ...Statement[]]) as Promise<unknown[]>,
    execBatch: async (statements) => {
      await client.batch(statements, 'write');
    },
    queryColumn: async (sql) => (await client.execute(sql)).rows.map((row) => row[0]),
    close: async () => client.close(),
  };
}

/**
 * Durability settings for an embedded file. The client keeps a pool and a PRAGMA applies to one
 * connection only, so file databases are opened with `concurrency: 1` and set here once.
 */
export async function applyFilePragmas(client: Client): Promise<void> {
  await client.execute('PRAGMA journal_mode=WAL');
  await client.execute('PRAGMA synchronous=FULL');
  await client.execute('PRAGMA foreign_keys=ON');
  await client.execute('PRAGMA busy_timeout=5000');
}
