// Renewal campaigns and the subscribers each one asked: created in batches, answered by a hashed link token,
// counted per status for progress, and found by deadline for the jobs.
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Store } from './client.ts';
import { outbox, renewalCampaigns, renewalRequests } from './schema.ts';

export type RenewalCampaignRow = typeof renewalCampaigns.$inferSelect;
export type RenewalRequestRow = typeof renewalRequests.$inferSelect;
export type RenewalAnswer = RenewalRequestRow['status'];

export function renewalsRepo(store: Store) {
  const { db } = store;
  return {
    insertCampaign: (row: RenewalCampaignRow) => db.insert(renewalCampaigns).values(row),
    /** Open campaigns whose start was cut short before `before`, for the jobs to finish. */
    unstarted: (before: number, limit: number) =>
      db
        .select()
        .from(renewalCampaigns)
        .where(
          and(
            isNull(renewalCampaigns.closedAt),
            isNull(renewalCampaigns.startedAt),
            lt(renewalCampaigns.createdAt, before),
          ),
        )
        .limit(limit),
    /** The start's last batch: every request and SMS of the campaign is written. */
    markStarted: (id: string, at: number) =>
      db.update(renewalCampaigns).set({ startedAt: at }).where(eq(renewalCampaigns.id, id)),
    /** One asked subscriber; `guard`: written only while it holds (nothing twice for one consent in a campaign). */
    insertRequest: (row: RenewalRequestRow) => db.insert(renewalRequests).values(row).onConflictDoNothing(),
    campaign: async (siteId: string, id: string) =>
      (
        await db
          .select()
          .from(renewalCampaigns)
          .where(and(eq(renewalCampaigns.siteId, siteId), eq(renewalCampaigns.id, id)))
          .limit(1)
      )[0] ?? null,
    campaignById: async (id: string) =>
      (await db.select().from(renewalCampaigns).where(eq(renewalCampaigns.id, id)).limit(1))[0] ?? null,
    /** A site's campaigns, newest first. */
    campaigns: (siteId: string, limit = 50) =>
      db
        .select()
        .from(renewalCampaigns)
        .where(eq(renewalCampaigns.siteId, siteId))
        .orderBy(desc(renewalCampaigns.createdAt))
        .limit(limit),
    /** The open campaign of a site for a policy version and audience, if any. */
    openFor: async (siteId: string, version: number, audience: RenewalCampaignRow['audience'] = 'renewal') =>
      (
        await db
          .select()
          .from(renewalCampaigns)
          .where(
            and(
              eq(renewalCampaigns.siteId, siteId),
              eq(renewalCampaigns.policyVersion, version),
              eq(renewalCampaigns.audience, audience),
              isNull(renewalCampaigns.closedAt),
            ),
          )
          .limit(1)
      )[0] ?? null,
    byTokenHash: async (tokenHash: string) =>
      (await db.select().from(renewalRequests).where(eq(renewalRequests.tokenHash, tokenHash)).limit(1))[0] ?? null,
    /** Moves a request from `asked` to its answer; guarded (the consent's change happened) when given. */
    answer: (id: string, status: RenewalAnswer, at: number, guard?: SQL) =>
      db
        .update(renewalRequests)
        .set({ status, answeredAt: at })
        .where(and(eq(renewalRequests.id, id), eq(renewalRequests.status, 'asked'), guard)),
    /** Requests of a campaign still waiting, in id order after `afterId`. */
    waiting: (campaignId: string, afterId: string, limit: number) =>
      db
        .select()
        .from(renewalRequests)
        .where(
          and(
            eq(renewalRequests.campaignId, campaignId),
            eq(renewalRequests.status, 'asked'),
            gt(renewalRequests.id, afterId),
          ),
        )
        .orderBy(asc(renewalRequests.id))
        .limit(limit),
    /** Open campaigns whose deadline has passed. */
    due: (now: number, limit: number) =>
      db
        .select()
        .from(renewalCampaigns)
        .where(and(isNull(renewalCampaigns.closedAt), lte(renewalCampaigns.deadline, now)))
        .limit(limit),
    close: (id: string, at: number) =>
      db
        .update(renewalCampaigns)
        .set({ closedAt: at })
        .where(and(eq(renewalCampaigns.id, id), isNull(renewalCampaigns.closedAt))),
    /** How many requests of a campaign are in each status. */
    counts: (campaignId: string) =>
      db
        .select({ status: renewalRequests.status, count: sql<number>`COUNT(*)` })
        .from(renewalRequests)
        .where(eq(renewalRequests.campaignId, campaignId))
        .groupBy(renewalRequests.status),
    /** The campaign's SMS per outbox status (its messages are the `renewal` ones of its consents since it began). */
    smsCounts: (campaign: RenewalCampaignRow) =>
      db
        .select({ status: outbox.status, count: sql<number>`COUNT(*)` })
        .from(outbox)
        .where(
          and(
            eq(outbox.siteId, campaign.siteId),
            eq(outbox.kind, 'renewal'),
            inArray(
              outbox.consentId,
              db
                .select({ id: renewalRequests.consentId })
                .from(renewalRequests)
                .where(eq(renewalRequests.campaignId, campaign.id)),
            ),
            sql`${outbox.createdAt} >= ${campaign.createdAt}`,
          ),
        )
        .groupBy(outbox.status),
  };
}
export type RenewalsRepo = ReturnType<typeof renewalsRepo>;
