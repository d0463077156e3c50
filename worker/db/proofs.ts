// What a proof document reads, in one round trip: the consent, its subject, the policy version and widget texts it
// cites, the site's log head and the consent's leaves, as one batch of reads keyed by the consent id alone.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, preparedFor } from './prepared.ts';
import { consents, logHeads, logLeaves, policyVersions, subjects, widgetTexts } from './schema.ts';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

export interface ProofRows {
  consent: Row<typeof consents>;
  subject: Row<typeof subjects> | null;
  policy: Row<typeof policyVersions> | null;
  head: Row<typeof logHeads> | null;
  /** In log order. */
  leaves: Row<typeof logLeaves>[];
  /** The widget texts the consent cites, as recorded when served. */
  texts: Row<typeof widgetTexts> | null;
  /** The leaves announcing the key asked for (`keyRef`), in log order. */
  keyLeaves: Row<typeof logLeaves>[];
}

/** The six reads, keyed by the consent id alone, built once per database. */
function hot(db: Db) {
  const id = sql.placeholder('id');
  const ofConsent = (columns: string) => sql`(SELECT ${sql.raw(columns)} FROM consents WHERE id = ${id})`;
  return [
    db.select().from(consents).where(eq(consents.id, id)).limit(1).prepare(),
    db
      .select()
      .from(subjects)
      .where(sql`${subjects.id} = ${ofConsent('subject_id')}`)
      .limit(1)
      .prepare(),
    db
      .select()
      .from(policyVersions)
      .where(
        sql`(${policyVersions.siteId}, ${policyVersions.version}, ${policyVersions.locale}) = ${ofConsent('site_id, policy_version, locale')}`,
      )
      .limit(1)
      .prepare(),
    db
      .select()
      .from(logHeads)
      .where(sql`${logHeads.siteId} = ${ofConsent('site_id')}`)
      .limit(1)
      .prepare(),
    db
      .select()
      .from(logLeaves)
      .where(and(sql`${logLeaves.siteId} = ${ofConsent('site_id')}`, eq(logLeaves.consentId, id)))
      .orderBy(asc(logLeaves.idx))
      .prepare(),
    db
      .select()
      .from(widgetTexts)
      .where(sql`(${widgetTexts.siteId}, ${widgetTexts.sha256}) = ${ofConsent('site_id, text_sha256')}`)
      .limit(1)
      .prepare(),
    db
      .select()
      .from(logLeaves)
      .where(
        and(sql`${logLeaves.siteId} = ${ofConsent('site_id')}`, eq(logLeaves.consentId, sql.placeholder('keyRef'))),
      )
      .orderBy(asc(logLeaves.idx))
      .prepare(),
  ] as const;
}

export function proofsRepo(store: Store) {
  return {
    /** Null when there is no such consent. Every read is one statement of a single batch (one round trip). */
    async rows(consentId: string, keyRef: string): Promise<ProofRows | null> {
      const statements = preparedFor(store, hot).map((query) => bind(store, query, { id: consentId, keyRef })) as [
        Statement,
        ...Statement[],
      ];
      const [consent, subject, policy, head, leaves, texts, keyLeaves] = (await store.batch(statements)) as [
        Row<typeof consents>[],
        Row<typeof subjects>[],
        Row<typeof policyVersions>[],
        Row<typeof logHeads>[],
        Row<typeof logLeaves>[],
        Row<typeof widgetTexts>[],
        Row<typeof logLeaves>[],
      ];
      if (!consent[0]) return null;
      return {
        consent: consent[0],
        subject: subject[0] ?? null,
        policy: policy[0] ?? null,
        head: head[0] ?? null,
        leaves,
        texts: texts[0] ?? null,
        keyLeaves,
      };
    },
  };
}
export type ProofsRepo = ReturnType<typeof proofsRepo>;
