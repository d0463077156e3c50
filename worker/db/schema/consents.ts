// Subscribers and their consents: the subject (number as ciphertext and blind index), each consent and its
// immutable events, suppressions, the gate's row per subject, and the rate-limit counters.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sites } from './sites.ts';

export const subjects = sqliteTable(
  'subjects',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** HMAC-SHA256(index key, site ‖ E.164), hex: the only way to find a number. */
    phoneIndex: text('phone_index').notNull(),
    /** AES-GCM(subject key, E.164), base64; null once erased. */
    phoneCiphertext: text('phone_ciphertext'),
    /** The subject key wrapped by the master key; destroyed on erasure. */
    wrappedKey: text('wrapped_key'),
    country: text('country').notNull(),
    /** Masked number kept for receipts (e.g. +33 6•• •• •• 78): not personal enough to identify alone. */
    masked: text('masked').notNull(),
    createdAt: integer('created_at').notNull(),
    erasedAt: integer('erased_at'),
    /**
     * The last contact the subscriber initiated (an opt-in, a reply SMS, a click on one of their links; an SMS they
     * received is not one): the retention clock of the number (CNIL: three years at most for prospects).
     */
    lastContactAt: integer('last_contact_at'),
  },
  (t) => [uniqueIndex('subjects_site_phone').on(t.siteId, t.phoneIndex)],
);

export const consents = sqliteTable(
  'consents',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    /**
     * `imported`: a number the site owner brought in from an existing list (POST …/subscribers/import), with the
     * consent they declared: not proven by a double opt-in, texted only while the site allows it (config `imports`).
     */
    status: text('status', { enum: ['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported'] }).notNull(),
    locale: text('locale').notNull(),
    policyVersion: integer('policy_version').notNull(),
    policySha256: text('policy_sha256').notNull(),
    textSha256: text('text_sha256').notNull(),
    collectionMethod: text('collection_method').notNull(),
    pageUrl: text('page_url'),
    ipPrefix: text('ip_prefix'),
    userAgent: text('user_agent'),
    confirmTokenHash: text('confirm_token_hash').notNull(),
    unsubscribeTokenHash: text('unsubscribe_token_hash').notNull(),
    requestedAt: integer('requested_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    confirmedAt: integer('confirmed_at'),
    confirmMethod: text('confirm_method'),
    /** Link confirmations: the confirming request's IP prefix and browser family (erased with the subject). */
    confirmIpPrefix: text('confirm_ip_prefix'),
    confirmBrowser: text('confirm_browser'),
    /** Reply confirmations: the inbound channel the reply came through (twilio, generic). */
    confirmChannel: text('confirm_channel'),
    withdrawnAt: integer('withdrawn_at'),
    withdrawMethod: text('withdraw_method'),
    withdrawKeyword: text('withdraw_keyword'),
    /** Set when a later policy version changed purposes, recipients or transfers. */
    renewalRequired: integer('renewal_required', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at').notNull(),
    /** Random id of the last state change: statements batched with it check it to know the change happened. */
    lastOpId: text('last_op_id').notNull(),
    /**
     * The consent's last leaf (log index and base64 leaf hash): the next leaf names it, and its append is a
     * compare-and-set on `chainHash`, so two leaves can never name the same predecessor.
     */
    chainIdx: integer('chain_idx'),
    chainHash: text('chain_hash'),
    /**
     * `consent` (asked and confirmed), or `existing_customer`: the exception of article L34-5 CPCE for a customer of
     * the site's own similar products, recorded by the owner with the sale; then `purpose` is the only one it allows.
     */
    basis: text('basis', { enum: ['consent', 'existing_customer'] })
      .notNull()
      .default('consent'),
    purpose: text('purpose'),
    /** Existing customers: HMAC of the sale's reference under the site's index key, the sale's date, the text shown. */
    saleRefHmac: text('sale_ref_hmac'),
    saleDate: text('sale_date'),
    noticeText: text('notice_text'),
    /**
     * Imported consents: where the owner says the consent was given, in their words. The log holds only its SHA-256
     * (it may name a person); the text is shown in the receipt and set to null on erasure.
     */
    importSource: text('import_source'),
    /** The policy version the subscriber last agreed to in a renewal (null: never renewed). */
    renewedVersion: integer('renewed_version'),
  },
  (t) => [
    uniqueIndex('consents_confirm_token').on(t.confirmTokenHash),
    uniqueIndex('consents_unsubscribe_token').on(t.unsubscribeTokenHash),
    index('consents_subject').on(t.subjectId, t.status),
    index('consents_site_status').on(t.siteId, t.status, t.id),
    /** The export of every status pages by id within the site without sorting the whole site each page. */
    index('consents_site_id').on(t.siteId, t.id),
    index('consents_expiry').on(t.status, t.expiresAt),
  ],
);

/** Immutable: triggers in the migrations refuse UPDATE and DELETE. */
export const consentEvents = sqliteTable(
  'consent_events',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    consentId: text('consent_id'),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    /** The event as logged (JSON, no personal data): the Merkle leaf is its JCS form. */
    data: text('data').notNull(),
  },
  (t) => [index('consent_events_consent').on(t.consentId, t.at)],
);

export const suppressions = sqliteTable(
  'suppressions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    phoneIndex: text('phone_index').notNull(),
    reason: text('reason').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.phoneIndex] })],
);

/**
 * The send gate's answer per subject, one row read by one point lookup: the subject, whether it is suppressed and
 * the consent it speaks of (its latest in force, else its latest: gate-reads.ts IN_FORCE_FIRST). Derived, never written by the code: triggers in the migration (gate_states) rewrite a row in
 * the statement that changes a subject, a consent's status or a suppression, so it is current in the same commit.
 */
export const gateStates = sqliteTable(
  'gate_states',
  {
    siteId: text('site_id').notNull(),
    phoneIndex: text('phone_index').notNull(),
    subjectId: text('subject_id').notNull(),
    masked: text('masked').notNull(),
    erasedAt: integer('erased_at'),
    suppressed: integer('suppressed').notNull(),
    consentId: text('consent_id'),
    status: text('status', { enum: ['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported'] }),
    renewalRequired: integer('renewal_required', { mode: 'boolean' }),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.phoneIndex] })],
);

/** Fixed-window counters for rate limits (key = scope:id:window). */
export const rateCounters = sqliteTable('rate_counters', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  expiresAt: integer('expires_at').notNull(),
});
