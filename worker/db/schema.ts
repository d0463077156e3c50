// Tables (drizzle-orm, SQLite dialect). Migrations in migrations/ are generated from this file by drizzle-kit.
// Times are integer milliseconds since the epoch; personal data only as ciphertext or blind index.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  /** The site configuration JSON (validated by siteConfigSchema), secrets included. */
  config: text('config').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** "no" answers are counted, never stored. */
  declines: integer('declines').notNull().default(0),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** SHA-256 hex of the key; the key itself is shown once. */
    keyHash: text('key_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.keyHash), index('api_keys_site').on(t.siteId)],
);

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
  ],
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

/** Fixed-window counters for rate limits (key = scope:id:window). */
/**
 * The send gate's answer per subject, one row read by one point lookup: the subject, whether it is suppressed and
 * its latest consent. Derived, never written by the code: triggers in the migration (gate_states) rewrite a row in
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

export const rateCounters = sqliteTable('rate_counters', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Every widget text the server served: a submission must cite one of these hashes. */
export const widgetTexts = sqliteTable(
  'widget_texts',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    sha256: text('sha256').notNull(),
    locale: text('locale').notNull(),
    policyVersion: integer('policy_version').notNull(),
    texts: text('texts').notNull(),
    firstServedAt: integer('first_served_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.sha256] })],
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

export const policyVersions = sqliteTable(
  'policy_versions',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    version: integer('version').notNull(),
    locale: text('locale').notNull(),
    templateVersion: text('template_version').notNull(),
    /** The exact Markdown served by ?format=md (UTF-8 text is stored byte for byte); never updated. */
    markdown: text('markdown').notNull(),
    sha256: text('sha256').notNull(),
    summary: text('summary').notNull(),
    /** The facts this version was rendered from (JSON), for material-change checks. */
    facts: text('facts').notNull(),
    /** Sections and readability scores (JSON). */
    meta: text('meta').notNull(),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.version, t.locale] })],
);

/** Merkle log leaves, one per event; (site, idx) unique so two writers can never share an index. */
export const logLeaves = sqliteTable(
  'log_leaves',
  {
    siteId: text('site_id').notNull(),
    idx: integer('idx').notNull(),
    eventId: text('event_id').notNull(),
    consentId: text('consent_id'),
    leaf: text('leaf').notNull(),
    leafHash: text('leaf_hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.idx] }),
    uniqueIndex('log_leaves_event').on(t.eventId),
    // With idx last, a consent's leaves come in log order from the index itself: the proof's read searches it instead of
    // walking the whole site's log in idx order (the plan SQLite picked for (site_id, consent_id) alone).
    index('log_leaves_consent').on(t.siteId, t.consentId, t.idx),
  ],
);

/** Completed perfect-subtree hashes: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level). */
export const logNodes = sqliteTable(
  'log_nodes',
  {
    siteId: text('site_id').notNull(),
    level: integer('level').notNull(),
    idx: integer('idx').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.level, t.idx] })],
);

/** The integrated size of each site's tree and its latest signed checkpoint. */
export const logHeads = sqliteTable('log_heads', {
  siteId: text('site_id').primaryKey(),
  size: integer('size').notNull(),
  rootHash: text('root_hash').notNull(),
  checkpoint: text('checkpoint').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Every widget build this server has served, so a page pinning an older one with SRI keeps working after upgrades. */
export const widgetBundles = sqliteTable('widget_bundles', {
  sha256: text('sha256').primaryKey(),
  code: text('code').notNull(),
  firstServedAt: integer('first_served_at').notNull(),
});

/** Named leases with expiry (e.g. one log integrator per site): taken by compare-and-set, so a holder that vanished
 * (a dropped background run) stops blocking others once its lease expires. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Console sign-in sessions: only the SHA-256 of the cookie's random token is stored; idle and absolute expiry. */
export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** The site the session reads; a platform admin's session may switch it (null until one is chosen). */
    siteId: text('site_id'),
    /** The API key that opened the session (revoking it ends the session), or null for the platform admin. */
    keyId: text('key_id'),
    admin: integer('admin', { mode: 'boolean' }).notNull().default(false),
    /** The person (console_accounts) signed in with a passkey or recovery code; null for a key or admin session. */
    accountId: text('account_id'),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('console_sessions_expiry').on(t.expiresAt)],
);

