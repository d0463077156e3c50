// Published policy versions (immutable rows), and the widget texts and builds the server has served.
import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { policyVersions, widgetBundles, widgetTexts } from './schema.ts';

export type PolicyVersionRow = typeof policyVersions.$inferSelect;

export function policiesRepo(store: Store) {
  const { db } = store;
  return {
    async latestVersion(siteId: string): Promise<number | null> {
      const rows = await db
        .select({ v: sql<number | null>`MAX(${policyVersions.version})` })
        .from(policyVersions)
        .where(eq(policyVersions.siteId, siteId));
      return rows[0]?.v ?? null;
    },
    async get(siteId: string, version: number, locale: string): Promise<PolicyVersionRow | null> {
      const rows = await db
        .select()
        .from(policyVersions)
        .where(
          and(
            eq(policyVersions.siteId, siteId),
            eq(policyVersions.version, version),
            eq(policyVersions.locale, locale),
          ),
        )
        .limit(1);
      return rows[0] ?? null;
    },
    async versionLocales(siteId: string, version: number): Promise<PolicyVersionRow[]> {
      return db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.siteId, siteId), eq(policyVersions.version, version)));
    },
    async list(siteId: string) {
      return db
        .select({
          version: policyVersions.version,
          locale: policyVersions.locale,
          sha256: policyVersions.sha256,
          summary: policyVersions.summary,
          publishedAt: policyVersions.publishedAt,
          templateVersion: policyVersions.templateVersion,
        })
        .from(policyVersions)
        .where(eq(policyVersions.siteId, siteId))
        .orderBy(desc(policyVersions.version), policyVersions.locale);
    },
    insert(row: typeof policyVersions.$inferInsert) {
      return db.insert(policyVersions).values(row);
    },
    async rememberTexts(row: typeof widgetTexts.$inferInsert) {
      await db.insert(widgetTexts).values(row).onConflictDoNothing();
    },
    async rememberBundle(sha256: string, code: string, now: number) {
      await db.insert(widgetBundles).values({ sha256, code, firstServedAt: now }).onConflictDoNothing();
    },
    /** An earlier widget build by the first 16 hex digits of its SHA-256 (the hashed URL). */
    async bundleByPrefix(prefix: string) {
      const rows = await db
        .select()
        .from(widgetBundles)
        .where(like(widgetBundles.sha256, `${prefix}%`))
        .limit(1);
      return rows[0] ?? null;
    },
    /** The widget texts served under `textSha256` (locale, policy version) and the SHA-256 of the policy cited, at once. */
    async notice(siteId: string, cited: { textSha256: string; policyVersion: number; locale: string }) {
      const rows = await db
        .select({
          locale: widgetTexts.locale,
          policyVersion: widgetTexts.policyVersion,
          policySha256: policyVersions.sha256,
        })
        .from(widgetTexts)
        .leftJoin(
          policyVersions,
          and(
            eq(policyVersions.siteId, widgetTexts.siteId),
            eq(policyVersions.version, cited.policyVersion),
            eq(policyVersions.locale, cited.locale),
          ),
        )
        .where(and(eq(widgetTexts.siteId, siteId), eq(widgetTexts.sha256, cited.textSha256)))
        .limit(1);
      return rows[0] ?? null;
    },
    async servedTexts(siteId: string, sha256: string) {
      const rows = await db
        .select()
        .from(widgetTexts)
        .where(and(eq(widgetTexts.siteId, siteId), eq(widgetTexts.sha256, sha256)))
        .limit(1);
      return rows[0] ?? null;
    },
  };
}
export type PoliciesRepo = ReturnType<typeof policiesRepo>;
