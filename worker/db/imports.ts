// What an import of an existing list reads and writes per batch of numbers: each number's standing on the site in
// one query (known subject, suppression, a consent in force), and the guarded insert of an imported consent.
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import { insertWhere } from './prepared.ts';
import { consents, subjects } from './schema.ts';

/** A number's standing for an import, by its blind index. */
export interface ImportStanding {
  phoneIndex: string;
  subjectId: string | null;
  wrappedKey: string | null;
  /** STOPped, or erased on request (its shared mark, erased-mark.ts, is passed in beside the index). */
  suppressed: boolean;
  /** The latest consent is pending, confirmed or imported: the number is on the list already. */
  active: boolean;
}

/** Consents in force: what an import never adds to (a re-import is a duplicate, not a second consent). */
export const ACTIVE_STATUSES = ['pending', 'confirmed', 'imported'] as const;

export function importsRepo(store: Store) {
  const { db } = store;
  return {
    /**
     * The standing of each (index, mark) pair in one read: the subject and its latest consent from gate_states (kept
     * by triggers), whether the index or its erased-and-suppressed mark is in the suppressions.
     */
    async standings(siteId: string, pairs: { phoneIndex: string; mark: string }[]): Promise<ImportStanding[]> {
      if (pairs.length === 0) return [];
      const rows = await db.all<{
        phone_index: string;
        subject_id: string | null;
        wrapped_key: string | null;
        suppressed: number;
        status: string | null;
      }>(sql`SELECT json_extract(p.value, '$.i') AS phone_index, g.subject_id, s.wrapped_key, g.status,
          (COALESCE(g.suppressed, 0) OR EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = ${siteId}
            AND x.phone_index IN (json_extract(p.value, '$.i'), json_extract(p.value, '$.m')))) AS suppressed
        FROM json_each(${JSON.stringify(pairs.map((p) => ({ i: p.phoneIndex, m: p.mark })))}) p
        LEFT JOIN gate_states g ON g.site_id = ${siteId} AND g.phone_index = json_extract(p.value, '$.i')
        LEFT JOIN subjects s ON s.id = g.subject_id`);
      return rows.map((r) => ({
        phoneIndex: r.phone_index,
        subjectId: r.subject_id,
        wrappedKey: r.wrapped_key,
        suppressed: Boolean(r.suppressed),
        active: r.status !== null && (ACTIVE_STATUSES as readonly string[]).includes(r.status),
      }));
    },
    /**
     * The imported consent, written only while its subject has no consent in force and its number is not suppressed
     * (an opt-in, a STOP or another import that committed since the read makes it write nothing).
     */
    insertConsent(row: typeof consents.$inferInsert, phoneIndex: string, mark: string): Statement {
      return insertWhere(
        store,
        consents,
        row,
        sql`NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = ${row.subjectId}
            AND c.status IN ('pending', 'confirmed', 'imported'))
          AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = ${row.siteId}
            AND x.phone_index IN (${phoneIndex}, ${mark}))
          AND EXISTS (SELECT 1 FROM subjects s WHERE s.id = ${row.subjectId} AND s.wrapped_key IS NOT NULL)`,
      );
    },
    /** A page of a site's imported consents with their subject (a re-permission campaign's audience), in id order. */
    importedPage: (siteId: string, afterId: string, limit: number) =>
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
        .where(and(eq(consents.siteId, siteId), eq(consents.status, 'imported'), gt(consents.id, afterId)))
        .orderBy(asc(consents.id))
        .limit(limit),
    /** Which of these consents exist (read at the end of the batch that wrote them). */
    written(ids: string[]): Statement {
      // One bound parameter (D1 allows 100 per statement), however many ids.
      return db
        .select({ id: consents.id })
        .from(consents)
        .where(sql`${consents.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
    },
  };
}
export type ImportsRepo = ReturnType<typeof importsRepo>;
