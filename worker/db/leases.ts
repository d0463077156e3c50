// Named leases with expiry, held in the database: one holder at a time across processes and isolates, and a holder
// that vanished (its background work dropped) blocks nobody once the lease expires.
import { and, eq, sql } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import { leases } from './schema.ts';

export function leasesRepo(store: Store) {
  const { db } = store;
  /** The compare-and-set: taken when free, expired or already `owner`'s (then renewed); returns the holder. */
  const take = (name: string, owner: string, now: number, ttlMs: number): Statement =>
    db
      .insert(leases)
      .values({ name, owner, expiresAt: now + ttlMs })
      .onConflictDoUpdate({
        target: leases.name,
        set: { owner, expiresAt: now + ttlMs },
        setWhere: sql`${leases.expiresAt} <= ${now} OR ${leases.owner} = ${owner}`,
      })
      .returning({ owner: leases.owner });
  const held = (rows: unknown, owner: string) => (rows as { owner: string }[])[0]?.owner === owner;
  return {
    /**
     * Takes `name` for `owner` until `now + ttlMs` when it is free, expired or already `owner`'s (then it is
     * renewed). One compare-and-set statement: of two concurrent callers exactly one gets it.
     */
    async acquire(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
      const [rows] = await store.batch([take(name, owner, now, ttlMs)]);
      return held(rows, owner);
    },
    /** `acquire`'s statement, to go into a batch with other work; its result goes to `held`. */
    take,
    held,
    /** Gives the lease up, only if `owner` still holds it (a holder whose lease expired never frees another's). */
    release(name: string, owner: string): Statement {
      return db.delete(leases).where(and(eq(leases.name, name), eq(leases.owner, owner)));
    },
    holder: async (name: string) => (await db.select().from(leases).where(eq(leases.name, name)).limit(1))[0] ?? null,
  };
}
export type LeasesRepo = ReturnType<typeof leasesRepo>;
