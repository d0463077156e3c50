// Fixed-window counters for rate limits; one upsert per counter, several in one batch.
import { lt, sql } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import { rateCounters } from './schema.ts';

export function limitsRepo(store: Store) {
  const { db } = store;
  return {
    /** Adds 1 to each counter and returns the new counts, in order. */
    async hit(counters: { key: string; expiresAt: number }[]): Promise<number[]> {
      const statements = counters.map((c) =>
        db
          .insert(rateCounters)
          .values({ key: c.key, count: 1, expiresAt: c.expiresAt })
          .onConflictDoUpdate({ target: rateCounters.key, set: { count: sql`${rateCounters.count} + 1` } })
          .returning({ count: rateCounters.count }),
      );
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
