// The transparency log: leaves, completed subtree hashes, each site's head and checkpoint, the leases that keep one
// integrator per site, and the witnesses (ours as a witness, and our checkpoints' submissions and cosignatures).
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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

/** Named leases with expiry (e.g. one log integrator per site): taken by compare-and-set, so a holder that vanished
 * (a dropped background run) stops blocking others once its lease expires. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

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
