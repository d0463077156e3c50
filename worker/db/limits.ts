// Fixed-window counters for rate limits; one upsert per counter, several in one batch.
import { lt, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, preparedFor, withinSql, type WithinGuard } from './prepared.ts';
import { rateCounters } from './schema.ts';

/** The counter upsert every opt-in and decline runs, built once per database. */
const hot = (db: Db) => ({
  hit: db
    .insert(rateCounters)
    .values({ key: sql.placeholder('key'), count: 1, expiresAt: sql.placeholder('expiresAt') })
    .onConflictDoUpdate({ target: rateCounters.key, set: { count: sql`${rateCounters.count} + 1` } })
    .returning({ count: rateCounters.count })
    .prepare(),
});

/** The new counts in the results of `hits` statements, in order. */
const countsOf = (results: unknown[]) => (results as { count: number }[][]).map((rows) => rows[0]?.count ?? 0);

export function limitsRepo(store: Store) {
  const { db } = store;
  /** One statement per counter, adding 1 and returning its new count (to put first in a caller's batch). */
  const hits = (counters: { key: string; expiresAt: number }[]): Statement[] => {
    const { hit } = preparedFor(store, hot);
    return counters.map((c) => bind(store, hit, { key: c.key, expiresAt: c.expiresAt }));
  };
  return {
    /** Adds 1 to each counter and returns the new counts, in order. */
    async hit(counters: { key: string; expiresAt: number }[]): Promise<number[]> {
      return countsOf(await store.batch(hits(counters) as [Statement, ...Statement[]]));
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
