// Group commit: concurrent batches share one transaction, each caller gets its own results, a failing batch fails alone.
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../worker/db/group-commit.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';

async function store() {
  const inner = libsqlStore(createClient({ url: ':memory:' }));
  await inner.execBatch(['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)']);
  let transactions = 0;
  const counted = { ...inner, batch: (s: Parameters<typeof inner.batch>[0]) => (transactions++, inner.batch(s)) };
  return { inner, grouped: groupCommit(counted), transactions: () => transactions };
}

describe('group commit', () => {
  it('writes concurrent batches in one transaction and gives each caller its own results', async () => {
    const { inner, grouped, transactions } = await store();
    const { db } = inner;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        grouped.batch([
          db.run(sql`INSERT INTO t (id, v) VALUES (${i}, ${`v${i}`})`),
          db.all(sql`SELECT v FROM t WHERE id = ${i}`),
        ]),
      ),
    );
    expect(transactions()).toBe(1);
    results.forEach((r, i) => {
      expect(r[1]).toEqual([{ v: `v${i}` }]);
    });
    expect(await inner.queryColumn('SELECT COUNT(*) FROM t')).toEqual([20]);
  });

  it('fails only the batch at fault when one breaks the shared transaction', async () => {
    const { inner, grouped } = await store();
    const { db } = inner;
    await inner.execBatch(["INSERT INTO t (id, v) VALUES (5, 'taken')"]);
    const outcomes = await Promise.allSettled(
      [1, 5, 9].map((id) => grouped.batch([db.run(sql`INSERT INTO t (id, v) VALUES (${id}, 'new')`)])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await inner.queryColumn("SELECT id FROM t WHERE v = 'new' ORDER BY id")).toEqual([1, 9]);
  });

  it('fails every batch of a group at once when the store itself fails, without running each alone again', async () => {
    const { inner } = await store();
    const { db } = inner;
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const grouped = groupCommit({ ...inner, batch: () => (calls++, Promise.reject(busy)) });
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((id) => grouped.batch([db.run(sql`INSERT INTO t (id, v) VALUES (${id}, 'new')`)])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array(4).fill('rejected'));
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason)).toEqual(Array(4).fill(busy));
    expect(calls).toBe(1);
  });
});
