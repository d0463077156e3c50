// The file client with its writes on a worker thread answers as the main-thread file client does (rows, blobs,
// counts, atomic batches, SQLite codes and storage faults), reads what was just committed, and keeps the event loop
// free while a commit runs; the thread commits the batches that waited for it together; group commit keeps one group
// in flight while the next one forms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Statement, Store } from '../../worker/db/client.ts';
import { storageFault } from '../../worker/db/faults.ts';
import { groupCommit } from '../../worker/db/group-commit.ts';
import { applyFilePragmas, libsqlStore } from '../../worker/db/libsql.ts';
import { fileClient } from '../../worker/db/libsql-file.ts';
import { threadClient } from '../../worker/db/libsql-thread.ts';
import { bind, prepareRaw, readsOnly } from '../../worker/db/prepared.ts';
import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';

const dirs: string[] = [];
const clients: Client[] = [];
function open(kind: 'thread' | 'file', name: string = kind): Client {
  const dir = dirs.at(-1) ?? mkdtempSync(join(tmpdir(), 'assent-thread-client-'));
  if (!dirs.includes(dir)) dirs.push(dir);
  const client = (kind === 'thread' ? threadClient : fileClient)(join(dir, `${name}.db`), { timeout: 5000 });
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const plain = (rows: unknown[]) =>
  rows.map((r) => ({
    named: { ...(r as Record<string, unknown>) },
    indexed: Array.prototype.slice.call(r) as unknown[],
  }));

async function script(client: Client) {
  await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER, b BLOB)');
  const insert = await client.execute({
    sql: 'INSERT INTO t (name, n, b) VALUES (?, ?, ?)',
    args: ['a', 2 ** 40, new Uint8Array([1, 2, 3]).buffer],
  });
  const batch = await client.batch(
    [
      { sql: 'INSERT INTO t (name, n) VALUES (:name, :n)', args: { ':name': 'b', ':n': null } },
      { sql: 'INSERT INTO t (name, n) VALUES (?, ?) RETURNING id, n', args: ['c', 7] },
      { sql: 'SELECT name, b FROM t ORDER BY id', args: [] },
    ],
    'write',
  );
  const rows = await client.execute({ sql: 'SELECT id, name, n, b FROM t WHERE id >= ? ORDER BY id', args: [1] });
  const blob = (row: Record<string, unknown>) => ({ ...row, b: row.b && [...new Uint8Array(row.b as ArrayBuffer)] });
  return {
    inserted: [insert.rowsAffected, insert.lastInsertRowid],
    batch: batch.map((r) => ({ affected: r.rowsAffected, rows: plain(r.rows).map((x) => blob(x.named)) })),
    columns: rows.columns,
    rows: plain(rows.rows).map(({ named, indexed }) => ({ named: blob(named), indexed: indexed.length })),
  };
}

