// Witness storage: the witness role's latest cosigned checkpoint per origin (moved by compare-and-set), and, for our
// own logs, where each witness of the policy stands and the cosignature lines it returned.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import { logHeads, witnessCheckpoints, witnessCosignatures, witnessSubmissions } from './schema.ts';

export type WitnessedCheckpoint = typeof witnessCheckpoints.$inferSelect;
export type WitnessSubmission = typeof witnessSubmissions.$inferSelect;
export type WitnessCosignature = typeof witnessCosignatures.$inferSelect;

export function witnessRepo(store: Store) {
  const { db } = store;
  return {
    checkpoint: async (origin: string): Promise<WitnessedCheckpoint | null> =>
      (await db.select().from(witnessCheckpoints).where(eq(witnessCheckpoints.origin, origin)).limit(1))[0] ?? null,
    /**
     * Moves an origin's cosigned checkpoint from `from` (null: none yet) to `next`, only if it is still exactly
     * `from` (size and root): of two requests that checked against the same state, one wins. True when this one did.
     */
    async advance(
      origin: string,
      from: { size: number; rootHash: string } | null,
      next: Omit<WitnessedCheckpoint, 'origin'>,
    ): Promise<boolean> {
      const statement =
        from === null
          ? db
              .insert(witnessCheckpoints)
              .values({ origin, ...next })
              .onConflictDoNothing()
              .returning({ origin: witnessCheckpoints.origin })
          : db
              .update(witnessCheckpoints)
              .set(next)
              .where(
                and(
                  eq(witnessCheckpoints.origin, origin),
                  eq(witnessCheckpoints.size, from.size),
                  eq(witnessCheckpoints.rootHash, from.rootHash),
                ),
              )
              .returning({ origin: witnessCheckpoints.origin });
      const [rows] = await store.batch([statement]);
      return (rows as unknown[]).length === 1;
    },

    /** Every site's head (size, root, checkpoint): what the submitter sends. */
    heads: () =>
      db
        .select({
          siteId: logHeads.siteId,
          size: logHeads.size,
          rootHash: logHeads.rootHash,
          checkpoint: logHeads.checkpoint,
        })
        .from(logHeads),
    submissions: (siteId: string): Promise<WitnessSubmission[]> =>
      db
        .select()
        .from(witnessSubmissions)
        .where(eq(witnessSubmissions.siteId, siteId))
        .orderBy(asc(witnessSubmissions.witness)),
    allSubmissions: (): Promise<WitnessSubmission[]> => db.select().from(witnessSubmissions),
    /** Records an attempt's outcome for one witness (a row is made on the first attempt). */
    saveSubmission: (row: WitnessSubmission): Statement =>
      db
        .insert(witnessSubmissions)
        .values(row)
        .onConflictDoUpdate({
          target: [witnessSubmissions.siteId, witnessSubmissions.witness],
          set: {
            // The cosigned size never goes down here: a late answer about an older checkpoint changes nothing.
            cosignedSize: sql`MAX(${witnessSubmissions.cosignedSize}, ${row.cosignedSize})`,
            cosignedAt: sql`CASE WHEN ${row.cosignedSize} >= ${witnessSubmissions.cosignedSize} THEN ${row.cosignedAt} ELSE ${witnessSubmissions.cosignedAt} END`,
            lastAttemptAt: row.lastAttemptAt,
            nextAttemptAt: row.nextAttemptAt,
            failures: row.failures,
            lastError: row.lastError,
          },
        }),
    saveCosignature: (row: WitnessCosignature): Statement =>
      db
        .insert(witnessCosignatures)
        .values(row)
        .onConflictDoUpdate({
          target: [witnessCosignatures.siteId, witnessCosignatures.size, witnessCosignatures.witness],
          set: { lines: row.lines, cosignedAt: row.cosignedAt, rootHash: row.rootHash },
        }),
    /** The cosignatures at the largest size in [from, to] that has any (none: an empty list). */
    latestCosigned: (siteId: string, from: number, to: number): Promise<WitnessCosignature[]> =>
      db
        .select()
        .from(witnessCosignatures)
        .where(
          and(
            eq(witnessCosignatures.siteId, siteId),
            sql`${witnessCosignatures.size} = (SELECT MAX(size) FROM witness_cosignatures WHERE site_id = ${siteId} AND size BETWEEN ${from} AND ${to})`,
          ),
        )
        .orderBy(asc(witnessCosignatures.witness)),
    cosignatures: (siteId: string, size: number): Promise<WitnessCosignature[]> =>
      db
        .select()
        .from(witnessCosignatures)
        .where(and(eq(witnessCosignatures.siteId, siteId), eq(witnessCosignatures.size, size)))
        .orderBy(asc(witnessCosignatures.witness)),
    /**
     * Puts a cosigned note in place of the site's head checkpoint, only while the head is still that tree (same size
     * and root): a head that moved on keeps its own checkpoint, and the cosignatures stay in witness_cosignatures.
     */
    setHeadCheckpoint: (siteId: string, size: number, rootHash: string, checkpoint: string): Statement =>
      db
        .update(logHeads)
        .set({ checkpoint })
        .where(and(eq(logHeads.siteId, siteId), eq(logHeads.size, size), eq(logHeads.rootHash, rootHash))),
  };
}
export type WitnessRepo = ReturnType<typeof witnessRepo>;
