// The send gate's reads (db/subjects.ts runs them): a subject's view as the gate judges it, computed from its rows
// (gateQuery) or read from the gate_states row the triggers keep (gateStateQuery), and the bulk gate's narrower
// facts; each with its SQL text and row mapping for the file store's raw reads (readRow, readRows).
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';
import { consents, gateStates, subjects } from './schema.ts';

/**
 * The order of a subject's consents (`c`) whose first is the one the gate speaks of: the latest in force (confirmed, or
 * imported from the owner's list), else the latest. A pending request for a number already subscribed neither hides
 * its consent in force nor, expiring, ends it.
 */
export const IN_FORCE_FIRST = "c.status IN ('confirmed', 'imported') DESC, c.requested_at DESC, c.rowid DESC";

/** What an erased subject that stays suppressed holds in place of its blind index (then its row id). */
export const ERASED_SUPPRESSED = 'erased-suppressed:';

export interface GateView {
  subjectId: string;
  phoneIndex: string;
  masked: string;
  erasedAt: number | null;
  suppressed: number | boolean;
  consentId: string | null;
  status: typeof consents.$inferSelect.status | null;
  renewalRequired: boolean | null;
  /** The retention clock: the last contact the subscriber initiated (the subject's creation before any was kept). */
  lastContactAt: number;
  basis: 'consent' | 'existing_customer' | null;
  /** The one purpose an existing-customer record allows. */
  purpose: string | null;
}

/** What the gate's verdict reads of a view (the bulk gate reads no more: no retention clock, no masked number). */
export type GateFacts = Pick<
  GateView,
  'phoneIndex' | 'erasedAt' | 'suppressed' | 'status' | 'renewalRequired' | 'basis' | 'purpose'
>;

// The subject, its suppression and the consent the gate speaks of (IN_FORCE_FIRST); the site's id is in every caller's
// condition. The same view as gate_view (migrations gate_states, gate_consent_in_force), which keeps gate_states.
export const gateQuery = (db: Db, where: SQL | undefined) =>
  db
    .select({
      subjectId: subjects.id,
      phoneIndex: subjects.phoneIndex,
      masked: subjects.masked,
      erasedAt: subjects.erasedAt,
      suppressed: sql<number>`(EXISTS (SELECT 1 FROM suppressions s WHERE s.site_id = ${subjects.siteId} AND s.phone_index = ${subjects.phoneIndex})
        OR ${subjects.phoneIndex} LIKE ${sql.raw(`'${ERASED_SUPPRESSED}%'`)})`,
      consentId: consents.id,
      status: consents.status,
      renewalRequired: consents.renewalRequired,
      lastContactAt: sql<number>`COALESCE(${subjects.lastContactAt}, ${subjects.createdAt})`,
      basis: consents.basis,
      purpose: consents.purpose,
    })
    .from(subjects)
    .leftJoin(
      consents,
      sql`${consents.id} = (SELECT c.id FROM consents c WHERE c.subject_id = ${subjects.id} ORDER BY ${sql.raw(IN_FORCE_FIRST)} LIMIT 1)`,
    )
    .where(where);

// The same view, as the triggers of the gate_states migration keep it: one primary-key read, then by primary key the
// subject's retention clock (written on every contact) and that consent's basis and purpose (the
// existing-customer exception), which gate_states does not copy.
export const gateStateQuery = (db: Db, where: SQL | undefined) =>
  db
    .select({
      subjectId: gateStates.subjectId,
      phoneIndex: gateStates.phoneIndex,
      masked: gateStates.masked,
      erasedAt: gateStates.erasedAt,
      suppressed: gateStates.suppressed,
      consentId: gateStates.consentId,
      status: gateStates.status,
      renewalRequired: gateStates.renewalRequired,
      lastContactAt: sql<number>`COALESCE(${subjects.lastContactAt}, ${subjects.createdAt})`,
      basis: consents.basis,
      purpose: consents.purpose,
    })
    .from(gateStates)
    .innerJoin(subjects, eq(subjects.id, gateStates.subjectId))
    .leftJoin(consents, eq(consents.id, gateStates.consentId))
    .where(where);

/**
 * The gate read as SQL text for `store.readRow`: the same query as the prepared `gateView` (drizzle writes it once),
 * its values positional (site, then index); its columns in gateViewOf's order.
 */
export const gateRowSql = (db: Db) => ({
  sql: gateStateQuery(db, and(eq(gateStates.siteId, sql`?`), eq(gateStates.phoneIndex, sql`?`)))
    .limit(1)
    .toSQL()
    .sql.replace(/limit \?$/i, 'LIMIT 1'),
});

/**
 * The bulk gate's rows: the gate_states row and its consent's basis and purpose, without the subject (the verdict
 * needs no retention clock), so one search a row fewer. Columns in gateFactsOf's order.
 */
export const gateFactsQuery = (db: Db, where: SQL | undefined) =>
  db
    .select({
      phoneIndex: gateStates.phoneIndex,
      erasedAt: gateStates.erasedAt,
      suppressed: gateStates.suppressed,
      status: gateStates.status,
      renewalRequired: gateStates.renewalRequired,
      basis: consents.basis,
      purpose: consents.purpose,
    })
    .from(gateStates)
    .leftJoin(consents, eq(consents.id, gateStates.consentId))
    .where(where);

/** The bulk read for one JSON array of indexes (any count is one statement on every driver, D1's 100 included). */
export const bulkWhere = (siteId: unknown, indexes: unknown) =>
  and(
    eq(gateStates.siteId, siteId as string),
    sql`${gateStates.phoneIndex} IN (SELECT value FROM json_each(${indexes}))`,
  );

/** The bulk gate's read as SQL text for `store.readRows`: the prepared `gateFacts`, values positional (site, indexes). */
export const gateFactsSql = (db: Db) => ({ sql: gateFactsQuery(db, bulkWhere(sql`?`, sql`?`)).toSQL().sql });

/** A bulk row's values, in gateFactsQuery's order, as drizzle would map them (renewal_required a boolean). */
export function gateFactsOf(v: unknown[]): GateFacts {
  return {
    phoneIndex: v[0] as string,
    erasedAt: v[1] as number | null,
    suppressed: v[2] as number,
    status: v[3] as GateView['status'],
    renewalRequired: v[4] == null ? null : v[4] === 1,
    basis: v[5] as GateView['basis'],
    purpose: v[6] as string | null,
  };
}

/** A gate row's values, in the select's order, as the GateView drizzle would map (renewal_required a boolean). */
export function gateViewOf(v: unknown[]): GateView {
  return {
    subjectId: v[0] as string,
    phoneIndex: v[1] as string,
    masked: v[2] as string,
    erasedAt: v[3] as number | null,
    suppressed: v[4] as number,
    consentId: v[5] as string | null,
    status: v[6] as GateView['status'],
    renewalRequired: v[7] == null ? null : v[7] === 1,
    lastContactAt: v[8] as number,
    basis: v[9] as GateView['basis'],
    purpose: v[10] as string | null,
  };
}
