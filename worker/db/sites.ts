// Sites and their API keys.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { apiKeys, policyVersions, sites, widgetTexts } from './schema.ts';

export function sitesRepo(store: Store) {
  const { db } = store;
  return {
    /** One site whose stored configuration holds sealed secrets, of any: the start checks the master key opens it. */
    async anySealedConfig(): Promise<{ id: string; config: string } | null> {
      const rows = await db
        .select({ id: sites.id, config: sites.config })
        .from(sites)
        .where(sql`instr(${sites.config}, '"$sealed"') > 0`)
        .limit(1);
      return rows[0] ?? null;
    },
    async get(id: string) {
      return (await db.select().from(sites).where(eq(sites.id, id)).limit(1))[0] ?? null;
    },
    /**
     * The site's row with what a sign-up cites, in one query: the widget texts served under `textSha256` (their
     * locale and policy version) and the SHA-256 of policy `version` in `locale`; null when there is no such site.
     */
    async getWithNotice(id: string, notice: { textSha256: string; policyVersion: number; locale: string }) {
      const rows = await db
        .select({
          site: sites,
          servedLocale: widgetTexts.locale,
          servedPolicyVersion: widgetTexts.policyVersion,
          policySha256: policyVersions.sha256,
        })
        .from(sites)
        .leftJoin(widgetTexts, and(eq(widgetTexts.siteId, sites.id), eq(widgetTexts.sha256, notice.textSha256)))
        .leftJoin(
          policyVersions,
          and(
            eq(policyVersions.siteId, sites.id),
            eq(policyVersions.version, notice.policyVersion),
            eq(policyVersions.locale, notice.locale),
          ),
        )
        .where(eq(sites.id, id))
        .limit(1);
      return rows[0] ?? null;
    },
    async create(input: { id: string; config: string; keyId: string; keyHash: string; now: number }) {
      await store.batch([
        db.insert(sites).values({ id: input.id, config: input.config, createdAt: input.now, updatedAt: input.now }),
        db.insert(apiKeys).values({ id: input.keyId, siteId: input.id, keyHash: input.keyHash, createdAt: input.now }),
      ]);
    },
    async updateConfig(id: string, config: string, now: number) {
      await db.update(sites).set({ config, updatedAt: now }).where(eq(sites.id, id));
    },
    /** Rewrites a row only if it still holds `before` (a concurrent PUT wins); true when it did. */
    async replaceConfigIf(id: string, before: string, config: string, now?: number) {
      const rows = await db
        .update(sites)
        .set(now === undefined ? { config } : { config, updatedAt: now })
        .where(and(eq(sites.id, id), eq(sites.config, before)))
        .returning({ id: sites.id });
      return rows.length > 0;
    },
    countDecline(id: string) {
      return db
        .update(sites)
        .set({ declines: sql`${sites.declines} + 1` })
        .where(eq(sites.id, id));
    },
    async findKey(keyHash: string) {
      const rows = await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
        .limit(1);
      return rows[0] ?? null;
    },
    async list() {
      return db.select({ id: sites.id }).from(sites);
    },
  };
}
export type SitesRepo = ReturnType<typeof sitesRepo>;
