// Fixed-window counters for rate limits: every counter of one attempt in one upsert, alone or first in a batch.
import { lt, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, prepareRaw, preparedFor, withinSql, type WithinGuard } from './prepared.ts';
import { rateCounters } from './schema.ts';

/** The upsert of `n` counters (one row each, adding 1), with placeholders `k<i>` and `e<i>`. */
const hitsOf = (db: Db, n: number) =>
  prepareRaw(
    db.run(
      sql`INSERT INTO rate_counters (key, count, expires_at) VALUES ${sql.join(
        Array.from({ length: n }, (_, i) => sql`(${sql.placeholder(`k${i}`)}, 1, ${sql.placeholder(`e${i}`)})`),
        sql`, `,
      )} ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING key, count`,
    ),
  );

/** The upserts of 1 to 4 counters (an opt-in counts 2), built once per database. */
const hot = (db: Db) => [1, 2, 3, 4].map((n) => hitsOf(db, n));

/**
 * The new counts of `counters` in the result of their `hits` statement, in their order. RETURNING's row order is
 * arbitrary in SQLite (https://sqlite.org/lang_returning.html, "Limitations And Caveats"), so each is found by key.
 */
const countsOf = (result: unknown, counters: { key: string }[]): number[] => {
  // A raw statement's result: libSQL's ResultSet (`rows`), D1's (`results`), or the rows themselves.
  const r = result as { rows?: unknown[]; results?: unknown[] } | unknown[] | undefined;
  const rows = (Array.isArray(r) ? r : (r?.rows ?? r?.results ?? [])) as (
    | { key: string; count: number }
    | [string, number]
  )[];
  const counts = new Map<string, number>();
  for (const row of rows) {
    const [key, count] = Array.isArray(row) ? row : [row.key, row.count];
    counts.set(key, Math.max(counts.get(key) ?? 0, Number(count)));
  }
  return counters.map((c) => counts.get(c.key) ?? 0);
};

export function limitsRepo(store: Store) {
  const { db } = store;
  /** One statement adding 1 to every counter and returning their new counts (to put first in a caller's batch). */
  const hits = (counters: { key: string; expiresAt: number }[]): Statement => {
    const values: Record<string, unknown> = {};
    counters.forEach((c, i) => {
      values[`k${i}`] = c.key;
      values[`e${i}`] = c.expiresAt;
    });
    const prepared =
      preparedFor(store, hot)[counters.length - 1] ?? prepareRaw(hitsOf(store.base?.db ?? db, counters.length));
    return bind(store, prepared, values);
  };
  return {
    /** Adds 1 to each counter and returns the new counts, in order. */
    async hit(counters: { key: string; expiresAt: number }[]): Promise<number[]> {
      const [result] = await store.batch([hits(counters)]);
      return countsOf(result, counters);
    },
    hits,
    countsOf,
    /** Holds while every counter is at most its limit: a guard for writes batched after their `hits`. */
    within: (counters: { key: string; limit: number }[]): WithinGuard =>
      Object.assign(withinSql(counters), { within: counters.map(({ key, limit }) => ({ key, limit })) }),
    async peek(key: string): Promise<number> {
      const rows = await db
        .select({ count: rateCounters.count })
        .from(rateCounters)
        .where(sql`${rateCounters.key} = ${key}`);
      return rows[0]?.count ?? 0;
    },
    purge: (now: number) => db.delete(rateCounters).where(lt(rateCounters.expiresAt, now)),
  };
}
