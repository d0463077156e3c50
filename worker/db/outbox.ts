// The outbox: messages committed with the state change that caused them, then claimed and sent by the dispatcher.
import { and, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { changedOf, lastOpIs } from './consents.ts';
import { bind, prepareRaw, preparedFor, preparedInsert } from './prepared.ts';
import { outbox } from './schema.ts';

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxInsert = typeof outbox.$inferInsert;

const p = sql.placeholder;

/** The dispatcher's claim and outcomes and the guarded enqueue, built once per database. */
function hot(db: Db) {
  const held = and(eq(outbox.id, p('id')), eq(outbox.claimToken, p('token')), eq(outbox.status, 'queued'));
  const record = (set: Partial<Record<keyof OutboxInsert, unknown>>) =>
    db
      .update(outbox)
      .set(set as Partial<OutboxInsert>)
      .where(held)
      .returning({ id: outbox.id })
      .prepare();
  return {
    claimDue: db
      .update(outbox)
      .set({
        leaseUntil: sql`${p('leaseUntil')}`,
        claimToken: sql`${p('token')}`,
        attempts: sql`${outbox.attempts} + 1`,
        outcomeUnknown: sql`CASE WHEN ${outbox.leaseUntil} > 0 THEN 1 ELSE ${outbox.outcomeUnknown} END`,
      })
      .where(
        sql`${outbox.id} IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ${p('now')}
          AND lease_until <= ${p('now')} ORDER BY next_attempt_at LIMIT ${p('limit')})`,
      )
      .returning()
      .prepare(),
    sent: record({
      status: 'sent',
      providerMessageId: p('providerMessageId'),
      sentAt: p('now'),
      leaseUntil: 0,
      outcomeUnknown: false,
      lastError: null,
    }),
    retry: record({
      nextAttemptAt: p('at'),
      leaseUntil: 0,
      lastError: p('error'),
      outcomeUnknown: p('outcomeUnknown'),
    }),
    finish: record({ status: p('status'), leaseUntil: 0, lastError: p('error') }),
    enqueueIfChanged: prepareRaw(
      db.run(sql`INSERT INTO outbox (id, site_id, subject_id, consent_id, kind, body_ciphertext, status, attempts,
          next_attempt_at, lease_until, outcome_unknown, created_at)
        SELECT ${p('id')}, ${p('siteId')}, ${p('subjectId')}, ${p('consentId')}, ${p('kind')}, ${p('bodyCiphertext')},
          'queued', 0, ${p('nextAttemptAt')}, 0, 0, ${p('createdAt')}
        WHERE ${lastOpIs(p('guardId'), p('guardOpId'))}`),
    ),
  };
}

/** What a delivery report changed: enough to log it on the message's consent. */
const deliveryChange = {
  id: outbox.id,
  consentId: outbox.consentId,
  kind: outbox.kind,
  providerMessageId: outbox.providerMessageId,
};
/** No delivery status yet, or one of `from` (an empty list: only a message without one). */
const deliveryFrom = (from: readonly string[]) =>
  from.length === 0
    ? sql`${outbox.deliveryStatus} IS NULL`
    : sql`(${outbox.deliveryStatus} IS NULL OR ${outbox.deliveryStatus} IN (${sql.join(
        from.map((s) => sql`${s}`),
        sql`, `,
      )}))`;
export type DeliveryChange = { id: string; consentId: string | null; kind: string; providerMessageId: string | null };

/** The message is recorded as sent by this claim at `at` (values, or placeholders for the prepared form in events.ts). */
export const sentHere = (id: unknown, token: unknown, at: unknown) =>
  sql`EXISTS (SELECT 1 FROM outbox WHERE id = ${id} AND claim_token = ${token} AND status = 'sent' AND sent_at = ${at})`;

/** A subject's confirmation SMS queued after `since` (through the index outbox_subject). */
const confirmRequestsSince = (subjectId: string, since: number) =>
  and(eq(outbox.subjectId, subjectId), eq(outbox.kind, 'confirm-request'), gt(outbox.createdAt, since));

export function outboxRepo(store: Store) {
  const { db } = store;
  const prepared = () => preparedFor(store, hot);
  async function recordIfHeld(statement: unknown, values: Record<string, unknown>): Promise<boolean> {
    const [rows] = (await store.batch([bind(store, statement, values)])) as [{ id: string }[]];
    return rows.length === 1;
  }
  return {
    /** Guarded insert: written only if `guard` holds inside the batch (see consentsRepo.changed). */
    enqueue(row: OutboxInsert, guard?: SQL): Statement {
      if (!guard) return preparedInsert(store, outbox, row);
      const changed = changedOf(guard);
      if (changed) {
        const { id, siteId, subjectId, consentId, kind, bodyCiphertext, nextAttemptAt, createdAt } = row;
        return bind(store, prepared().enqueueIfChanged, {
          id,
          siteId,
          subjectId,
          consentId: consentId ?? null,
          kind,
          bodyCiphertext: bodyCiphertext ?? null,
          nextAttemptAt,
          createdAt,
          guardId: changed.id,
          guardOpId: changed.opId,
        });
      }
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
     * Leases up to `limit` due messages in one statement to the claimer holding `token`; only one dispatcher (of
     * any process) gets a given attempt. A message whose previous lease ran out with no outcome recorded (its
     * claimer vanished or was too slow) may have gone out: it is marked outcome-unknown, so it is reconciled with
     * the provider before any resend. Goes through the store's batch so, on a file, it shares a commit.
     */
    async claimDue(now: number, limit: number, leaseMs: number, token: string): Promise<OutboxRow[]> {
      const [rows] = (await store.batch([
        bind(store, prepared().claimDue, { leaseUntil: now + leaseMs, token, now, limit }),
      ])) as [OutboxRow[]];
      return rows;
    },
    /**
     * Records an outcome only while `token` still holds the claim (compare-and-set): a claimer whose lease was
     * taken over records nothing, and the new holder reconciles. False when the claim was lost.
     */
    async markSent(id: string, token: string, providerMessageId: string, now: number): Promise<boolean> {
      return recordIfHeld(prepared().sent, { id, token, providerMessageId, now });
    },
    /**
     * `markSent` with more statements in its batch, written only if this claim recorded the send (`also` gets that
     * condition). Answers whether it did and what the extra statements read.
     */
    async markSentWith(
      id: string,
      token: string,
      providerMessageId: string,
      now: number,
      also: (sent: SQL) => Statement[],
    ): Promise<{ recorded: boolean; results: unknown[] }> {
      // Marked (consents.ts `SentMark`), so the statements guarded by it can take their prepared form (events.ts).
      const sent = Object.assign(sentHere(id, token, now), { sent: { id, token, at: now } });
      const [rows, ...results] = (await store.batch([
        bind(store, prepared().sent, { id, token, providerMessageId, now }),
        ...also(sent),
      ])) as [{ id: string }[], ...unknown[]];
      return { recorded: rows.length === 1, results };
    },
    async retryLater(id: string, token: string, at: number, error: string, outcomeUnknown: boolean): Promise<boolean> {
      return recordIfHeld(prepared().retry, { id, token, at, error: error.slice(0, 500), outcomeUnknown });
    },
    async finish(id: string, token: string, status: 'failed' | 'cancelled', error: string): Promise<boolean> {
      return recordIfHeld(prepared().finish, { id, token, status, error: error.slice(0, 500) });
    },
    /**
     * A provider's status callback: scoped to the site whose signature it carried, so one site never touches another's
     * rows, and applied only over a status in `from` (or none yet): a compare-and-set, so a report that arrives late or
     * is replayed never moves a status back. Answers the messages whose status this changed.
     */
    async setDeliveryStatus(
      siteId: string,
      providerMessageId: string,
      deliveryStatus: string,
      from: readonly string[],
    ): Promise<DeliveryChange[]> {
      return db
        .update(outbox)
        .set({ deliveryStatus })
        .where(and(eq(outbox.siteId, siteId), eq(outbox.providerMessageId, providerMessageId), deliveryFrom(from)))
        .returning(deliveryChange);
    },
    async setDeliveryStatusById(
      id: string,
      siteId: string,
      deliveryStatus: string,
      from: readonly string[],
    ): Promise<DeliveryChange[]> {
      return db
        .update(outbox)
        .set({ deliveryStatus })
        .where(and(eq(outbox.id, id), eq(outbox.siteId, siteId), deliveryFrom(from)))
        .returning(deliveryChange);
    },
    /** Confirmation SMS queued for a subject after `since` (the per-number anti-pumping limit counts these). */
    async countConfirmRequests(subjectId: string, since: number): Promise<number> {
      const rows = await db
        .select({ n: sql<number>`COUNT(*)` })
        .from(outbox)
        .where(confirmRequestsSince(subjectId, since));
      return rows[0]?.n ?? 0;
    },
    /** The oldest of those, to say when the next one is allowed. */
    async oldestConfirmRequest(subjectId: string, since: number): Promise<number | null> {
      const rows = await db
        .select({ at: sql<number | null>`MIN(${outbox.createdAt})` })
        .from(outbox)
        .where(confirmRequestsSince(subjectId, since));
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