/** People of a site's console, each with a role; they sign in with a passkey, or once with their recovery code. */
export const consoleAccounts = sqliteTable(
  'console_accounts',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    /** What the person is called in the console and the audit trail (chosen by the owner who invited them). */
    name: text('name').notNull(),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    /** SHA-256 hex of the one-time recovery code (shown once); null once it was used and until a new one is made. */
    recoveryHash: text('recovery_hash'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('console_accounts_site').on(t.siteId), uniqueIndex('console_accounts_recovery').on(t.recoveryHash)],
);

/** WebAuthn credentials (passkeys) of console accounts: the public key and the signature counter. */
export const consolePasskeys = sqliteTable(
  'console_passkeys',
  {
    /** The credential id, base64url. */
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    /** The COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    /** JSON array of the authenticator's transports, as the browser reported them. */
    transports: text('transports').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('console_passkeys_account').on(t.accountId)],
);

/** Invitations by link: only the SHA-256 of the link's token is stored; single use (usedAt), expiring. */
export const consoleInvitations = sqliteTable(
  'console_invitations',
  {
    tokenHash: text('token_hash').primaryKey(),
    siteId: text('site_id').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    /** Who invited (the audit actor label). */
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('console_invitations_site').on(t.siteId)],
);

/** WebAuthn challenges handed out and not yet answered (single use, two minutes). */
export const consoleChallenges = sqliteTable('console_challenges', {
  challenge: text('challenge').primaryKey(),
  /** `sign-in`, `invite:<token hash>` or `account:<account id>`: what the answer may open. */
  purpose: text('purpose').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Every change made in the console: who (actor id and name at the time), when, what (method and path, a summary). */
export const consoleAudit = sqliteTable(
  'console_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    siteId: text('site_id').notNull(),
    at: integer('at').notNull(),
    /** `account:<id>`, `key:<id>` or `admin`. */
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    /** A short summary without personal data of subscribers (JSON object), or null. */
    detail: text('detail'),
  },
  (t) => [index('console_audit_site').on(t.siteId, t.id)],
);

/** Origins the CORS check refused, per site (a bounded list for the console; origins are hosts, not people). */
export const refusedOrigins = sqliteTable(
  'console_refused_origins',
  {
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    count: integer('count').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.origin] })],
);

/**
 * The witness role (C2SP tlog-witness): the latest checkpoint this server cosigned per log origin, with the log's
 * signature and ours. add-checkpoint moves it by compare-and-set on (size, root), so a fork is never cosigned.
 */
export const witnessCheckpoints = sqliteTable('witness_checkpoints', {
  origin: text('origin').primaryKey(),
  size: integer('size').notNull(),
  rootHash: text('root_hash').notNull(),
  /** The checkpoint as submitted, plus our cosignature line(s) (served at /witness/<hex sha256(origin)>/checkpoint). */
  checkpoint: text('checkpoint').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Submitting our site checkpoints to the witnesses of ASSENT_WITNESS_POLICY: where each witness stands, per site. */
export const witnessSubmissions = sqliteTable(
  'witness_submissions',
  {
    siteId: text('site_id').notNull(),
    /** The witness's name in the policy file. */
    witness: text('witness').notNull(),
    /** The size of the latest checkpoint of ours it cosigned (0: none yet). */
    cosignedSize: integer('cosigned_size').notNull().default(0),
    cosignedAt: integer('cosigned_at'),
    lastAttemptAt: integer('last_attempt_at'),
    /** Backoff after a failure: no submission to this witness for this site before then. */
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    /** Why the last attempt failed (status and a short reason; never a secret), null after a success. */
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.witness] })],
);

/** Cosignature lines witnesses returned for our checkpoints, by site, size and witness. */
export const witnessCosignatures = sqliteTable(
  'witness_cosignatures',
  {
    siteId: text('site_id').notNull(),
    size: integer('size').notNull(),
    witness: text('witness').notNull(),
    rootHash: text('root_hash').notNull(),
    /** The signature line(s), newline-terminated, as the witness returned them (verified before storing). */
    lines: text('lines').notNull(),
    /** The cosignature's own timestamp, ms. */
    cosignedAt: integer('cosigned_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.size, t.witness] })],
);

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
