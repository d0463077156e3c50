// Inbound SMS already handled, by provider message id: a replay finds its row and changes nothing.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { inboundMessages } from './schema.ts';

export function inboundRepo(store: Store) {
  const { db } = store;
  return {
    /**
     * True when this call claimed the message id (first delivery), false for a replay. A claim never recorded (its
     * handler died, or giving it back failed) is taken over after `staleMs`, so the provider's retry of a STOP is
     * handled rather than answered as a replay.
     */
    async claim(siteId: string, messageId: string, now: number, staleMs = 60_000): Promise<boolean> {
      const rows = await db
        .insert(inboundMessages)
        .values({ siteId, messageId, at: now })
        .onConflictDoUpdate({
          target: [inboundMessages.siteId, inboundMessages.messageId],
          set: { at: now },
          setWhere: sql`${inboundMessages.action} IS NULL AND ${inboundMessages.at} <= ${now - staleMs}`,
        })
        .returning({ id: inboundMessages.messageId });
      return rows.length === 1;
    },
    async record(siteId: string, messageId: string, action: string) {
      await db
        .update(inboundMessages)
        .set({ action })
        .where(and(eq(inboundMessages.siteId, siteId), eq(inboundMessages.messageId, messageId)));
    },
    /**
     * Forgets ids older than `before`: providers retry a webhook for hours or days at most, so an id that old can no
     * longer come back as a replay. A statement for the jobs' purge batch.
     */
    purge: (before: number) => db.delete(inboundMessages).where(lt(inboundMessages.at, before)),
    /** Gives a claim back when handling failed, so the provider's retry is handled. */
    async release(siteId: string, messageId: string) {
      await db
        .delete(inboundMessages)
        .where(and(eq(inboundMessages.siteId, siteId), eq(inboundMessages.messageId, messageId)));
    },
  };
}
