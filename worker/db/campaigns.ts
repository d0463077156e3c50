// Marketing campaigns and the queue: the campaign rows, their messages' progress counted from the outbox, the stop
// that cancels what has not left in one statement, and what waits in the outbox and why.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { campaigns, outbox } from './schema.ts';

export type CampaignRow = typeof campaigns.$inferSelect;

export interface OutboxTally {
  status: string;
  deliveryStatus: string | null;
  lastError: string | null;
  count: number;
}

export interface QueueGroup {
  campaignId: string | null;
  kind: string;
  /**
   * `sending` (a dispatcher holds it), `retry` (after a failed attempt), `due` (now), `capped` (a renewal spread by
   * the hourly cap), `waiting` (a later time: scheduled or the sending hours).
   */
  state: 'sending' | 'retry' | 'due' | 'capped' | 'waiting';
  count: number;
  first: number;
  last: number;
}

export function campaignsRepo(store: Store) {
  const { db } = store;
  return {
    /** Inserted once: a retried start with the same idempotency key finds the first. */
    insert: (row: CampaignRow) => db.insert(campaigns).values(row).onConflictDoNothing(),
    get: async (siteId: string, id: string) =>
      (
        await db
          .select()
          .from(campaigns)
          .where(and(eq(campaigns.siteId, siteId), eq(campaigns.id, id)))
          .limit(1)
      )[0] ?? null,
    /**
     * One message of a campaign, queued only while the campaign is not stopped (checked inside the batch, so a stop
     * that commits first keeps a resumed start from queuing anything) and only once per id.
     */
    enqueue: (row: {
      id: string;
      siteId: string;
      subjectId: string;
      consentId: string;
      campaignId: string;
      bodyCiphertext: string;
      nextAttemptAt: number;
      createdAt: number;
    }) =>
      db.run(sql`INSERT OR IGNORE INTO outbox (id, site_id, subject_id, consent_id, kind, campaign_id, body_ciphertext,
          status, attempts, next_attempt_at, lease_until, outcome_unknown, created_at)
        SELECT ${row.id}, ${row.siteId}, ${row.subjectId}, ${row.consentId}, 'marketing', ${row.campaignId},
          ${row.bodyCiphertext}, 'queued', 0, ${row.nextAttemptAt}, 0, 0, ${row.createdAt}
        WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = ${row.campaignId} AND status <> 'stopped')`),
    /** Campaigns still in `draft` since before `before`: starts cut short, for the jobs to finish. */
    drafts: (before: number, limit: number) =>
      db
        .select()
        .from(campaigns)
        .where(and(eq(campaigns.status, 'draft'), lt(campaigns.createdAt, before)))
        .orderBy(campaigns.createdAt)
        .limit(limit),
    /** The dispatcher's check before a campaign message leaves. */
    statusOf: async (id: string) =>
      (await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id)).limit(1))[0]?.status ??
      null,
    list: (siteId: string, limit = 50) =>
      db.select().from(campaigns).where(eq(campaigns.siteId, siteId)).orderBy(desc(campaigns.createdAt)).limit(limit),
    /** The start's last statement: counts and the status it goes on with (only from draft: a stop already won). */
    started: (id: string, set: Pick<CampaignRow, 'status' | 'queued' | 'skipped' | 'updatedAt'>) =>
      db
        .update(campaigns)
        .set(set)
        .where(and(eq(campaigns.id, id), eq(campaigns.status, 'draft'))),
    /** Messages of a campaign by status, delivery report and (for cancellations and failures) why. */
    tally: async (campaignId: string): Promise<OutboxTally[]> =>
      db
        .select({
          status: outbox.status,
          deliveryStatus: outbox.deliveryStatus,
          lastError: sql<
            string | null
          >`CASE WHEN ${outbox.status} IN ('cancelled', 'failed') THEN ${outbox.lastError} END`,
          count: sql<number>`COUNT(*)`,
        })
        .from(outbox)
        .where(eq(outbox.campaignId, campaignId))
        .groupBy(sql`1`, sql`2`, sql`3`),
    /**
     * Stops a campaign in one batch: its messages not yet handed to a dispatcher are cancelled, and the campaign is
     * marked stopped. A message a dispatcher holds (a live lease) or whose last attempt may have gone out (an expired
     * lease, an unknown outcome) is left to the dispatcher, which checks the campaign before sending and reconciles an
     * unknown outcome with the provider: nothing cancelled is sent, nothing sent is marked cancelled.
     */
    stop: async (siteId: string, id: string, by: string, now: number) => {
      const [cancelled, stopped] = (await store.batch([
        db
          .update(outbox)
          .set({ status: 'cancelled', lastError: 'campaign stopped' })
          .where(
            and(
              eq(outbox.campaignId, id),
              eq(outbox.siteId, siteId),
              eq(outbox.status, 'queued'),
              eq(outbox.leaseUntil, 0),
              eq(outbox.outcomeUnknown, false),
              sql`EXISTS (SELECT 1 FROM campaigns WHERE id = ${id} AND site_id = ${siteId} AND status <> 'stopped')`,
            ),
          )
          .returning({ id: outbox.id }),
        db
          .update(campaigns)
          .set({ status: 'stopped', stoppedAt: now, stoppedBy: by, updatedAt: now })
          .where(and(eq(campaigns.id, id), eq(campaigns.siteId, siteId), sql`${campaigns.status} <> 'stopped'`))
          .returning({ id: campaigns.id }),
      ])) as [{ id: string }[], { id: string }[]];
      return { cancelled: cancelled.length, stopped: stopped.length === 1 };
    },
    /** What waits in a site's outbox, grouped by campaign, kind and state, with the first and last due times. */
    queue: async (siteId: string, now: number): Promise<QueueGroup[]> => {
      const state = sql<QueueGroup['state']>`CASE
        WHEN ${outbox.leaseUntil} > ${now} THEN 'sending'
        WHEN ${outbox.attempts} > 0 AND ${outbox.lastError} IS NOT NULL THEN 'retry'
        WHEN ${outbox.nextAttemptAt} <= ${now} THEN 'due'
        WHEN ${outbox.kind} = 'renewal' AND ${outbox.nextAttemptAt} >
          (SELECT send_at FROM renewal_campaigns WHERE id = ${outbox.campaignId}) THEN 'capped'
        ELSE 'waiting' END`;
      const rows = await db
        .select({
          campaignId: outbox.campaignId,
          kind: outbox.kind,
          state,
          count: sql<number>`COUNT(*)`,
          first: sql<number>`MIN(${outbox.nextAttemptAt})`,
          last: sql<number>`MAX(${outbox.nextAttemptAt})`,
        })
        .from(outbox)
        .where(and(eq(outbox.siteId, siteId), eq(outbox.status, 'queued')))
        .groupBy(sql`1`, sql`2`, sql`3`)
        .orderBy(sql`5`);
      return rows.map((r) => ({ ...r, count: Number(r.count), first: Number(r.first), last: Number(r.last) }));
    },
  };
}
export type CampaignsRepo = ReturnType<typeof campaignsRepo>;
