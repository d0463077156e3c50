// Consents: lookups by token hash and subject, compare-and-set state changes, expiry scans.
import { and, asc, desc, eq, gt, is, lt, SQL, sql } from 'drizzle-orm';
import type { Db, Store } from './client.ts';
import { bind, exec, insertWhere, preparedFor, preparedInsert, type Computed } from './prepared.ts';
import { consents, gateStates, subjects } from './schema.ts';

export type ConsentRow = typeof consents.$inferSelect;
export type ConsentStatus = ConsentRow['status'];

/** A batch guard made by `changed`: its consent and operation, so statements can use their prepared, guarded form. */
export type ChangedGuard = SQL & { changed: { id: string; opId: string } };
export const changedOf = (guard: SQL | undefined) => (guard as Partial<ChangedGuard> | undefined)?.changed;

/**
 * A guard made by `chainAt`: the consent's chain head it holds for, and the sent message (outbox.ts `SentGuard`) it
 * also requires, if any, so events.ts can append under it with prepared statements. `chainAt` with any other `also`
 * makes a plain SQL guard.
 */
export type ChainGuard = SQL & { chainAt: { id: string; hash: string | null; sent?: SentMark } };
/** What outbox.ts marks its "this message is recorded as sent here" condition with. */
export type SentMark = { id: string; token: string; at: number };
export const chainAtOf = (guard: SQL | undefined) => (guard as Partial<ChainGuard> | undefined)?.chainAt;
export const sentOf = (guard: SQL | undefined) => (guard as (SQL & { sent?: SentMark }) | undefined)?.sent;
/** The consent's last operation is `opId`: the guard `changed` makes (values, or placeholders in prepared forms). */
export const lastOpIs = (id: unknown, opId: unknown) =>
  sql`EXISTS (SELECT 1 FROM consents WHERE id = ${id} AND last_op_id = ${opId})`;
/** The consent's chain head is `hash` (values, or placeholders for the prepared form in events.ts). */
export const chainHeadIs = (id: unknown, hash: unknown) =>
  sql`EXISTS (SELECT 1 FROM consents WHERE id = ${id} AND chain_hash IS ${hash})`;
/** The expiry conditions a transition may add, marked so its prepared form can say them with a placeholder. */
type ExpiryCondition = SQL & { expiry: { op: '>=' | '<'; at: number } };

/**
 * A new consent's chain index: the index the next leaf of its site's log takes, the same expression as the leaf's
 * insert (events.ts). Nothing appends to the log between the two statements of one batch, so both agree.
 */
const NEXT_LEAF: Computed = {
  chainIdx: (value) => sql`COALESCE((SELECT MAX(idx) + 1 FROM log_leaves WHERE site_id = ${value('siteId')}), 0)`,
};

/** The hot statements (link pages, confirm, withdraw), built once per database. */
function hot(db: Db) {
  const byColumn = (
    column: typeof consents.id | typeof consents.confirmTokenHash | typeof consents.unsubscribeTokenHash,
  ) =>
    db
      .select()
      .from(consents)
      .where(eq(column, sql.placeholder('value')))
      .limit(1)
      .prepare();
  return {
    byId: byColumn(consents.id),
    byConfirmToken: byColumn(consents.confirmTokenHash),
    byUnsubscribeToken: byColumn(consents.unsubscribeTokenHash),
    activeForSubject: db
      .select()
      .from(consents)
      .where(
        and(
          eq(consents.subjectId, sql.placeholder('subjectId')),
          sql`${consents.status} IN ('pending', 'confirmed', 'imported')`,
        ),
      )
      .prepare(),
    /** Compare-and-set transitions, one prepared statement per shape (set columns, from-states, expiry condition). */
    transitions: new Map<string, unknown>(),
  };
}

