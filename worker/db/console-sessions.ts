// Console sessions (stored by the SHA-256 of their token) and the bounded list of refused origins per site.
import { and, desc, eq, gt, lt, notInArray, or, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import type { Role } from './console-people.ts';
import { apiKeys, consoleAccounts, consoleSessions, refusedOrigins } from './schema.ts';

export type ConsoleSessionRow = typeof consoleSessions.$inferSelect;

/** At most this many refused origins are kept per site: the list is a diagnostic, not a log. */
export const REFUSED_ORIGINS_KEPT = 20;

export function consoleSessionsRepo(store: Store) {
  const { db } = store;
  return {
    async insert(row: ConsoleSessionRow, replacing?: string) {
      await store.batch([
        db.insert(consoleSessions).values(row),
        // Sign-in replaces the session the browser came with (no fixation); expired rows go on the way.
        db
          .delete(consoleSessions)
          .where(
            or(
              lt(consoleSessions.expiresAt, row.createdAt),
              replacing ? eq(consoleSessions.tokenHash, replacing) : sql`0`,
            ),
          ),
      ]);
    },
    /**
     * The live session with this hash, whether what opened it (the API key, the person's account) is still there, and
     * the person's name and role now (a role changed by an owner applies on the next request), in one query.
     */
    async find(
      tokenHash: string,
      now: number,
    ): Promise<(ConsoleSessionRow & { keyActive: boolean; account: { name: string; role: Role } | null }) | null> {
      const rows = await db
        .select({
          session: consoleSessions,
          keyRevokedAt: apiKeys.revokedAt,
          keyFound: apiKeys.id,
          accountName: consoleAccounts.name,
          accountRole: consoleAccounts.role,
          accountSite: consoleAccounts.siteId,
        })
        .from(consoleSessions)
        .leftJoin(apiKeys, eq(apiKeys.id, consoleSessions.keyId))
        .leftJoin(consoleAccounts, eq(consoleAccounts.id, consoleSessions.accountId))
        .where(and(eq(consoleSessions.tokenHash, tokenHash), gt(consoleSessions.expiresAt, now)))
        .limit(1);
      const row = rows[0];
      if (!row) return null;
      const { session } = row;
      const account =
        row.accountName !== null && row.accountRole !== null && row.accountSite === session.siteId
          ? { name: row.accountName, role: row.accountRole }
          : null;
      const keyActive = session.admin
        ? true
        : session.accountId !== null
          ? account !== null
          : row.keyFound !== null && row.keyRevokedAt === null;
      return { ...session, keyActive, account };
    },
    async touch(tokenHash: string, now: number) {
      await db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.tokenHash, tokenHash));
    },
    async switchSite(tokenHash: string, siteId: string) {
      await db
        .update(consoleSessions)
        .set({ siteId })
        .where(and(eq(consoleSessions.tokenHash, tokenHash), eq(consoleSessions.admin, true)));
    },
    async remove(tokenHash: string) {
      await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash));
    },
    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)` }).from(consoleSessions);
      return Number(row?.n ?? 0);
    },
  };
}

export function refusedOriginsRepo(store: Store) {
  const { db } = store;
  return {
    /** Counts one refusal; then trims the site's list to the most recent REFUSED_ORIGINS_KEPT. */
    async record(siteId: string, origin: string, at: number) {
      const keep = db
        .select({ origin: refusedOrigins.origin })
        .from(refusedOrigins)
        .where(eq(refusedOrigins.siteId, siteId))
        .orderBy(desc(refusedOrigins.lastAt))
        .limit(REFUSED_ORIGINS_KEPT);
      await store.batch([
        db
          .insert(refusedOrigins)
          .values({ siteId, origin, count: 1, lastAt: at })
          .onConflictDoUpdate({
            target: [refusedOrigins.siteId, refusedOrigins.origin],
            set: { count: sql`${refusedOrigins.count} + 1`, lastAt: at },
          }),
        db
          .delete(refusedOrigins)
          .where(and(eq(refusedOrigins.siteId, siteId), notInArray(refusedOrigins.origin, keep))),
      ]);
    },
    list: (siteId: string) =>
      db
        .select()
        .from(refusedOrigins)
        .where(eq(refusedOrigins.siteId, siteId))
        .orderBy(desc(refusedOrigins.lastAt))
        .limit(REFUSED_ORIGINS_KEPT),
  };
}
