// Read-only queries behind the console overview: the numbers the send gate allows, consents by status, windows of requests and confirmations,
// recent events with the masked number (never the number), the declines counter.
import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { consentEvents, consents, gateStates, sites, subjects } from './schema.ts';

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
    /**
     * The site's numbers as the send gate sees them (one gate_states row each, erased ones left out): how many there
     * are, and how many have a confirmed or an imported consent, not suppressed, not awaiting renewal.
     */
    async numbers(siteId: string): Promise<{ known: number; confirmed: number; imported: number }> {
      const clear = sql`${gateStates.suppressed} = 0 AND coalesce(${gateStates.renewalRequired}, 0) = 0`;
      const [row] = await db
        .select({
          known: sql<number>`count(*)`,
          confirmed: sql<number>`count(*) FILTER (WHERE ${gateStates.status} = 'confirmed' AND ${clear})`,
          imported: sql<number>`count(*) FILTER (WHERE ${gateStates.status} = 'imported' AND ${clear})`,
        })
        .from(gateStates)
        .where(and(eq(gateStates.siteId, siteId), isNull(gateStates.erasedAt)));
      return {
        known: Number(row?.known ?? 0),
        confirmed: Number(row?.confirmed ?? 0),
        imported: Number(row?.imported ?? 0),
      };
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
