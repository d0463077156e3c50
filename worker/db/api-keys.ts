// A site's API keys: stored as SHA-256 hashes, listed without them, revoked by setting revoked_at.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Store } from './client.ts';
import { apiKeys } from './schema.ts';

export function apiKeysRepo(store: Store) {
  const { db } = store;
  return {
    list: (siteId: string) =>
      db
        .select({ id: apiKeys.id, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(eq(apiKeys.siteId, siteId))
        .orderBy(asc(apiKeys.createdAt)),
    async insert(row: typeof apiKeys.$inferInsert) {
      await store.batch([db.insert(apiKeys).values(row)]);
    },
    async revoke(siteId: string, id: string, now: number): Promise<boolean> {
      const [rows] = (await store.batch([
        db
          .update(apiKeys)
          .set({ revokedAt: now })
          .where(and(eq(apiKeys.siteId, siteId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id }),
      ])) as [{ id: string }[]];
      return rows.length === 1;
    },
  };
}
