// Signed webhooks out: the endpoints site owners registered and each event's delivery to each endpoint.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sites } from './sites.ts';

/**
 * Endpoints a site owner registered for signed webhooks (Standard Webhooks). The signing secret is sealed under the
 * master key; during a rotation the previous one stays beside it until `previousUntil`, and both sign.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    url: text('url').notNull(),
    /**
     * `standard`: Standard Webhooks POSTed to `url`. `brevo`: a connector that keeps a Brevo contact in step with the
     * consent through Brevo's contacts API at `url` (its base); the sealed secret is then the Brevo API key.
     */
    kind: text('kind', { enum: ['standard', 'brevo'] })
      .notNull()
      .default('standard'),
    /** JSON array of the event types delivered (consent.confirmed, …). */
    events: text('events').notNull(),
    /** Only then does a payload carry the full number (read from the subject's ciphertext when sent). */
    includePhone: integer('include_phone', { mode: 'boolean' }).notNull().default(false),
    /** Sealed `whsec_…` secret: JSON {key, box} (a fresh key wrapped by the master key). */
    secretBox: text('secret_box').notNull(),
    previousSecretBox: text('previous_secret_box'),
    previousUntil: integer('previous_until'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('webhook_endpoints_site').on(t.siteId)],
);

/**
 * One event for one endpoint, written in the batch of the change it announces and sent after the commit: in `seq`
 * order per endpoint and subscriber, retried with backoff, failed after three days. No personal data: the payload is
 * built when sent, from the consent and the subject.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** The `webhook-id`: the logged event's id (the same on every retry), or a fresh id for a decline. */
    messageId: text('message_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    siteId: text('site_id').notNull(),
    subjectId: text('subject_id'),
    consentId: text('consent_id'),
    type: text('type').notNull(),
    eventAt: integer('event_at').notNull(),
    status: text('status', { enum: ['queued', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until').notNull().default(0),
    claimToken: text('claim_token'),
    /** The receiver's last HTTP status (null: no answer), and why the attempt failed. */
    responseStatus: integer('response_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message').on(t.endpointId, t.messageId),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_order').on(t.endpointId, t.subjectId, t.status, t.seq),
  ],
);
