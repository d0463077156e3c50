// Node and Deno: the database of ASSENT_DB_URL (default: <data dir>/assent.db), with the file's durability pragmas,
// the migrations applied and, on a plain file, commits grouped so concurrent requests share one fsync. The Node entry
// asks for the writes on a worker thread (`writerThread`), so commits never block its event loop; that thread groups
// the batches waiting for it itself (db/libsql-thread.ts), the main-thread file client through db/group-commit.ts.
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import type { Store } from '../../db/client.ts';
import { groupCommit } from '../../db/group-commit.ts';
import { applyFilePragmas, libsqlStore } from '../../db/libsql.ts';
import { fileClient } from '../../db/libsql-file.ts';
import { threadClient } from '../../db/libsql-thread.ts';
import { migrate } from '../../db/migrate.ts';
import type { Env } from '../../env.ts';
import { migrations } from '../../generated/migrations.ts';

/** The path of a `file:` URL (`file:relative/x.db`, `file:/abs/x.db`, `file:///abs/x.db`), without a query. */
const filePath = (url: string) =>
  url.startsWith('file://')
    ? decodeURIComponent(new URL(url).pathname)
    : url.slice('file:'.length).replace(/\?[\s\S]*$/, '');

export async function openStore(env: Env, options: { writerThread?: boolean } = {}): Promise<Store> {
  const url = env.ASSENT_DB_URL ?? `file:${join(resolve(env.ASSENT_DATA_DIR), 'assent.db')}`;
  const isFile = url.startsWith('file:');
  // A plain file goes through the store's own file client, which keeps compiled statements (db/libsql-file.ts); an
  // embedded replica needs @libsql/client for its sync.
  const plainFile = isFile && !env.ASSENT_DB_SYNC_URL;
  const client = plainFile
    ? (options.writerThread ? threadClient : fileClient)(filePath(url), { timeout: 5000 })
    : createClient({
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
  // On a local file every commit is an fsync: concurrent requests share one. The writer thread groups what waits for
  // it as soon as it is free; a group formed here would wait for the round trip of the one before.
  return plainFile && !options.writerThread ? groupCommit(store) : store;
}
