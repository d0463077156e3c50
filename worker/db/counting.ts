// Round trips per request: a request-scoped view of a Store that counts every query and batch it sends (a batch is
// one round trip) and the time spent waiting, for the Server-Timing header. No global state: the app's middleware
// makes one view per request and hands it to that request's domain context.
import type { RoundTrips, Statement, Store } from './client.ts';
import { storeKey } from './client.ts';

export const roundTrips = (): RoundTrips => ({ count: 0, ms: 0 });

/** Awaits `run` as one round trip of `trips`. */
export async function timed<T>(trips: RoundTrips, run: () => Promise<T>): Promise<T> {
  trips.count++;
  const started = performance.now();
  try {
    return await run();
  } finally {
    trips.ms += performance.now() - started;
  }
}

/**
 * The store as seen by one request: same database, same caches (its `key` is the store's), every round trip counted.
 * Queries built on its `db` are counted by the driver's `countedDb`; a store without one counts batches only.
 */
export function countingStore(store: Store, trips: RoundTrips): Store {
  return {
    ...store,
    key: storeKey(store),
    base: store.base ?? store,
    trips,
    db: store.countedDb ? store.countedDb(trips) : store.db,
    batch: (statements: [Statement, ...Statement[]]) => timed(trips, () => store.batch(statements)),
    execBatch: (statements) => timed(trips, () => store.execBatch(statements)),
    queryColumn: (sql) => timed(trips, () => store.queryColumn(sql)),
  };
}

/** `Server-Timing: db;dur=<ms>;desc="<round trips>"` (W3C Server Timing). */
export const serverTimingValue = (trips: RoundTrips) => `db;dur=${trips.ms.toFixed(1)};desc="${trips.count}"`;
