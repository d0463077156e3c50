// The remote libSQL path for real: @libsql/client with an http:// URL (what openStore and libsqlWebStore use for a
// remote database) against the Hrana-over-HTTP test server; the protocol's semantics, the lifecycle and faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { libsqlWebStore } from '../../worker/db/libsql-web.ts';
import { json, makeHarness, widgetFor, ADMIN_TOKEN } from '../harness.ts';
import { startHranaServer, type HranaTestServer } from './hrana-server.ts';
import { walkLifecycle } from './lifecycle.ts';
import { tempDir } from './servers.ts';

let server: HranaTestServer;
const dir = tempDir('hrana');
let n = 0;
beforeAll(async () => {
  server = await startHranaServer({ path: join(dir, 'remote.db') });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database on the server for each test (another file; the server serves one, so a new server). */
async function freshServer(): Promise<HranaTestServer> {
  return startHranaServer({ path: join(dir, `db-${++n}.sqlite`) });
}

describe('the Hrana test server speaks the protocol as @libsql/client uses it', () => {
  it('execute, batch (atomic: a failing statement rolls back the ones before it), transactions and sequences', async () => {
    const client = createClient({ url: server.url });
    await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL, n INTEGER, r REAL, b BLOB)');
    const inserted = await client.execute({
      sql: 'INSERT INTO t (x, n, r, b) VALUES (?, ?, ?, ?) RETURNING id',
      args: ['a', 5, 1.5, new Uint8Array([1, 2])],
    });
    expect(inserted.rows.map((r) => r.id)).toEqual([1]);
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(1n);
    const [write, read] = await client.batch(
      [{ sql: 'INSERT INTO t (x, n) VALUES (?, ?)', args: ['b', 2n ** 40n] }, 'SELECT x, n, r, b FROM t ORDER BY id'],
      'write',
    );
    expect(write!.rowsAffected).toBe(1);
    expect(read!.rows.map((r) => [r.x, r.n, r.r])).toEqual([
      ['a', 5, 1.5],
      ['b', 2 ** 40, null],
    ]);
    expect([...new Uint8Array(read!.rows[0]!.b as ArrayBuffer)]).toEqual([1, 2]);
    await expect(
      client.batch(["INSERT INTO t (x) VALUES ('c')", 'INSERT INTO t (id, x) VALUES (1, 1)'], 'write'),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect((await client.execute('SELECT count(*) AS c FROM t')).rows[0]!.c).toBe(2);
    const tx = await client.transaction('write');
    await tx.execute("INSERT INTO t (x) VALUES ('in tx')");
    expect((await tx.execute('SELECT count(*) AS c FROM t')).rows[0]!.c).toBe(3);
    await tx.rollback();
    expect((await client.execute('SELECT count(*) AS c FROM t')).rows[0]!.c).toBe(2);
    await client.executeMultiple('CREATE TABLE u (a); INSERT INTO u VALUES (1); INSERT INTO u VALUES (2);');
    expect((await client.execute('SELECT sum(a) AS s FROM u')).rows[0]!.s).toBe(3);
    await expect(client.execute('SELECT nope FROM nowhere')).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    client.close();
  });

  it('batons: a stream continues with the baton of its last response only; v3 answers get_autocommit and is_autocommit', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          baton: string | null;
          results: { type: string; response?: Record<string, unknown>; error?: { code: string } }[];
        },
      };
    };
    const begin = await post('/v3/pipeline', {
      baton: null,
      requests: [{ type: 'execute', stmt: { sql: 'BEGIN' } }, { type: 'get_autocommit' }],
    });
    expect(begin.body.results[1]).toEqual({ type: 'ok', response: { type: 'get_autocommit', is_autocommit: false } });
    const baton = begin.body.baton!;
    expect(baton).toMatch(/^[\w-]{20,}$/);
    const cond = await post('/v3/pipeline', {
      baton,
      requests: [
        {
          type: 'batch',
          batch: {
            steps: [
              { stmt: { sql: 'SELECT 1' } },
              { condition: { type: 'is_autocommit' }, stmt: { sql: 'SELECT 2' } },
              {
                condition: {
                  type: 'and',
                  conds: [
                    { type: 'ok', step: 0 },
                    { type: 'not', cond: { type: 'error', step: 0 } },
                  ],
                },
                stmt: { sql: 'SELECT 3' },
              },
            ],
          },
        },
        { type: 'execute', stmt: { sql: 'ROLLBACK' } },
        { type: 'close' },
      ],
    });
    const batch = cond.body.results[0]!.response!.result as { step_results: (unknown | null)[] };
    expect(batch.step_results.map((r) => r !== null)).toEqual([true, false, true]);
    expect(cond.body.baton).toBeNull(); // closed
    // The used baton is spent: a replay is refused and the client sees the stream as gone.
    const replay = await fetch(`${server.url}/v2/pipeline`, {
      method: 'POST',
      body: JSON.stringify({ baton, requests: [{ type: 'close' }] }),
    });
    expect(replay.status).toBe(400);
    const v2 = await post('/v2/pipeline', { baton: null, requests: [{ type: 'get_autocommit' }, { type: 'close' }] });
    expect(v2.body.results[0]!.type).toBe('error'); // a version 2 stream has no get_autocommit
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404); // so a client falls back to JSON
  });
});

