// The health probe's write: one row upserted in the leases table (no lease is ever taken under its name), so a
// database that answers reads but cannot write (disk full, read-only) is reported unhealthy.
import { sql } from 'drizzle-orm';
import type { Store } from './client.ts';
import { leases } from './schema.ts';

const PROBE = '(health probe)';

export function healthRepo(store: Store) {
  const { db } = store;
  return {
    /** Writes the probe row in a transaction of its own; rejects with the driver's error when storage cannot write. */
    async probeWrite(now: number): Promise<void> {
      await store.batch([
        db
          .insert(leases)
          .values({ name: PROBE, owner: PROBE, expiresAt: now })
          .onConflictDoUpdate({ target: leases.name, set: { expiresAt: sql`excluded.expires_at` } }),
      ]);
    },
  };
}
