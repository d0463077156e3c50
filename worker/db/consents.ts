// Consents: lookups by token hash and subject, compare-and-set state changes, expiry scans.
import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import type { Store } from './client.ts';
import { consents, subjects } from './schema.ts';

export type ConsentRow = typeof consents.$inferSelect;
export type ConsentStatus = ConsentRow['status'];

export function consentsRepo(store: Store) {
  const { db } = store;
  const one = async (where: SQL | undefined) => (await db.select().from(consents).where(where).limit(1))[0] ?? null;
  return {
    byId: (id: string) => one(eq(consents.id, id)),
    /** The consent as a statement to put in a batch (read back in the same round trip as a change). */
    row: (id: string) => db.select().from(consents).where(eq(consents.id, id)).limit(1),
    byConfirmToken: (hash: string) => one(eq(consents.confirmTokenHash, hash)),
    byUnsubscribeToken: (hash: string) => one(eq(consents.unsubscribeTokenHash, hash)),
    /** The most recent consent of a subject (the one the send gate speaks of). */
    latestForSubject: (subjectId: string) =>
      db.select().from(consents).where(eq(consents.subjectId, subjectId)).orderBy(desc(consents.requestedAt)).limit(1)
        .then((rows) => rows[0] ?? null),
    pendingForSubject: (subjectId: string) =>
      one(and(eq(consents.subjectId, subjectId), eq(consents.status, 'pending'))),
    activeForSubject: (subjectId: string) =>
      db
        .select()
        .from(consents)
        .where(and(eq(consents.subjectId, subjectId), sql`${consents.status} IN ('pending', 'confirmed')`)),
    allForSubject: (subjectId: string) =>
      db.select().from(consents).where(eq(consents.subjectId, subjectId)).orderBy(asc(consents.requestedAt)),
    /** A page of a site's consents (optionally one status) with their subject, in id order after `afterId`. */
    listPage: (siteId: string, status: ConsentStatus | undefined, afterId: string, limit: number) =>
      db
        .select({ consent: consents, subject: subjects })
        .from(consents)
        .innerJoin(subjects, eq(subjects.id, consents.subjectId))
        .where(and(eq(consents.siteId, siteId), status ? eq(consents.status, status) : undefined, gt(consents.id, afterId)))
        .orderBy(asc(consents.id))
        .limit(limit),
    insert: (row: typeof consents.$inferInsert) => db.insert(consents).values(row),
    /**
     * Compare-and-set: applies `set` only while the consent is in one of `from`. Statements batched after it
     * use `changed(id, opId)` as their guard, so they write only if this change happened.
     */
    transition(
      id: string,
      from: ConsentStatus[],
      set: Partial<typeof consents.$inferInsert> & { lastOpId: string },
      extra?: SQL,
    ) {
      return db
        .update(consents)
        .set(set)
        .where(
          and(eq(consents.id, id), sql`${consents.status} IN (${sql.join(from.map((s) => sql`${s}`), sql`, `)})`, extra),
        );
    },
    notExpiredAt: (now: number) => sql`${consents.expiresAt} >= ${now}`,
    expiredAt: (now: number) => sql`${consents.expiresAt} < ${now}`,
    changed: (id: string, opId: string) =>
      sql`EXISTS (SELECT 1 FROM consents WHERE id = ${id} AND last_op_id = ${opId})`,
    /** A policy version changed purposes, recipients or transfers: earlier consents must be renewed. */
    requireRenewal: (siteId: string, version: number) =>
      db
        .update(consents)
        .set({ renewalRequired: true })
        .where(and(eq(consents.siteId, siteId), lt(consents.policyVersion, version), sql`${consents.status} IN ('pending', 'confirmed')`)),
    /** Confirmed consents of a site with their subject and suppression, in id order from `afterId`. */
    confirmedPage: (siteId: string, afterId: string, limit: number) =>
      db
        .select({
          consentId: consents.id,
          locale: consents.locale,
          renewalRequired: consents.renewalRequired,
          subjectId: subjects.id,
          wrappedKey: subjects.wrappedKey,
          suppressed: sql<number>`EXISTS (SELECT 1 FROM suppressions s WHERE s.site_id = ${subjects.siteId} AND s.phone_index = ${subjects.phoneIndex})`,
        })
        .from(consents)
        .innerJoin(subjects, eq(subjects.id, consents.subjectId))
        .where(and(eq(consents.siteId, siteId), eq(consents.status, 'confirmed'), gt(consents.id, afterId)))
        .orderBy(asc(consents.id))
        .limit(limit),
    expiredPending: (now: number, limit: number) =>
      db
        .select()
        .from(consents)
        .where(and(eq(consents.status, 'pending'), lt(consents.expiresAt, now)))
        .limit(limit),
  };
}
export type ConsentsRepo = ReturnType<typeof consentsRepo>;