describe('Assent on a remote libSQL database (http:// URL)', () => {
  it('walks the lifecycle with the store openStore and the Workers/Deno entries use for a remote URL', {
    timeout: 30_000,
  }, async () => {
    const remote = await freshServer();
    const h = await makeHarness({ store: libsqlWebStore({ url: remote.url }) });
    try {
      await walkLifecycle({
        fetch: async (path, init) => h.app.request(path, init),
        token: ADMIN_TOKEN,
        flush: () => h.flush(),
      });
      expect(remote.stats.pipelines).toBeGreaterThan(20);
    } finally {
      await h.close();
      await remote.close();
    }
  });

  it('storage faults over the network are 503s: the remote disk full (SQLITE_FULL from the server), then the server gone', {
    timeout: 30_000,
  }, async () => {
    const remote = await freshServer();
    const h = await makeHarness({ url: remote.url });
    try {
      const w = await widgetFor(h);
      const pages = Number((await h.deps.store.queryColumn('PRAGMA page_count'))[0]);
      remote.setConnectionSql(`PRAGMA max_page_count = ${pages}`);
      // Use up the free pages of the file, so the next write needs a page that may not be added.
      await expect(async () => {
        for (let i = 0; i < 2000; i++)
          await h.deps.store.queryColumn(
            `INSERT INTO rate_counters (key, count, expires_at) VALUES ('filler-' || hex(randomblob(300)), 1, 0)`,
          );
      }).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      // Opt-ins until the tables themselves need a page the file may not add: each one is all written or not at all.
      const before = Number((await h.deps.store.queryColumn('SELECT count(*) FROM consents'))[0]);
      let accepted = 0;
      let full: Response | undefined;
      for (let i = 0; i < 90 && !full; i++) {
        if (i % 15 === 14) h.advance(3_600_000); // past the per-address hourly limit
        const res = await h.app.request(
          '/v1/sites/demo/consents',
          json({
            phone: `06 30 00 ${String(Math.floor(i / 100)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`,
            choice: 'yes',
            ...w,
          }),
        );
        if (res.status === 202) accepted++;
        else full = res;
      }
      expect(full?.status).toBe(503);
      expect(full!.headers.get('retry-after')).toBe('5');
      expect(await full!.json()).toMatchObject({ code: 'storage_unavailable' });
      expect(Number((await h.deps.store.queryColumn('SELECT count(*) FROM consents'))[0])).toBe(before + accepted);
      expect(Number((await h.deps.store.queryColumn('SELECT count(*) FROM outbox'))[0])).toBe(before + accepted);
      remote.setConnectionSql(null);
      expect(
        (await h.app.request('/v1/sites/demo/consents', json({ phone: '06 12 34 56 78', choice: 'yes', ...w }))).status,
      ).toBe(202);

      await remote.close(); // the database server goes away: connections are refused
      const gone = await h.app.request(
        '/v1/sites/demo/consents',
        json({ phone: '06 12 34 56 79', choice: 'yes', ...w }),
      );
      expect(gone.status).toBe(503);
      expect(await gone.json()).toMatchObject({ code: 'storage_unavailable' });
      expect((await h.app.request('/healthz')).status).toBe(503);
    } finally {
      await h.close();
      await remote.close().catch(() => {});
    }
  });
});
