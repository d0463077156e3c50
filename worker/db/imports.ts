// What an import of an existing list reads and writes per batch of numbers: each number's standing on the site in
// one query (known subject, suppression, a consent in force), then the batch's new subjects, imported consents, their
// events and log leaves in five statements whatever the batch's size (a statement per row made 10^5 rows take
// minutes: each is parsed and prepared again by the driver).
import { sql } from 'drizzle-orm';
import type { Statement, Store } from './client.ts';
import type { EventRecord } from './events.ts';
import { consents, type subjects } from './schema.ts';

/** A number's standing for an import, by its blind index. */
export interface ImportStanding {
  phoneIndex: string;
  subjectId: string | null;
  wrappedKey: string | null;
  /** STOPped, or erased on request (its shared mark, erased-mark.ts, is passed in beside the index). */
  suppressed: boolean;
  /** The gate's consent is pending, confirmed or imported: the number is on the list already. */
  active: boolean;
}

/** Consents in force: what an import never adds to (a re-import is a duplicate, not a second consent). */
export const ACTIVE_STATUSES = ['pending', 'confirmed', 'imported'] as const;

export type ImportedSubject = typeof subjects.$inferInsert & { id: string };
/** An imported consent row, with what its guard checks: the number's blind index and erased mark. */
export type ImportedConsent = typeof consents.$inferInsert & {
  id: string;
  subjectId: string;
  lastOpId: string;
  guard: { phoneIndex: string; mark: string };
};

const json = (value: unknown) => JSON.stringify(value);
const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);

export function importsRepo(store: Store) {
  const { db } = store;
  return {
    /**
     * The standing of each (index, mark) pair in one read: the subject and the gate's consent from gate_states (kept
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
      }>(sql`SELECT ${field('i')} AS phone_index, g.subject_id, s.wrapped_key, g.status,
          (COALESCE(g.suppressed, 0) OR EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = ${siteId}
            AND x.phone_index IN (${field('i')}, ${field('m')}))) AS suppressed
        FROM json_each(${json(pairs.map((p) => ({ i: p.phoneIndex, m: p.mark })))}) j
        LEFT JOIN gate_states g ON g.site_id = ${siteId} AND g.phone_index = ${field('i')}
        LEFT JOIN subjects s ON s.id = g.subject_id`);
      return rows.map((r) => ({
        phoneIndex: r.phone_index,
        subjectId: r.subject_id,
        wrappedKey: r.wrapped_key,
        suppressed: Boolean(r.suppressed),
        active: r.status !== null && (ACTIVE_STATUSES as readonly string[]).includes(r.status),
      }));
    },
    /** New subjects, one statement (a number another writer added since the read breaks the unique index: all fail). */
    insertSubjects(rows: ImportedSubject[]): Statement {
      return db.run(sql`INSERT INTO subjects (id, site_id, phone_index, phone_ciphertext, wrapped_key, country, masked,
          created_at, erased_at, last_contact_at)
        SELECT ${field('id')}, ${field('siteId')}, ${field('phoneIndex')}, ${field('phoneCiphertext')},
          ${field('wrappedKey')}, ${field('country')}, ${field('masked')}, ${field('createdAt')}, NULL,
          ${field('lastContactAt')}
        FROM json_each(${json(rows)}) j`);
    },
    /**
     * The imported consents, one statement; each row written only while its subject has no consent in force and its
     * number is not suppressed (an opt-in, a STOP or another import that committed since the read makes it write
     * nothing), and its subject still has its key.
     */
    insertConsents(rows: ImportedConsent[]): Statement {
      return db.run(sql`INSERT INTO consents (id, site_id, subject_id, status, locale, policy_version, policy_sha256,
          text_sha256, collection_method, confirm_token_hash, unsubscribe_token_hash, requested_at, expires_at,
          updated_at, last_op_id, basis, notice_text, import_source)
        SELECT ${field('id')}, ${field('siteId')}, ${field('subjectId')}, ${field('status')}, ${field('locale')},
          ${field('policyVersion')}, ${field('policySha256')}, ${field('textSha256')}, ${field('collectionMethod')},
          ${field('confirmTokenHash')}, ${field('unsubscribeTokenHash')}, ${field('requestedAt')},
          ${field('expiresAt')}, ${field('updatedAt')}, ${field('lastOpId')}, ${field('basis')}, ${field('noticeText')},
          ${field('importSource')}
        FROM json_each(${json(rows)}) j
        WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = ${field('subjectId')}
            AND c.status IN ('pending', 'confirmed', 'imported'))
          AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.site_id = ${field('siteId')}
            AND x.phone_index IN (${field('guard.phoneIndex')}, ${field('guard.mark')}))
          AND EXISTS (SELECT 1 FROM subjects s WHERE s.id = ${field('subjectId')} AND s.wrapped_key IS NOT NULL)`);
    },
    /**
     * The consents' first events and their leaves, as eventsRepo.append writes one (the event only if its consent was
     * written, by its op id; the leaf at the next index of the site's log; the consent's chain head on it), for many
     * at once: the leaves that are written take consecutive indexes in the batch's order, so the log has no gap.
     */
    appendFirstEvents(siteId: string, events: { event: EventRecord; opId: string }[]): Statement[] {
      const rows = json(
        events.map(({ event, opId }) => ({
          id: event.id,
          consentId: event.consentId,
          type: event.type,
          at: event.at,
          data: JSON.stringify(event.data),
          leafHash: event.leafHash,
          opId,
        })),
      );
      return [
        db.run(sql`INSERT INTO consent_events (id, site_id, consent_id, type, at, data)
          SELECT ${field('id')}, ${siteId}, ${field('consentId')}, ${field('type')}, ${field('at')}, ${field('data')}
          FROM json_each(${rows}) j
          WHERE EXISTS (SELECT 1 FROM consents c WHERE c.id = ${field('consentId')} AND c.last_op_id = ${field('opId')})`),
        db.run(sql`INSERT INTO log_leaves (site_id, idx, event_id, consent_id, leaf, leaf_hash)
          SELECT ${siteId},
            (SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves WHERE site_id = ${siteId}) + ROW_NUMBER() OVER (ORDER BY j.key) - 1,
            ${field('id')}, ${field('consentId')}, ${field('data')}, ${field('leafHash')}
          FROM json_each(${rows}) j
          WHERE EXISTS (SELECT 1 FROM consent_events e WHERE e.id = ${field('id')})`),
        db.run(sql`UPDATE consents
          SET chain_idx = (SELECT l.idx FROM log_leaves l WHERE l.site_id = consents.site_id AND l.consent_id = consents.id),
            chain_hash = (SELECT l.leaf_hash FROM log_leaves l WHERE l.site_id = consents.site_id AND l.consent_id = consents.id)
          WHERE id IN (SELECT ${field('consentId')} FROM json_each(${rows}) j) AND chain_hash IS NULL
            AND EXISTS (SELECT 1 FROM log_leaves l WHERE l.site_id = consents.site_id AND l.consent_id = consents.id)`),
      ];
    },
    /** Which of these consents exist (read at the end of the batch that wrote them). */
    written(ids: string[]): Statement {
      // One bound parameter (D1 allows 100 per statement), however many ids.
      return db
        .select({ id: consents.id })
        .from(consents)
        .where(sql`${consents.id} IN (SELECT value FROM json_each(${json(ids)}))`);
    },
  };
}
export type ImportsRepo = ReturnType<typeof importsRepo>;
