// Console people: accounts with roles, their passkeys, invitations by link, WebAuthn challenges and the audit trail.
import { and, asc, desc, eq, gt, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import {
  consoleAccounts,
  consoleAudit,
  consoleChallenges,
  consoleInvitations,
  consolePasskeys,
  consoleSessions,
} from './schema.ts';

export type AccountRow = typeof consoleAccounts.$inferSelect;
export type PasskeyRow = typeof consolePasskeys.$inferSelect;
export type InvitationRow = typeof consoleInvitations.$inferSelect;
export type AuditRow = typeof consoleAudit.$inferSelect;
export type Role = AccountRow['role'];

export function consolePeopleRepo(store: Store) {
  const { db } = store;
  return {
    accounts: (siteId: string) =>
      db
        .select()
        .from(consoleAccounts)
        .where(eq(consoleAccounts.siteId, siteId))
        .orderBy(asc(consoleAccounts.createdAt)),
    async account(id: string): Promise<AccountRow | null> {
      const [row] = await db.select().from(consoleAccounts).where(eq(consoleAccounts.id, id)).limit(1);
      return row ?? null;
    },
    async owners(siteId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(consoleAccounts)
        .where(and(eq(consoleAccounts.siteId, siteId), eq(consoleAccounts.role, 'owner')));
      return Number(row?.n ?? 0);
    },
    async setRole(siteId: string, id: string, role: Role) {
      await db
        .update(consoleAccounts)
        .set({ role })
        .where(and(eq(consoleAccounts.siteId, siteId), eq(consoleAccounts.id, id)));
    },
    /** The account, its passkeys and its sessions go in one batch. */
    async remove(siteId: string, id: string) {
      await store.batch([
        db.delete(consolePasskeys).where(eq(consolePasskeys.accountId, id)),
        db.delete(consoleSessions).where(eq(consoleSessions.accountId, id)),
        db.delete(consoleAccounts).where(and(eq(consoleAccounts.siteId, siteId), eq(consoleAccounts.id, id))),
      ]);
    },
    async setRecovery(id: string, recoveryHash: string) {
      await db.update(consoleAccounts).set({ recoveryHash }).where(eq(consoleAccounts.id, id));
    },
    /** Uses a recovery code: the account it belongs to, its hash cleared in the same statement (single use). */
    async useRecovery(recoveryHash: string): Promise<AccountRow | null> {
      const [row] = await db
        .update(consoleAccounts)
        .set({ recoveryHash: null })
        .where(eq(consoleAccounts.recoveryHash, recoveryHash))
        .returning();
      return row ?? null;
    },

    async invite(row: InvitationRow) {
      await store.batch([
        db.insert(consoleInvitations).values(row),
        db.delete(consoleInvitations).where(lt(consoleInvitations.expiresAt, row.createdAt)),
      ]);
    },
    async invitation(tokenHash: string, now: number): Promise<InvitationRow | null> {
      const [row] = await db
        .select()
        .from(consoleInvitations)
        .where(
          and(
            eq(consoleInvitations.tokenHash, tokenHash),
            isNull(consoleInvitations.usedAt),
            gt(consoleInvitations.expiresAt, now),
          ),
        )
        .limit(1);
      return row ?? null;
    },
    pendingInvitations: (siteId: string, now: number) =>
      db
        .select()
        .from(consoleInvitations)
        .where(
          and(
            eq(consoleInvitations.siteId, siteId),
            isNull(consoleInvitations.usedAt),
            gt(consoleInvitations.expiresAt, now),
          ),
        )
        .orderBy(asc(consoleInvitations.createdAt)),
    async revokeInvitation(siteId: string, tokenHash: string) {
      await db
        .delete(consoleInvitations)
        .where(and(eq(consoleInvitations.siteId, siteId), eq(consoleInvitations.tokenHash, tokenHash)));
    },
    /**
     * Accepts an invitation: marks it used by compare-and-set (unused, unexpired), then, only if this call won, the
     * account and its first passkey are written. A second acceptance of the same link finds nothing to mark.
     */
    async accept(tokenHash: string, now: number, account: AccountRow, passkey: PasskeyRow): Promise<boolean> {
      const won = await db
        .update(consoleInvitations)
        .set({ usedAt: now })
        .where(
          and(
            eq(consoleInvitations.tokenHash, tokenHash),
            isNull(consoleInvitations.usedAt),
            gt(consoleInvitations.expiresAt, now),
          ),
        )
        .returning({ tokenHash: consoleInvitations.tokenHash });
      if (won.length === 0) return false;
      await store.batch([db.insert(consoleAccounts).values(account), db.insert(consolePasskeys).values(passkey)]);
      return true;
    },

    passkeysOf: (accountId: string) =>
      db
        .select()
        .from(consolePasskeys)
        .where(eq(consolePasskeys.accountId, accountId))
        .orderBy(asc(consolePasskeys.createdAt)),
    async passkey(id: string): Promise<PasskeyRow | null> {
      const [row] = await db.select().from(consolePasskeys).where(eq(consolePasskeys.id, id)).limit(1);
      return row ?? null;
    },
    async addPasskey(row: PasskeyRow) {
      await db.insert(consolePasskeys).values(row);
    },
    /** Moves the signature counter forward only (compare-and-set): a replayed or cloned assertion writes nothing. */
    async usePasskey(id: string, counter: number, now: number): Promise<boolean> {
      const rows = await db
        .update(consolePasskeys)
        .set({ counter, lastUsedAt: now })
        .where(and(eq(consolePasskeys.id, id), sql`(${consolePasskeys.counter} < ${counter} OR ${counter} = 0)`))
        .returning({ id: consolePasskeys.id });
      return rows.length === 1;
    },

    async putChallenge(challenge: string, purpose: string, expiresAt: number, now: number) {
      await store.batch([
        db.insert(consoleChallenges).values({ challenge, purpose, expiresAt }),
        db.delete(consoleChallenges).where(lte(consoleChallenges.expiresAt, now)),
      ]);
    },
    /** Takes a challenge (deleted whatever the answer follows): its purpose if it was live, else null. */
    async takeChallenge(challenge: string, now: number): Promise<string | null> {
      const rows = await db
        .delete(consoleChallenges)
        .where(eq(consoleChallenges.challenge, challenge))
        .returning({ purpose: consoleChallenges.purpose, expiresAt: consoleChallenges.expiresAt });
      const row = rows[0];
      return row && row.expiresAt > now ? row.purpose : null;
    },

    async audit(row: Omit<AuditRow, 'id'>) {
      await db.insert(consoleAudit).values(row);
    },
    /** The site's audit trail, newest first, a page of `limit` rows before id `before`. */
    auditPage: (siteId: string, limit: number, before?: number) =>
      db
        .select()
        .from(consoleAudit)
        .where(and(eq(consoleAudit.siteId, siteId), before ? lt(consoleAudit.id, before) : undefined))
        .orderBy(desc(consoleAudit.id))
        .limit(limit),
  };
}
