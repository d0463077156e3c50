// Signed webhooks out: the endpoints a site registered, and the deliveries written in the batch of the change they
// announce (so a committed change is always announced, and a change that lost its race announces nothing).
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, prepareRaw, preparedFor } from './prepared.ts';
import { webhookDeliveries, webhookEndpoints } from './schema.ts';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** The event catalogue (README "Webhooks"). */
export const WEBHOOK_EVENTS = [
  'consent.requested',
  'consent.confirmed',
  'consent.declined',
  'consent.withdrawn',
  'consent.expired',
  'consent.renewal_required',
  'subscriber.erased',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The logged event types that are announced, and as what. */
const ANNOUNCED: Readonly<Record<string, WebhookEvent>> = {
  requested: 'consent.requested',
  confirmed: 'consent.confirmed',
  withdrawn: 'consent.withdrawn',
  expired: 'consent.expired',
  erased: 'subscriber.erased',
};

/** Endpoints of `siteId` (alias e) that take `type`. */
const takes = (siteId: string, type: WebhookEvent) =>
  sql`e.site_id = ${siteId} AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = ${type})`;

const p = sql.placeholder;

/** The fan-out of a consent event, on every consent change's hot path: built once per database. */
function hot(db: Db) {
  return {
    fanOut: prepareRaw(
      db.run(sql`INSERT INTO webhook_deliveries (message_id, endpoint_id, site_id, subject_id, consent_id, type,
          event_at, status, attempts, next_attempt_at, lease_until, created_at)
        SELECT ${p('id')}, e.id, e.site_id, (SELECT subject_id FROM consents WHERE id = ${p('consentId')}),
          ${p('consentId')}, ${p('type')}, ${p('at')}, 'queued', 0, ${p('at')}, 0, ${p('at')}
        FROM webhook_endpoints e
        WHERE e.site_id = ${p('siteId')} AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = ${p('type')})
          AND EXISTS (SELECT 1 FROM consent_events WHERE id = ${p('id')})`),
    ),
  };
}

export function webhooksRepo(store: Store) {
  const { db } = store;
  return {
    /**
     * The deliveries of a logged consent event, one per endpoint that takes it: written only if the event was (the
     * statement follows the event's guarded insert in the same batch). Null for an event that is not announced.
     */
    fanOut(event: {
      id: string;
      siteId: string;
      consentId: string | null;
      type: string;
      at: number;
    }): Statement | null {
      const type = ANNOUNCED[event.type];
      if (!type || !event.consentId) return null;
      const { id, siteId, consentId, at } = event;
      return bind(store, preparedFor(store, hot).fanOut, { id, siteId, consentId, type, at });
    },
    /** A decline: a counter only, so its delivery names nobody. */
    fanOutDecline(siteId: string, messageId: string, at: number): Statement {
      return db.run(sql`INSERT INTO webhook_deliveries (message_id, endpoint_id, site_id, subject_id, consent_id, type,
          event_at, status, attempts, next_attempt_at, lease_until, created_at)
        SELECT ${messageId}, e.id, e.site_id, NULL, NULL, 'consent.declined', ${at}, 'queued', 0, ${at}, 0, ${at}
        FROM webhook_endpoints e WHERE ${takes(siteId, 'consent.declined')}`);
    },
    /**
     * A policy version that changed purposes, recipients or transfers: every earlier active consent not flagged yet
     * is announced (before `consents.requireRenewal` flags them, in the same batch, after the policy's event).
     */
    fanOutRenewal(siteId: string, version: number, eventId: string, at: number): Statement {
      return db.run(sql`INSERT INTO webhook_deliveries (message_id, endpoint_id, site_id, subject_id, consent_id, type,
          event_at, status, attempts, next_attempt_at, lease_until, created_at)
        SELECT ${eventId} || '.' || c.id, e.id, e.site_id, c.subject_id, c.id, 'consent.renewal_required', ${at},
          'queued', 0, ${at}, 0, ${at}
        FROM consents c JOIN webhook_endpoints e ON e.site_id = c.site_id
        WHERE c.site_id = ${siteId} AND c.policy_version < ${version} AND c.status IN ('pending', 'confirmed')
          AND c.renewal_required = 0 AND ${takes(siteId, 'consent.renewal_required')}
          AND EXISTS (SELECT 1 FROM consent_events WHERE id = ${eventId})
        ORDER BY c.id`);
    },
    insertEndpoint: (row: typeof webhookEndpoints.$inferInsert) => db.insert(webhookEndpoints).values(row),
    endpoints: (siteId: string) =>
      db.select().from(webhookEndpoints).where(eq(webhookEndpoints.siteId, siteId)).orderBy(webhookEndpoints.createdAt),
    endpoint: async (siteId: string, id: string) =>
      (
        await db
          .select()
          .from(webhookEndpoints)
          .where(and(eq(webhookEndpoints.siteId, siteId), eq(webhookEndpoints.id, id)))
          .limit(1)
      )[0] ?? null,
    endpointById: async (id: string) =>
      (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1))[0] ?? null,
    /** The endpoint goes, and what was still queued for it is cancelled (kept, for the console's history). */
    async deleteEndpoint(siteId: string, id: string): Promise<boolean> {
      const [gone] = (await store.batch([
        db
          .delete(webhookEndpoints)
          .where(and(eq(webhookEndpoints.siteId, siteId), eq(webhookEndpoints.id, id)))
          .returning({ id: webhookEndpoints.id }),
        db
          .update(webhookDeliveries)
          .set({ status: 'cancelled' })
          .where(
            and(
              eq(webhookDeliveries.siteId, siteId),
              eq(webhookDeliveries.endpointId, id),
              eq(webhookDeliveries.status, 'queued'),
            ),
          ),
      ])) as [{ id: string }[], unknown];
      return gone.length === 1;
    },
    /** Compare-and-set on the current secret: of two concurrent rotations one wins. */
    async rotate(
      siteId: string,
      id: string,
      from: string,
      next: { secretBox: string; previousSecretBox: string; previousUntil: number },
    ): Promise<boolean> {
      const rows = await db
        .update(webhookEndpoints)
        .set(next)
        .where(
          and(eq(webhookEndpoints.siteId, siteId), eq(webhookEndpoints.id, id), eq(webhookEndpoints.secretBox, from)),
        )
        .returning({ id: webhookEndpoints.id });
      return rows.length === 1;
    },
    /**
     * Leases up to `limit` due deliveries, each the oldest still queued for its endpoint and subscriber: a later
     * event of a subscriber never overtakes an earlier one, even while that one is retried.
     */
    async claimDue(now: number, limit: number, leaseMs: number, token: string): Promise<WebhookDeliveryRow[]> {
      const [rows] = (await store.batch([
        db
          .update(webhookDeliveries)
          .set({ leaseUntil: now + leaseMs, claimToken: token, attempts: sql`${webhookDeliveries.attempts} + 1` })
          .where(
            sql`${webhookDeliveries.seq} IN (SELECT d.seq FROM webhook_deliveries d WHERE d.status = 'queued'
              AND d.next_attempt_at <= ${now} AND d.lease_until <= ${now}
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id
                AND o.subject_id = d.subject_id AND o.status = 'queued' AND o.seq < d.seq)
              ORDER BY d.seq LIMIT ${limit})`,
          )
          .returning(),
      ])) as [WebhookDeliveryRow[]];
      return rows.sort((a, b) => a.seq - b.seq);
    },
    /** Records an attempt's outcome while `token` still holds the claim. */
    async record(
      seq: number,
      token: string,
      outcome: {
        status: 'queued' | 'delivered' | 'failed' | 'cancelled';
        responseStatus: number | null;
        error: string | null;
        now: number;
        nextAttemptAt?: number;
      },
    ): Promise<boolean> {
      const rows = await db
        .update(webhookDeliveries)
        .set({
          status: outcome.status,
          responseStatus: outcome.responseStatus,
          lastError: outcome.error?.slice(0, 300) ?? null,
          leaseUntil: 0,
          ...(outcome.status === 'delivered' ? { deliveredAt: outcome.now } : {}),
          ...(outcome.nextAttemptAt !== undefined ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        })
        .where(
          and(
            eq(webhookDeliveries.seq, seq),
            eq(webhookDeliveries.claimToken, token),
            eq(webhookDeliveries.status, 'queued'),
          ),
        )
        .returning({ seq: webhookDeliveries.seq });
      return rows.length === 1;
    },
    recent: (siteId: string, limit: number) =>
      db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.siteId, siteId))
        .orderBy(desc(webhookDeliveries.seq))
        .limit(limit),
    /** Replays a delivered or failed delivery: queued again, due now, with the same `webhook-id`. */
    async replay(siteId: string, seq: number, now: number): Promise<boolean> {
      const rows = await db
        .update(webhookDeliveries)
        .set({ status: 'queued', nextAttemptAt: now, leaseUntil: 0, createdAt: now, lastError: null })
        .where(
          and(
            eq(webhookDeliveries.siteId, siteId),
            eq(webhookDeliveries.seq, seq),
            sql`${webhookDeliveries.status} IN ('delivered', 'failed')`,
            sql`EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = ${webhookDeliveries.endpointId})`,
          ),
        )
        .returning({ seq: webhookDeliveries.seq });
      return rows.length === 1;
    },
  };
}