describe('file client with writes on a worker thread', () => {
  it('gives the same results as the main-thread file client, and reads a commit as soon as it is acknowledged', async () => {
    const thread = open('thread');
    const file = open('file');
    const mine = await script(thread);
    expect(mine).toEqual(await script(file));
    expect(mine.rows[0]!.named).toEqual({ id: 1, name: 'a', n: 2 ** 40, b: [1, 2, 3] });
    expect(mine.batch[1]!.rows).toEqual([{ id: 3, n: 7, b: undefined }]);
    // Written on the thread, read on the main thread's connection: each acknowledged commit is seen at once.
    for (let i = 0; i < 30; i++) {
      await thread.batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: [`x${i}`] }], 'write');
      expect((await thread.execute({ sql: 'SELECT COUNT(*) AS n FROM t', args: [] })).rows[0]!.n).toBe(4 + i);
    }
  });

  it('sends each SQL text once then by number: a text after a refused message, and past 2,000 texts, runs right', async () => {
    const thread = open('thread');
    await thread.execute('CREATE TABLE t (n INTEGER)');
    // A value the structured clone refuses: the message is not sent, so its new text must not count as sent.
    const insert = 'INSERT INTO t (n) VALUES (?) RETURNING n';
    await expect(thread.execute({ sql: insert, args: [(() => 1) as never] })).rejects.toThrow();
    expect((await thread.execute({ sql: insert, args: [1] })).rows[0]!.n).toBe(1);
    // 2,100 distinct texts (each a literal): the last 100 past the numbered ones are sent whole; every answer is its own.
    const texts = Array.from({ length: 2100 }, (_, i) => ({
      sql: `INSERT INTO t (n) VALUES (${i + 2}) RETURNING n`,
      args: [],
    }));
    const results = await thread.batch(texts, 'write');
    expect(results.map((r) => r.rows[0]!.n)).toEqual(texts.map((_, i) => i + 2));
    // And a numbered text still runs by its number, among texts sent whole.
    expect((await thread.execute({ sql: insert, args: [7] })).rows[0]!.n).toBe(7);
    expect((await thread.execute('SELECT COUNT(*) AS c, SUM(n) AS s FROM t')).rows[0]).toMatchObject({
      c: 2102,
      s: 1 + 7 + (2101 * 2102) / 2 - 1,
    });
  });

  it('runs a batch atomically, reports SQLite codes, and a refusing writer is a storage fault', async () => {
    const thread = open('thread');
    await applyFilePragmas(thread);
    await thread.execute('CREATE TABLE t (name TEXT PRIMARY KEY)');
    const error = await thread
      .batch(
        [
          { sql: 'INSERT INTO t VALUES (?)', args: ['x'] },
          { sql: 'INSERT INTO t VALUES (?)', args: ['x'] },
        ],
        'write',
      )
      .then(
        () => null,
        (e: { code?: string; extendedCode?: string }) => e,
      );
    expect({ code: error?.code, extendedCode: error?.extendedCode }).toEqual({
      code: 'SQLITE_CONSTRAINT',
      extendedCode: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    expect((await thread.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(0);
    // A PRAGMA goes to the writer: its refusal then fails the writes, while reads go on.
    await thread.execute('PRAGMA query_only = 1');
    const refused = await thread.batch([{ sql: 'INSERT INTO t VALUES (?)', args: ['z'] }], 'write').then(
      () => null,
      (e: unknown) => e,
    );
    expect(storageFault(refused)).not.toBeNull();
    expect((await thread.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(0);
    expect((await thread.execute('PRAGMA synchronous')).rows[0]![0]).toBe(2); // FULL, on the writer's connection
  });

  it('commits off the event loop: timers run while a long batch is written', async () => {
    const statements = [
      { sql: 'CREATE TABLE IF NOT EXISTS big (id INTEGER PRIMARY KEY, v TEXT)', args: [] },
      ...Array.from({ length: 30_000 }, (_, i) => ({ sql: 'INSERT INTO big (v) VALUES (?)', args: [`value ${i}`] })),
    ];
    const ticksDuring = async (client: Client) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const started = performance.now();
      await client.batch(statements, 'write');
      const ms = performance.now() - started;
      clearInterval(timer);
      return { ticks, ms };
    };
    const thread = await ticksDuring(open('thread'));
    const file = await ticksDuring(open('file'));
    // The main-thread client holds the loop for the whole batch (at most the tick before it); the thread's does not.
    expect(file.ticks).toBeLessThanOrEqual(1);
    expect(thread.ticks).toBeGreaterThan(Math.min(5, thread.ms / 10));
  });
});

describe('the writer thread', () => {
  // A write the thread is busy with for a while (a few hundred milliseconds), so the batches sent after it wait.
  const busy = {
    sql: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000)
      INSERT INTO t (id, v) SELECT 1000000 + COUNT(*), 'long' FROM c`,
    args: [],
  };
  const insert = (id: number) => [
    { sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [id, 'new'] },
    { sql: "SELECT COUNT(*) AS n FROM t WHERE v = 'new'", args: [] },
  ];

  it('commits the batches that waited for it in one transaction, in the order sent, each answered its own', async () => {
    const client = open('thread', 'grouped') as ReturnType<typeof threadClient>;
    await client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)'], 'write');
    const before = client.writer.transactions;
    const long = client.batch([busy], 'write');
    const waiting = Array.from({ length: 12 }, (_, i) => client.batch(insert(i + 1), 'write'));
    await long;
    const results = await Promise.all(waiting);
    // The long one, then the twelve together (or all thirteen, had the thread woken after the last was sent).
    expect(client.writer.transactions - before).toBeLessThanOrEqual(2);
    // Each batch saw the ones sent before it, and its own answer.
    expect(results.map((r) => Number(r[1]!.rows[0]!.n))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(results.map((r) => r[0]!.rowsAffected)).toEqual(Array(12).fill(1));
  });

  it('fails only the batch at fault when one breaks the shared transaction, and keeps the others', async () => {
    const client = open('thread', 'fault') as ReturnType<typeof threadClient>;
    await client.batch(
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)', "INSERT INTO t VALUES (5, 'taken')"],
      'write',
    );
    const long = client.batch([busy], 'write');
    const outcomes = await Promise.allSettled([1, 5, 9].map((id) => client.batch(insert(id), 'write')));
    await long;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    const rows = await client.execute("SELECT id FROM t WHERE v = 'new' ORDER BY id");
    expect(rows.rows.map((r) => Number(r.id))).toEqual([1, 9]);
  });

  it('fails a whole group at once when its transaction cannot begin, instead of waiting out the lock batch by batch', async () => {
    const client = open('thread', 'locked') as ReturnType<typeof threadClient>;
    await client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)'], 'write');
    client.close();
    const dir = dirs.at(-1)!;
    // The same file with a 300 ms busy timeout, and another connection holding its write lock (a second process).
    const locked = threadClient(join(dir, 'locked.db'), { timeout: 300 });
    const other = fileClient(join(dir, 'locked.db'), { timeout: 300 });
    clients.push(locked, other);
    await other.execute('BEGIN IMMEDIATE');
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => locked.batch(insert(i + 1), 'write')),
    );
    const elapsed = performance.now() - started;
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('rejected'));
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' });
    // One wait for the first batch, one for the group behind it: not one more per batch (8 × 300 ms).
    expect(elapsed).toBeLessThan(1500);
    await other.execute('ROLLBACK');
    expect((await locked.batch(insert(1), 'write'))[1]!.rows[0]!.n).toBe(1);
  });

  it('answers a lone batch at once, and closes after the batches sent before the close', async () => {
    const client = open('thread', 'lone') as ReturnType<typeof threadClient>;
    await client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)'], 'write');
    const before = client.writer.transactions;
    await client.batch(insert(1), 'write');
    expect(client.writer.transactions - before).toBe(1);
    const last = client.batch(insert(2), 'write');
    client.close();
    expect((await last)[1]!.rows[0]!.n).toBe(2);
  });
});

describe('group commit over a store that commits asynchronously', () => {
  it('keeps one group in flight and lets the next grow while it commits', async () => {
    const inner = libsqlStore(threadClient(join(mkdtempSync(join(tmpdir(), 'assent-thread-gc-')), 'g.db')));
    clients.push({ close: () => void inner.close() } as Client);
    await inner.execBatch(['CREATE TABLE t (id INTEGER PRIMARY KEY)']);
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const counted: Store = {
      ...inner,
      batch: async (s) => {
        sizes.push(s.length);
        most = Math.max(most, ++inFlight);
        try {
          // A slow commit (as an fsync is), so the next requests arrive while it is in flight.
          await new Promise((r) => setTimeout(r, 30));
          return await inner.batch(s);
        } finally {
          inFlight--;
        }
      },
    };
    const grouped = groupCommit(counted);
    const insert = (id: number) =>
      grouped.batch([inner.db.run(sql`INSERT INTO t (id) VALUES (${id})`)] as [Statement, ...Statement[]]);
    const first = insert(0);
    await new Promise((r) => setTimeout(r, 5)); // the first group is committing
    const rest = Array.from({ length: 12 }, (_, i) => insert(i + 1));
    await Promise.all([first, ...rest]);
    expect(most).toBe(1);
    expect(sizes).toEqual([1, 12]);
    expect(await inner.queryColumn('SELECT COUNT(*) FROM t')).toEqual([13]);
  });
});

describe('a batch of reads alone', () => {
  async function setUp() {
    const inner = libsqlStore(threadClient(join(mkdtempSync(join(tmpdir(), 'assent-thread-reads-')), 'r.db')));
    clients.push({ close: () => void inner.close() } as Client);
    await inner.execBatch(['CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)', 'INSERT INTO t VALUES (1, 10)']);
    const byId = inner.db
      .select()
      .from(sqliteTable('t', { id: integer('id'), n: integer('n') }))
      .where(sql`id = ${sql.placeholder('id')}`)
      .prepare();
    const reads = (store: Store) =>
      [bind(store, byId, { id: 1 }), bind(store, byId, { id: 2 })] as [Statement, ...Statement[]];
    return { inner, reads };
  }

  it('runs at once, not behind the group committing, and reads only what is committed', async () => {
    const { inner, reads } = await setUp();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow: Store = {
      ...inner,
      // A commit that takes as long as the test says (an fsync on a slow disk).
      batch: async (s) => (readsOnly(s) ? inner.batch(s) : (await held, inner.batch(s))),
    };
    const grouped = groupCommit(slow);
    const write = grouped.batch([inner.db.run(sql`UPDATE t SET n = 11 WHERE id = 1`)] as [Statement, ...Statement[]]);
    await new Promise((r) => setTimeout(r, 5)); // the write's group is committing
    const [one, two] = (await grouped.batch(reads(inner))) as [{ n: number }[], unknown[]];
    expect(one).toEqual([{ id: 1, n: 10 }]);
    expect(two).toEqual([]);
    release();
    await write;
    expect(((await grouped.batch(reads(inner))) as [{ n: number }[]])[0]).toEqual([{ id: 1, n: 11 }]);
  });

  it('is told apart from a batch that writes, which still waits its turn', () => {
    const store = libsqlStore(fileClient(':memory:'));
    clients.push({ close: () => void store.close() } as Client);
    const select = store.db
      .select({ one: sql`1` })
      .from(sqliteTable('t', { id: integer('id') }))
      .prepare();
    const update = store.db.run(sql`UPDATE t SET id = ${sql.placeholder('id')}`);
    expect(readsOnly([bind(store, select, {})])).toBe(true);
    expect(readsOnly([bind(store, select, {}), bind(store, prepareRaw(update), { id: 1 })])).toBe(false);
    // A query builder (not bound) is never taken for reads: telling would mean building it twice.
    expect(
      readsOnly([
        store.db.select({ one: sql`1` }).from(sqliteTable('t', { id: integer('id') })) as unknown as Statement,
      ]),
    ).toBe(false);
  });

  it('is answered on the thread client by the main connection while the writer’s is in a transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-thread-stopped-'));
    dirs.push(dir);
    const client = threadClient(join(dir, 's.db'));
    clients.push(client);
    await client.batch(['CREATE TABLE t (id INTEGER PRIMARY KEY)', 'INSERT INTO t VALUES (7)'], 'write');
    // The thread's connection holds a write transaction open: a read batch sent there would fail to begin its own.
    await client.execute('BEGIN IMMEDIATE');
    const started = performance.now();
    const [rows] = await client.batch([{ sql: 'SELECT id FROM t', args: [] }]);
    expect(rows!.rows.map((r) => r.id)).toEqual([7]);
    expect(performance.now() - started).toBeLessThan(1000);
    await client.execute('ROLLBACK');
  });
});
