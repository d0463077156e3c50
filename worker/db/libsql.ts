// Store over @libsql/client: an embedded file (default), :memory: for tests, or a remote libSQL/Turso URL.
import type { Client, InStatement } from '@libsql/client';
import type { RowReader } from './libsql-file.ts';
import { drizzle } from 'drizzle-orm/libsql';
import { schema, type Db, type RoundTrips, type Statement, type Store } from './client.ts';
import { timed } from './counting.ts';

/** The client as drizzle uses it, with each execute and batch counted as one round trip. */
function countingClient(client: Client, trips: RoundTrips): Client {
  return {
    execute: (stmt: Parameters<Client['execute']>[0], args?: Parameters<Client['execute']>[1]) =>
      timed(trips, () => (args === undefined ? client.execute(stmt) : client.execute(stmt as string, args))),
    batch: (stmts: Parameters<Client['batch']>[0], mode?: Parameters<Client['batch']>[1]) =>
      timed(trips, () => client.batch(stmts, mode)),
    migrate: (stmts: InStatement[]) => timed(trips, () => client.migrate(stmts)),
    transaction: () => client.transaction(),
    close: () => client.close(),
  } as unknown as Client;
}

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
    // No relational schema on the request-scoped handle: repositories use the query builder only, and building
    // the relational config per request would cost more than the query.
    countedDb: (trips) => drizzle(countingClient(client, trips)) as unknown as Db,
    // The store's own file clients read a row's values directly (libsql-file.ts); @libsql/client's do not.
    ...('readRow' in client
      ? { readRow: (client as Client & RowReader).readRow, readRows: (client as Client & RowReader).readRows }
      : {}),
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
