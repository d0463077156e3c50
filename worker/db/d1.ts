// Store over a Cloudflare D1 binding (drizzle's D1 driver). D1's batch runs its statements as one transaction.
import { drizzle } from 'drizzle-orm/d1';
import { preparedOf } from './drizzle-internals.ts';
import { schema, type Db, type RoundTrips, type Store } from './client.ts';
import { timed } from './counting.ts';

/** The part of the D1 binding this store uses (structural, so worker/ needs no Workers type globals). */
export interface D1Like {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<unknown[]>;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  raw<T = unknown[]>(): Promise<T[]>;
}

/** A statement of the counting binding: each run is a round trip; `inner` is the binding's own (for batches). */
interface CountedStatement extends D1StatementLike {
  inner: D1StatementLike;
}

function countedStatement(inner: D1StatementLike, trips: RoundTrips): CountedStatement {
  const s = inner as unknown as Record<'all' | 'run' | 'first', (...args: unknown[]) => Promise<unknown>>;
  return {
    inner,
    bind: (...values) => countedStatement(inner.bind(...values), trips),
    raw: <T>(...args: unknown[]) => timed(trips, () => (inner.raw as (...a: unknown[]) => Promise<T[]>)(...args)),
    all: (...args: unknown[]) => timed(trips, () => s.all.apply(inner, args)),
    run: (...args: unknown[]) => timed(trips, () => s.run.apply(inner, args)),
    first: (...args: unknown[]) => timed(trips, () => s.first.apply(inner, args)),
  } as CountedStatement;
}

/** The binding as drizzle uses it, each statement run and each batch counted as one round trip. */
function countingD1(d1: D1Like, trips: RoundTrips): D1Like {
  return {
    prepare: (query) => countedStatement(d1.prepare(query), trips),
    batch: (statements) => timed(trips, () => d1.batch(statements.map(unwrap))),
  };
}

const unwrap = (s: D1StatementLike): D1StatementLike => (s as Partial<CountedStatement>).inner ?? s;

export function d1Store(d1: D1Like): Store {
  // drizzle's parameter type names the global D1Database; the binding is the same object.
  const db = drizzle(d1 as unknown as Parameters<typeof drizzle>[0], { schema });
  return {
    db: db as unknown as Db,
    maxBoundParameters: 100,
    batch: async (statements) => {
      // drizzle 0.45's D1 batch binds `preparedQuery.stmt`, which raw `db.run(sql)` statements lack (the guarded
      // inserts are raw), so the batch is bound here: the same steps, with a fresh prepare for raw statements.
      const prepared = statements.map(preparedOf);
      const bound = prepared.map((p) => {
        const query = p.getQuery();
        return unwrap(((p.stmt as D1StatementLike | undefined) ?? d1.prepare(query.sql)).bind(...query.params));
      });
      const results = await d1.batch(bound);
      return results.map((result, i) => prepared[i]!.mapResult(result, true));
    },
    execBatch: async (statements) => {
      if (statements.length > 0) await d1.batch(statements.map((s) => d1.prepare(s)));
    },
    queryColumn: async (sql) => (await d1.prepare(sql).raw<unknown[]>()).map((row) => row[0]),
    // A binding has nothing to close.
    close: async () => {},
    countedDb: (trips) => drizzle(countingD1(d1, trips) as unknown as Parameters<typeof drizzle>[0]) as unknown as Db,
  };
}
