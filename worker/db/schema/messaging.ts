// Messages: the outbox every SMS goes through, inbound messages already handled, marketing campaigns and renewal
// campaigns with the subscribers they asked.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { subjects } from './consents.ts';
import { sites } from './sites.ts';

export const outbox = sqliteTable(
  'outbox',
  {
    /** Also the idempotency key given to the provider. */
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    consentId: text('consent_id'),
    kind: text('kind').notNull(),
    /** The campaign this message belongs to: `campaigns.id` for marketing, `renewal_campaigns.id` for renewals. */
    campaignId: text('campaign_id'),
    /** AES-GCM under the subject key: links carry tokens, and erasure must make them unreadable. */
    bodyCiphertext: text('body_ciphertext'),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until').notNull().default(0),
    /** Who holds the lease (a fresh token per claim): recording an outcome is a compare-and-set on it. */
    claimToken: text('claim_token'),
    /** Set when a send timed out: the next attempt asks the provider before sending again. */
    outcomeUnknown: integer('outcome_unknown', { mode: 'boolean' }).notNull().default(false),
    providerMessageId: text('provider_message_id'),
    deliveryStatus: text('delivery_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_consent').on(t.consentId),
    // Only sent messages have a provider id, and only by it are they looked up (delivery reports): a queued message
    // (an opt-in's confirmation SMS) enters this index when it is sent, by the jobs, not in the opt-in's write.
    index('outbox_provider_message').on(t.siteId, t.providerMessageId).where(sql`provider_message_id IS NOT NULL`),
    // Only a campaign's messages are looked up by campaign: an opt-in's confirmation SMS stays out of this index.
    index('outbox_campaign').on(t.campaignId, t.status).where(sql`campaign_id IS NOT NULL`),
    // A subject's messages: the per-number limit counts its confirmation SMS of the last day at each opt-in of a known
    // number (a resend), and an erasure (up to 200 a pass of the retention job) cancels all of them. Without it each
    // walked the whole outbox, which campaigns fill. Every message takes an entry, campaigns' included.
    index('outbox_subject').on(t.subjectId, t.createdAt),
  ],
);

/** Inbound SMS already handled, by provider message id: replays are harmless. */
export const inboundMessages = sqliteTable(
  'inbound_messages',
  {
    siteId: text('site_id').notNull(),
    messageId: text('message_id').notNull(),
    action: text('action'),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.messageId] })],
);

/**
 * A marketing campaign: one text sent to the confirmed subscribers the gate lets through, its messages in the outbox
 * (`outbox.campaign_id`). Progress is counted from those rows; the audience and the skipped are counted at the start.
 */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** SHA-256 of the exact text sent (never the text: it may name an offer, not a person, but it is the owner's). */
    bodySha256: text('body_sha256').notNull(),
    /** The text as sent (sender name and opt-out mention included), for the console's reports. */
    body: text('body').notNull(),
    locale: text('locale').notNull(),
    purpose: text('purpose'),
    /** Segments per message and their encoding (GSM-7 or UCS-2). */
    segments: integer('segments').notNull(),
    encoding: text('encoding').notNull(),
    /** When the owner asked it to go (null: now), and when it may go (the sending hours applied). */
    requestedAt: integer('requested_at'),
    scheduledAt: integer('scheduled_at').notNull(),
    /** `draft` while its messages are being queued; then `scheduled` or `sending`; `stopped` by the owner. */
    status: text('status', { enum: ['draft', 'scheduled', 'sending', 'done', 'stopped'] }).notNull(),
    /** Messages queued at the start, and those the gate held back, by reason (JSON `{reason: count}`). */
    queued: integer('queued').notNull().default(0),
    skipped: text('skipped').notNull().default('{}'),
    /** `account:<id>`, `key:<id>`, `admin` or `api`. */
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    stoppedAt: integer('stopped_at'),
    stoppedBy: text('stopped_by'),
  },
  (t) => [index('campaigns_site').on(t.siteId, t.createdAt)],
);

/** A renewal campaign: one SMS to each confirmed consent flagged for renewal, asking it to agree to a new version. */
export const renewalCampaigns = sqliteTable(
  'renewal_campaigns',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    policyVersion: integer('policy_version').notNull(),
    createdAt: integer('created_at').notNull(),
    /** When the SMS are queued to go (the first moment inside the sending hours). */
    sendAt: integer('send_at').notNull(),
    /** Unanswered requests end their consent at this time (the jobs). */
    deadline: integer('deadline').notNull(),
    closedAt: integer('closed_at'),
    /** Set once every request and SMS is queued; null while starting (a start cut short resumes, see renewals.ts). */
    startedAt: integer('started_at'),
    /**
     * Whom it asks: `renewal`, confirmed consents flagged by a material policy change; `imported`, the numbers brought
     * in from an existing list (re-permission: Yes turns the owner's declaration into a proven consent).
     */
    audience: text('audience', { enum: ['renewal', 'imported'] })
      .notNull()
      .default('renewal'),
  },
  (t) => [
    index('renewal_campaigns_site').on(t.siteId, t.createdAt),
    index('renewal_campaigns_due').on(t.closedAt, t.deadline),
  ],
);

/** One subscriber asked in a campaign, by a link whose token is stored hashed. */
export const renewalRequests = sqliteTable(
  'renewal_requests',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => renewalCampaigns.id),
    siteId: text('site_id').notNull(),
    consentId: text('consent_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** `asked`, then `renewed` (Yes), `declined` (No), `lapsed` (silence until the deadline) or `ended` (STOP, erasure). */
    status: text('status', { enum: ['asked', 'renewed', 'declined', 'lapsed', 'ended'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    answeredAt: integer('answered_at'),
  },
  (t) => [
    uniqueIndex('renewal_requests_token').on(t.tokenHash),
    uniqueIndex('renewal_requests_campaign_consent').on(t.campaignId, t.consentId),
    index('renewal_requests_campaign_status').on(t.campaignId, t.status),
  ],
);
