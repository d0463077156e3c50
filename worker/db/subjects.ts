// Subjects (one per number per site) and the suppression list; numbers only as ciphertext and blind index. The send
// gate's reads are built in gate-reads.ts and run here.
import { and, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { changedOf, lastOpIs } from './consents.ts';
import {
  bulkWhere,
  ERASED_SUPPRESSED,
  gateFactsOf,
  gateFactsQuery,
  gateFactsSql,
  gateQuery,
  gateRowSql,
  gateStateQuery,
  gateViewOf,
  type GateFacts,
  type GateView,
} from './gate-reads.ts';
import { bind, exec, insertWhere, preparedFor, preparedInsert } from './prepared.ts';
import { consents, gateStates, subjects, suppressions } from './schema.ts';

export type SubjectRow = typeof subjects.$inferSelect;

/** What an erased subject holds in place of its blind index (then its row id): nothing derived from the number. */
const ERASED = 'erased:';

const p = sql.placeholder;

/** The hot statements (the gate, the opt-in's read, the send's read, confirm's unsuppress), built once per database. */
function hot(db: Db) {
  const bySiteIndex = and(eq(subjects.siteId, p('siteId')), eq(subjects.phoneIndex, p('phoneIndex')));
  const unsuppress = (guard: SQL | undefined) =>
    db
      .delete(suppressions)
      .where(and(eq(suppressions.siteId, p('siteId')), eq(suppressions.phoneIndex, p('phoneIndex')), guard))
      .prepare();
  return {
    gateView: gateStateQuery(db, and(eq(gateStates.siteId, p('siteId')), eq(gateStates.phoneIndex, p('phoneIndex'))))
      .limit(1)
      .prepare(),
    gateViewById: gateQuery(db, and(eq(subjects.siteId, p('siteId')), eq(subjects.id, p('id'))))
      .limit(1)
      .prepare(),
    /** The bulk gate: the numbers as one JSON array parameter, so any count is one statement on every driver. */
    gateFacts: gateFactsQuery(db, bulkWhere(p('siteId'), p('indexes'))).prepare(),
    isSuppressed: db
      .select({ at: suppressions.at })
      .from(suppressions)
      .where(and(eq(suppressions.siteId, p('siteId')), eq(suppressions.phoneIndex, p('phoneIndex'))))
      .limit(1)
      .prepare(),
    isSuppressedOrMarked: db
      .select({ at: suppressions.at })
      .from(suppressions)
      .where(
        and(
          eq(suppressions.siteId, p('siteId')),
          sql`${suppressions.phoneIndex} IN (${p('phoneIndex')}, ${p('mark')})`,
        ),
      )
      .limit(1)
      .prepare(),
    forRequest: db
      .select({
        subject: subjects,
        // Qualified by hand: in a one-table select drizzle writes a bare "id", which the subquery would read as o.id.
        sentSince: sql<number>`(SELECT COUNT(*) FROM outbox o WHERE o.subject_id = "subjects"."id" AND o.kind = 'confirm-request' AND o.created_at > ${p('since')})`,
      })
      .from(subjects)
      .where(bySiteIndex)
      .limit(1)
      .prepare(),
    withConsentStatus: db
      .select({
        subject: subjects,
        consentStatus: consents.status,
        chainIdx: consents.chainIdx,
        chainHash: consents.chainHash,
      })
      .from(subjects)
      .leftJoin(consents, and(eq(consents.id, p('consentId')), eq(consents.subjectId, subjects.id)))
      .where(eq(subjects.id, p('subjectId')))
      .limit(1)
      .prepare(),
    byId: db
      .select()
      .from(subjects)
      .where(eq(subjects.id, p('id')))
      .limit(1)
      .prepare(),
    suppress: db
      .insert(suppressions)
      .values({
        siteId: p('siteId'),
        phoneIndex: p('phoneIndex'),
        reason: p('reason'),
        at: p('at'),
      } as unknown as typeof suppressions.$inferInsert)
      .onConflictDoNothing()
      .prepare(),
    unsuppress: unsuppress(undefined),
    unsuppressIfChanged: unsuppress(lastOpIs(p('guardId'), p('guardOpId'))),
  };
}

export function subjectsRepo(store: Store) {
  const { db } = store;
  const prepared = () => preparedFor(store, hot);
  return {
    /**
     * One subject whose number is still sealed, of any site: the start checks the master key opens it. Not made on
     * behalf of a site, and it reads no number in clear.
     */
    async anySealed(): Promise<Pick<SubjectRow, 'id' | 'wrappedKey' | 'phoneCiphertext'> | null> {
      const rows = await db
        .select({ id: subjects.id, wrappedKey: subjects.wrappedKey, phoneCiphertext: subjects.phoneCiphertext })
        .from(subjects)
        .where(and(isNotNull(subjects.wrappedKey), isNotNull(subjects.phoneCiphertext)))
        // Newest first: retention erases the oldest, so this stops at once instead of walking erased rows.
        .orderBy(sql`rowid desc`)
        .limit(1);
      return rows[0] ?? null;
    },
    async byIndex(siteId: string, phoneIndex: string): Promise<SubjectRow | null> {
      const rows = await db
        .select()
        .from(subjects)
        .where(and(eq(subjects.siteId, siteId), eq(subjects.phoneIndex, phoneIndex)))
        .limit(1);
      return rows[0] ?? null;
    },
    /**
     * What an opt-in reads, in one query: the subject and how many confirmation messages it was sent after `since`
     * (the per-number limit). Null for a number never seen.
     */
    async forRequest(siteId: string, phoneIndex: string, since: number) {
      const rows = await exec(store, () => prepared().forRequest.all({ siteId, phoneIndex, since }));
      return rows[0] ?? null;
    },
    /**
     * The send gate's whole read, one point read of the subject's gate_states row (the subject, whether it is
     * suppressed, the consent the gate speaks of). Null when the number is unknown (its suppression is then read on its own).
     */
    async gateView(siteId: string, phoneIndex: string): Promise<GateView | null> {
      const base = store.base ?? store;
      if (base.readRow) {
        const { sql: text } = preparedFor(store, gateRowSql);
        const row = await exec(store, () => base.readRow!(text, [siteId, phoneIndex]));
        return row ? gateViewOf(row) : null;
      }
      return (await exec(store, () => prepared().gateView.all({ siteId, phoneIndex })))[0] ?? null;
    },
    /**
     * The same view by subscriber id, only within the site: another site's id reads as unknown. Computed from the
     * subject, its consents and suppressions, as the gate_states triggers compute a row (their test compares both).
     */
    async gateViewById(siteId: string, subjectId: string): Promise<GateView | null> {
      return (await exec(store, () => prepared().gateViewById.all({ siteId, id: subjectId })))[0] ?? null;
    },
    /**
     * The bulk gate: the verdict's facts of every known number among `phoneIndexes`, in one query whatever the count (they
     * travel as one JSON array, so the drivers' bound-parameter limits, 100 on D1, do not split it).
     */
    async gateFacts(siteId: string, phoneIndexes: string[]): Promise<GateFacts[]> {
      const indexes = JSON.stringify(phoneIndexes);
      const base = store.base ?? store;
      if (base.readRows) {
        const { sql: text } = preparedFor(store, gateFactsSql);
        return (await exec(store, () => base.readRows!(text, [siteId, indexes]))).map(gateFactsOf);
      }
      return exec(store, () => prepared().gateFacts.all({ siteId, indexes }));
    },
    /** The subject and, when given, its consent's status, in one query (read just before each send). */
    async withConsentStatus(subjectId: string, consentId: string | null) {
      const rows = await exec(store, () => prepared().withConsentStatus.all({ subjectId, consentId: consentId ?? '' }));
      return rows[0] ?? null;
    },
    /**
     * Subjects of a site with no pending, confirmed or imported consent whose last consent change is older than `before`
     * (`onlyNeverConfirmed`: those that never confirmed at all) — the candidates for retention erasure.
     */
    async dormant(siteId: string, before: number, onlyNeverConfirmed: boolean, limit: number): Promise<SubjectRow[]> {
      return db
        .select()
        .from(subjects)
        .where(
          and(
            eq(subjects.siteId, siteId),
            isNull(subjects.erasedAt),
            // An imported consent is in force too: it waits for its re-permission, not for retention.
            sql`NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = ${subjects.id} AND c.status IN ('pending', 'confirmed', 'imported'))`,
            sql`(SELECT MAX(c.updated_at) FROM consents c WHERE c.subject_id = ${subjects.id}) < ${before}`,
            onlyNeverConfirmed
              ? sql`NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = ${subjects.id} AND c.confirmed_at IS NOT NULL)`
              : undefined,
          ),
        )
        .limit(limit);
    },
    /**
     * Subjects of a site, not erased, whose subscriber has not initiated any contact since `before` (no opt-in, reply
     * or click on their links; what we sent them does not count): erased at the end of the retention of a number.
     */
    async inactive(siteId: string, before: number, limit: number): Promise<SubjectRow[]> {
      return db
        .select()
        .from(subjects)
        .where(
          and(
            eq(subjects.siteId, siteId),
            isNull(subjects.erasedAt),
            sql`COALESCE(${subjects.lastContactAt}, ${subjects.createdAt}) < ${before}`,
          ),
        )
        .limit(limit);
    },
    /** The subscriber initiated a contact at `at`: the retention clock starts again (never goes back). */
    contact(subjectId: string, at: number, guard?: SQL) {
      return db
        .update(subjects)
        .set({ lastContactAt: sql`MAX(COALESCE(${subjects.lastContactAt}, 0), ${at})` })
        .where(and(eq(subjects.id, subjectId), isNull(subjects.erasedAt), guard));
    },
    async byId(id: string): Promise<SubjectRow | null> {
      return (await exec(store, () => prepared().byId.all({ id })))[0] ?? null;
    },
    /** `guard`: written only while it holds (e.g. the rate limits counted in the same batch). */
    insert(row: typeof subjects.$inferInsert, guard?: SQL) {
      return guard ? insertWhere(store, subjects, row, guard) : preparedInsert(store, subjects, row);
    },
    /** A subject erased earlier, back with a new key: only while it is still erased (two revivals: one key wins). */
    revive(row: SubjectRow, guard?: SQL) {
      return db
        .update(subjects)
        .set({
          phoneCiphertext: row.phoneCiphertext,
          wrappedKey: row.wrappedKey,
          masked: row.masked,
          country: row.country,
          erasedAt: null,
          lastContactAt: row.lastContactAt,
        })
        .where(and(eq(subjects.id, row.id), isNull(subjects.wrappedKey), guard));
    },
    /**
     * Erasure, in batch order: the key, the ciphertext, the masked form and the blind index go (the row is found by its
     * id from now on, never by the number); when `suppress`, or when the number was suppressed already, `mark` (shared
     * by many numbers) goes on the suppression list, and the row under the number's own index goes.
     */
    erase(
      subject: Pick<SubjectRow, 'id' | 'siteId' | 'phoneIndex'>,
      mark: string,
      suppress: boolean,
      now: number,
    ): Statement[] {
      const { id, siteId, phoneIndex } = subject;
      const suppressed = suppress
        ? sql`1`
        : sql`EXISTS (SELECT 1 FROM suppressions s WHERE s.site_id = ${siteId} AND s.phone_index = ${phoneIndex})`;
      return [
        // In place of the index, the row's own random id (unique, as the index must be), tagged when it stays suppressed.
        db
          .update(subjects)
          .set({
            phoneIndex: sql`CASE WHEN ${suppressed} THEN ${`${ERASED_SUPPRESSED}${id}`} ELSE ${`${ERASED}${id}`} END`,
            phoneCiphertext: null,
            wrappedKey: null,
            masked: '•••',
            erasedAt: now,
          })
          .where(and(eq(subjects.id, id), isNull(subjects.erasedAt))),
        db.run(sql`INSERT INTO suppressions (site_id, phone_index, reason, at) SELECT ${siteId}, ${mark}, 'erased', ${now} WHERE ${suppressed}
          ON CONFLICT DO NOTHING`),
        db.delete(suppressions).where(and(eq(suppressions.siteId, siteId), eq(suppressions.phoneIndex, phoneIndex))),
      ];
    },
    /** Whether the number is suppressed; with `mark`, also whether an erased number sharing that mark was. */
    async isSuppressed(siteId: string, phoneIndex: string, mark?: string): Promise<boolean> {
      if (mark)
        return (await exec(store, () => prepared().isSuppressedOrMarked.all({ siteId, phoneIndex, mark }))).length > 0;
      return (await exec(store, () => prepared().isSuppressed.all({ siteId, phoneIndex }))).length > 0;
    },
    suppress(siteId: string, phoneIndex: string, reason: string, now: number) {
      return bind(store, prepared().suppress, { siteId, phoneIndex, reason, at: now });
    },
    /** A confirmed new opt-in (its batch `guard`) or a START lifts a suppression. */
    unsuppress(siteId: string, phoneIndex: string, guard?: SQL) {
      const changed = changedOf(guard);
      if (guard && !changed)
        return db
          .delete(suppressions)
          .where(and(eq(suppressions.siteId, siteId), eq(suppressions.phoneIndex, phoneIndex), guard));
      return changed
        ? bind(store, prepared().unsuppressIfChanged, {
            siteId,
            phoneIndex,
            guardId: changed.id,
            guardOpId: changed.opId,
          })
        : bind(store, prepared().unsuppress, { siteId, phoneIndex });
    },
  };
}
export type SubjectsRepo = ReturnType<typeof subjectsRepo>;
