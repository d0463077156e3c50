// The outbox: messages committed with the state change that caused them, then claimed and sent by the dispatcher.
import { and, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import { outbox } from './schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxInsert = typeof outbox.$inferInsert;

export function outboxRepo(store: Store) {
  const { db } = store;
  return {
    /** Guarded insert: written only if `guard` holds inside the batch (see consentsRepo.changed). */
    enqueue(row: OutboxInsert, guard?: SQL): Statement {
      if (!guard) return db.insert(outbox).values(row);
      return db.run(sql`INSERT INTO outbox (id, site_id, subject_id, consent_id, kind, body_ciphertext, status, attempts,
          next_attempt_at, lease_until, outcome_unknown, created_at)
        SELECT ${row.id}, ${row.siteId}, ${row.subjectId}, ${row.consentId ?? null}, ${row.kind}, ${row.bodyCiphertext ?? null},
          'queued', 0, ${row.nextAttemptAt}, 0, 0, ${row.createdAt} WHERE ${guard}`);
    },
    /** Insert unless a message with this id exists (idempotent marketing sends). */
    enqueueOnce(row: OutboxInsert): Statement {
      return db.insert(outbox).values(row).onConflictDoNothing();
    },
    /**
     * Leases up to `limit` due messages in one statement; only one dispatcher (of any process) gets a given
     * attempt. Goes through the store's batch so, on a file, it shares a commit with concurrent writes.
     */
    async claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]> {
      const [rows] = (await store.batch([
        db
          .update(outbox)
          .set({ leaseUntil: now + leaseMs, attempts: sql`${outbox.attempts} + 1` })
          .where(
            sql`${outbox.id} IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ${now}
              AND lease_until <= ${now} ORDER BY next_attempt_at LIMIT ${limit})`,
          )
          .returning(),
      ])) as [OutboxRow[]];
      return rows;
    },
    async markSent(id: string, providerMessageId: string, now: number) {
      await store.batch([
        db
          .update(outbox)
          .set({ status: 'sent', providerMessageId, sentAt: now, leaseUntil: 0, outcomeUnknown: false, lastError: null })
          .where(eq(outbox.id, id)),
      ]);
    },
    async retryLater(id: string, at: number, error: string, outcomeUnknown: boolean) {
      await store.batch([
        db
          .update(outbox)
          .set({ nextAttemptAt: at, leaseUntil: 0, lastError: error.slice(0, 500), outcomeUnknown })
          .where(eq(outbox.id, id)),
      ]);
    },
    async finish(id: string, status: 'failed' | 'cancelled', error: string) {
      await store.batch([db.update(outbox).set({ status, leaseUntil: 0, lastError: error.slice(0, 500) }).where(eq(outbox.id, id))]);
    },
    /** A provider's status callback: scoped to the site whose signature it carried, so one site never touches another's rows. */
    async setDeliveryStatus(siteId: string, providerMessageId: string, deliveryStatus: string) {
      await db
        .update(outbox)
        .set({ deliveryStatus })
        .where(and(eq(outbox.siteId, siteId), eq(outbox.providerMessageId, providerMessageId)));
    },
    async setDeliveryStatusById(id: string, siteId: string, deliveryStatus: string) {
      await db.update(outbox).set({ deliveryStatus }).where(and(eq(outbox.id, id), eq(outbox.siteId, siteId)));
    },
    /** Confirmation SMS queued for a subject after `since` (the per-number anti-pumping limit counts these). */
    async countConfirmRequests(subjectId: string, since: number): Promise<number> {
      const rows = await db
        .select({ n: sql<number>`COUNT(*)` })
        .from(outbox)
        .where(and(eq(outbox.subjectId, subjectId), eq(outbox.kind, 'confirm-request'), gt(outbox.createdAt, since)));
      return rows[0]?.n ?? 0;
    },
    /** The oldest of those, to say when the next one is allowed. */
    async oldestConfirmRequest(subjectId: string, since: number): Promise<number | null> {
      const rows = await db
        .select({ at: sql<number | null>`MIN(${outbox.createdAt})` })
        .from(outbox)
        .where(and(eq(outbox.subjectId, subjectId), eq(outbox.kind, 'confirm-request'), gt(outbox.createdAt, since)));
      return rows[0]?.at ?? null;
    },
    byId: async (id: string) => (await db.select().from(outbox).where(eq(outbox.id, id)).limit(1))[0] ?? null,
    forConsent: (consentId: string) => db.select().from(outbox).where(eq(outbox.consentId, consentId)),
    /** Erasure: message bodies become unreadable and unsendable. */
    cancelForSubject: (subjectId: string) =>
      db
        .update(outbox)
        .set({ bodyCiphertext: null, status: sql`CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END` })
        .where(eq(outbox.subjectId, subjectId)),
  };
}
export type OutboxRepo = ReturnType<typeof outboxRepo>;
