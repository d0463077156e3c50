// Fixed-window counters for rate limits; one upsert per counter, several in one batch.
import { lt, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, preparedFor } from './prepared.ts';
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

export function limitsRepo(store: Store) {
  const { db } = store;
  return {
    /** Adds 1 to each counter and returns the new counts, in order. */
    async hit(counters: { key: string; expiresAt: number }[]): Promise<number[]> {
      const { hit } = preparedFor(store, hot);
      const statements = counters.map((c) => bind(store, hit, { key: c.key, expiresAt: c.expiresAt }));
      const results = (await store.batch(statements as unknown as [Statement, ...Statement[]])) as { count: number }[][];
      return results.map((rows) => rows[0]?.count ?? 0);
    },
    async peek(key: string): Promise<number> {
      const rows = await db.select({ count: rateCounters.count }).from(rateCounters).where(sql`${rateCounters.key} = ${key}`);
      return rows[0]?.count ?? 0;
    },
    purge: (now: number) => db.delete(rateCounters).where(lt(rateCounters.expiresAt, now)),
  };
}