export function consentsRepo(store: Store) {
  const { db } = store;
  const prepared = () => preparedFor(store, hot);
  /**
   * Consents of a site in one status (`confirmed`: a campaign's or a renewal's audience; `imported`: a
   * re-permission's), each its subject's consent for the gate, with their subject and suppression, in id order from
   * `afterId`.
   */
  const pageByStatus = (siteId: string, status: 'confirmed' | 'imported', afterId: string, limit: number) =>
    db
      .select({
        consentId: consents.id,
        locale: consents.locale,
        renewalRequired: consents.renewalRequired,
        basis: consents.basis,
        purpose: consents.purpose,
        subjectId: subjects.id,
        wrappedKey: subjects.wrappedKey,
        suppressed: sql<number>`EXISTS (SELECT 1 FROM suppressions s WHERE s.site_id = ${subjects.siteId} AND s.phone_index = ${subjects.phoneIndex})`,
      })
      .from(consents)
      .innerJoin(subjects, eq(subjects.id, consents.subjectId))
      // Only the consent the gate speaks of (its gate_states row's): a subject with another consent in that status
      // (an older confirmed one, an imported one its subscriber has since confirmed) is asked or texted once, by it.
      .innerJoin(
        gateStates,
        and(
          eq(gateStates.siteId, subjects.siteId),
          eq(gateStates.phoneIndex, subjects.phoneIndex),
          eq(gateStates.consentId, consents.id),
        ),
      )
      .where(and(eq(consents.siteId, siteId), eq(consents.status, status), gt(consents.id, afterId)))
      .orderBy(asc(consents.id))
      .limit(limit);
  const first = async (query: { all(values: Record<string, unknown>): Promise<ConsentRow[]> }, value: string) =>
    (await exec(store, () => query.all({ value })))[0] ?? null;
  return {
    byId: (id: string) => first(prepared().byId, id),
    /** The consent as a statement to put in a batch (read back in the same round trip as a change). */
    row: (id: string) => bind(store, prepared().byId, { value: id }),
    byConfirmToken: (hash: string) => first(prepared().byConfirmToken, hash),
    byUnsubscribeToken: (hash: string) => first(prepared().byUnsubscribeToken, hash),
    /** The most recent consent of a subject (whose language answers its replies). */
    latestForSubject: (subjectId: string) =>
      db
        .select()
        .from(consents)
        .where(eq(consents.subjectId, subjectId))
        .orderBy(desc(consents.requestedAt))
        .limit(1)
        .then((rows) => rows[0] ?? null),
    /** The latest pending consent of a subject (each request opens its own: a reply answers the last one sent). */
    pendingForSubject: (subjectId: string) =>
      db
        .select()
        .from(consents)
        .where(and(eq(consents.subjectId, subjectId), eq(consents.status, 'pending')))
        .orderBy(desc(consents.requestedAt), desc(sql`rowid`))
        .limit(1)
        .then((rows) => rows[0] ?? null),
    activeForSubject: (subjectId: string) => exec(store, () => prepared().activeForSubject.all({ subjectId })),
    allForSubject: (subjectId: string) =>
      db.select().from(consents).where(eq(consents.subjectId, subjectId)).orderBy(asc(consents.requestedAt)),
    /**
     * A page of a site's consents (optionally one status) with their subjects, by id after `afterId`: only what a
     * subscriber list shows (an export streams every row of a site through it, and the two tables' 45 columns made
     * it allocate three times what it sends).
     */
    listPage: (siteId: string, status: ConsentStatus | undefined, afterId: string, limit: number) =>
      db
        .select({
          consent: {
            id: consents.id,
            status: consents.status,
            locale: consents.locale,
            policyVersion: consents.policyVersion,
            requestedAt: consents.requestedAt,
            confirmedAt: consents.confirmedAt,
            withdrawnAt: consents.withdrawnAt,
            renewalRequired: consents.renewalRequired,
          },
          subject: {
            id: subjects.id,
            wrappedKey: subjects.wrappedKey,
            phoneCiphertext: subjects.phoneCiphertext,
          },
        })
        .from(consents)
        .innerJoin(subjects, eq(subjects.id, consents.subjectId))
        .where(
          and(eq(consents.siteId, siteId), status ? eq(consents.status, status) : undefined, gt(consents.id, afterId)),
        )
        .orderBy(asc(consents.id))
        .limit(limit),
    /**
     * `guard`: written only while it holds (e.g. the rate limits counted in the same batch). With `chainHash` (the
     * hash of the leaf the same batch appends next, events.append with `chained`), the row is born with its chain
     * head: `chain_idx` is the index that leaf takes, computed here as the leaf's insert computes it, so no UPDATE
     * of the row follows.
     */
    insert: (row: typeof consents.$inferInsert, guard?: SQL) =>
      row.chainHash
        ? insertWhere(store, consents, row, guard ?? sql`1`, NEXT_LEAF)
        : guard
          ? insertWhere(store, consents, row, guard)
          : preparedInsert(store, consents, row),
    /**
     * `insert`, written only while the subject holds `wrappedKey`: a revived subject's new key, which a concurrent
     * revival may have won (its statements guarded by `changed` then write nothing either).
     */
    insertIfSubjectKey(row: typeof consents.$inferInsert, subjectId: string, wrappedKey: string, guard?: SQL) {
      return insertWhere(
        store,
        consents,
        row,
        and(sql`EXISTS (SELECT 1 FROM subjects WHERE id = ${subjectId} AND wrapped_key = ${wrappedKey})`, guard)!,
        row.chainHash ? NEXT_LEAF : undefined,
      );
    },
    /**
     * Compare-and-set: applies `set` only while the consent is in one of `from`. Statements batched after it
     * use `changed(id, opId)` as their guard, so they write only if this change happened.
     */
    transition(
      id: string,
      from: ConsentStatus[],
      set: Partial<typeof consents.$inferInsert> & { lastOpId: string },
      extra?: SQL,
      /** The consent's last leaf hash as read (null: no leaf yet): the change happens only if no leaf came since. */
      chain?: { hash: string | null },
    ) {
      const expiry = (extra as Partial<ExpiryCondition> | undefined)?.expiry;
      const columns = Object.keys(set).filter((k) => set[k as keyof typeof set] !== undefined) as (keyof typeof set)[];
      const values: Record<string, unknown> = {
        id,
        ...(expiry ? { at: expiry.at } : {}),
        ...(chain ? { chainFrom: chain.hash } : {}),
      };
      for (const column of columns) values[column] = set[column];
      const dynamic = () =>
        db
          .update(consents)
          .set(set)
          .where(
            and(
              eq(consents.id, id),
              sql`${consents.status} IN (${sql.join(
                from.map((s) => sql`${s}`),
                sql`, `,
              )})`,
              extra,
              chain ? sql`${consents.chainHash} IS ${chain.hash}` : undefined,
            ),
          );
      if ((extra && !expiry) || columns.some((c) => is(set[c], SQL))) return dynamic();
      // The shape names columns and states only (never a value), so the statements per database stay few.
      const shape = `${columns.join(',')}|${from.join(',')}|${expiry?.op ?? ''}|${chain ? 'chain' : ''}`;
      const { transitions } = prepared();
      let statement = transitions.get(shape);
      if (!statement) {
        const placeholders = Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)]));
        const at = sql.placeholder('at');
        statement = db
          .update(consents)
          .set(placeholders)
          .where(
            and(
              eq(consents.id, sql.placeholder('id')),
              sql`${consents.status} IN (${sql.join(
                from.map((s) => sql`${s}`),
                sql`, `,
              )})`,
              expiry
                ? expiry.op === '>='
                  ? sql`${consents.expiresAt} >= ${at}`
                  : sql`${consents.expiresAt} < ${at}`
                : undefined,
              chain ? sql`${consents.chainHash} IS ${sql.placeholder('chainFrom')}` : undefined,
            ),
          )
          .prepare();
        if (transitions.size > 200) transitions.clear();
        transitions.set(shape, statement);
      }
      return bind(store, statement, values);
    },
    notExpiredAt: (now: number): SQL =>
      Object.assign(sql`${consents.expiresAt} >= ${now}`, { expiry: { op: '>=' as const, at: now } }),
    expiredAt: (now: number): SQL =>
      Object.assign(sql`${consents.expiresAt} < ${now}`, { expiry: { op: '<' as const, at: now } }),
    /**
     * Holds while the consent's last leaf is still `hash` (null: none), and `also` when given: a leaf appended outside
     * a state change.
     */
    chainAt(id: string, hash: string | null, also?: SQL): SQL {
      const guard = and(chainHeadIs(id, hash), also)!;
      const sent = sentOf(also);
      if (also && !sent) return guard;
      return Object.assign(guard, { chainAt: { id, hash, ...(sent ? { sent } : {}) } });
    },
    changed: (id: string, opId: string): ChangedGuard => Object.assign(lastOpIs(id, opId), { changed: { id, opId } }),
    /** A policy version changed purposes, recipients or transfers: earlier consents must be renewed. */
    requireRenewal: (siteId: string, version: number) =>
      db
        .update(consents)
        .set({ renewalRequired: true })
        .where(
          and(
            eq(consents.siteId, siteId),
            // The version last agreed to: a renewal's, else the one asked with.
            sql`COALESCE(${consents.renewedVersion}, ${consents.policyVersion}) < ${version}`,
            sql`${consents.status} IN ('pending', 'confirmed')`,
          ),
        ),
    /** Confirmed consents of a site with their subject and suppression, in id order from `afterId`. */
    confirmedPage: (siteId: string, afterId: string, limit: number) =>
      pageByStatus(siteId, 'confirmed', afterId, limit),
    pageByStatus,
    expiredPending: (now: number, limit: number) =>
      db
        .select()
        .from(consents)
        .where(and(eq(consents.status, 'pending'), lt(consents.expiresAt, now)))
        .limit(limit),
  };
}
export type ConsentsRepo = ReturnType<typeof consentsRepo>;
