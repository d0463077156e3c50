// Read-only queries behind the console overview: consents by status, windows of requests and confirmations,
// recent events with the masked number (never the number), the declines counter.
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { consentEvents, consents, sites, subjects } from './schema.ts';

export function consoleStatsRepo(store: Store) {
  const { db } = store;
  return {
    async countsByStatus(siteId: string): Promise<Record<string, number>> {
      const rows = await db
        .select({ status: consents.status, n: sql<number>`count(*)` })
        .from(consents)
        .where(eq(consents.siteId, siteId))
        .groupBy(consents.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    /** Consents requested since `since`, and how many of them were confirmed. */
    async window(siteId: string, since: number): Promise<{ requested: number; confirmed: number }> {
      const [row] = await db
        .select({ requested: sql<number>`count(*)`, confirmed: sql<number>`count(${consents.confirmedAt})` })
        .from(consents)
        .where(and(eq(consents.siteId, siteId), gte(consents.requestedAt, since)));
      return { requested: Number(row?.requested ?? 0), confirmed: Number(row?.confirmed ?? 0) };
    },
    async declines(siteId: string): Promise<number> {
      const [row] = await db.select({ n: sites.declines }).from(sites).where(eq(sites.id, siteId));
      return row?.n ?? 0;
    },
    async recentEvents(siteId: string, limit: number) {
      return db
        .select({
          id: consentEvents.id,
          type: consentEvents.type,
          at: consentEvents.at,
          consentId: consentEvents.consentId,
          masked: subjects.masked,
        })
        .from(consentEvents)
        .leftJoin(consents, eq(consents.id, consentEvents.consentId))
        .leftJoin(subjects, eq(subjects.id, consents.subjectId))
        .where(eq(consentEvents.siteId, siteId))
        .orderBy(desc(consentEvents.at))
        .limit(limit);
    },
  };
}
