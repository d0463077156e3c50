// The console: sessions, the people of a site and their passkeys, invitations, WebAuthn challenges, the audit trail.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sites } from './sites.ts';

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
