// The embedded file's own client answers as @libsql/client does (rows by index and by name, numbers, nulls,
// blobs, write counts, atomic batches, SQLite error codes), and compiles each SQL text once per connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import Database from 'libsql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileClient } from '../../worker/db/libsql-file.ts';
import { storageFault } from '../../worker/db/faults.ts';

const dirs: string[] = [];
const clients: Client[] = [];
function pair(): [Client, Client] {
  const dir = mkdtempSync(join(tmpdir(), 'assent-file-client-'));
  dirs.push(dir);
  const ours = fileClient(join(dir, 'ours.db'));
  const theirs = createClient({ url: `file:${join(dir, 'theirs.db')}` });
  clients.push(ours, theirs);
  return [ours, theirs];
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const plain = (rows: unknown[]) =>
  rows.map((r) => ({
    named: { ...(r as Record<string, unknown>) },
    indexed: Array.prototype.slice.call(r) as unknown[],
  }));

describe('file client', () => {
  it('gives the same results as @libsql/client', async () => {
    const script = async (client: Client) => {
      const insert = await client.execute({
        sql: 'INSERT INTO t (name, n, b) VALUES (?, ?, ?)',
        args: ['a', 2 ** 40, new Uint8Array([1, 2, 3]).buffer],
      });
      await client.execute({ sql: 'INSERT INTO t (name, n) VALUES (?, ?)', args: ['b', null] });
      const rows = await client.execute({
        sql: 'SELECT id, name, n, b, name AS name FROM t WHERE id >= ? ORDER BY id',
        args: [1],
      });
      const updated = await client.execute({ sql: 'UPDATE t SET n = ? WHERE name = ?', args: [true, 'b'] });
      return {
        inserted: [insert.rowsAffected, insert.lastInsertRowid],
        columns: rows.columns,
        rows: plain(rows.rows).map(({ named, indexed }) => ({
          named: { ...named, b: named.b && [...new Uint8Array(named.b as ArrayBuffer)] },
          indexed: indexed.length,
        })),
        updated: updated.rowsAffected,
        after: plain((await client.execute("SELECT n FROM t WHERE name = 'b'")).rows),
      };
    };
    const [ours, theirs] = pair();
    for (const c of [ours, theirs])
      await c.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER, b BLOB)');
    const mine = await script(ours);
    expect(mine).toEqual(await script(theirs));
    expect(mine.rows[0]!.named).toEqual({ id: 1, name: 'a', n: 2 ** 40, b: [1, 2, 3] });
  });

  it('runs a batch atomically and reports SQLite codes as @libsql/client does', async () => {
    const [ours, theirs] = pair();
    const outcomes = [];
    for (const client of [ours, theirs]) {
      await client.execute('CREATE TABLE t (name TEXT PRIMARY KEY)');
      const error = await client
        .batch(
          [
            { sql: 'INSERT INTO t VALUES (?)', args: ['x'] },
            { sql: 'INSERT INTO t VALUES (?)', args: ['y'] },
            { sql: 'INSERT INTO t VALUES (?)', args: ['x'] },
          ],
          'write',
        )
        .then(
          () => null,
          (e: { code?: string; extendedCode?: string }) => e,
        );
      const left = (await client.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n;
      outcomes.push({ code: error?.code, extendedCode: error?.extendedCode, left });
    }
    expect(outcomes[0]).toEqual({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_PRIMARYKEY', left: 0 });
    expect(outcomes[0]).toEqual(outcomes[1]);
    // A read-only connection's refusal is a storage fault (503 with Retry-After), as through @libsql/client.
    const dir = dirs.at(-1)!;
    const readonly = fileClient(`${join(dir, 'ours.db')}`);
    clients.push(readonly);
    await readonly.execute('PRAGMA query_only = 1');
    const refused = await readonly.execute({ sql: 'INSERT INTO t VALUES (?)', args: ['z'] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(storageFault(refused)).not.toBeNull();
  });

  it('compiles each SQL text once per connection', async () => {
    const [ours] = pair();
    await ours.execute('CREATE TABLE t (name TEXT PRIMARY KEY)');
    const prepare = vi.spyOn(
      (Database as unknown as { prototype: { prepare(sql: string): unknown } }).prototype,
      'prepare',
    );
    for (let i = 0; i < 50; i++) await ours.execute({ sql: 'INSERT INTO t VALUES (?)', args: [`n${i}`] });
    for (let i = 0; i < 50; i++) await ours.execute({ sql: 'SELECT name FROM t WHERE name = ?', args: [`n${i}`] });
    await ours.batch(
      Array.from({ length: 20 }, (_, i) => ({ sql: 'SELECT name FROM t WHERE name = ?', args: [`n${i}`] })),
    );
    const texts = prepare.mock.calls.map(([sql]) => sql);
    expect(texts.filter((s) => s === 'INSERT INTO t VALUES (?)')).toHaveLength(1);
    expect(texts.filter((s) => s === 'SELECT name FROM t WHERE name = ?')).toHaveLength(1);
  });
});
