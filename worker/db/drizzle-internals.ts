// The one place that knows drizzle-orm's internals (0.45, pinned): how its batch reads a statement (`_prepare()` →
// `getQuery`, `mapResult`, and on D1 the driver's `stmt`), and how a prepared query keeps its SQL. Everything else
// goes through these functions; test/db/drizzle-internals.test.ts fails on an upgrade that changes them.
import { fillPlaceholders } from 'drizzle-orm';

/** What drizzle's prepared queries (every driver) offer: the built query and the result mapping a batch uses. */
export interface PreparedQuery {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
  /** The driver's own statement (D1), bound again for each batch. */
  stmt?: unknown;
}

/** What drizzle's batch reads from each item of a batch. */
export interface BatchItem {
  _prepare(): PreparedQuery;
}

/** A batch item that runs `query` with its placeholders filled from `values`. */
export function batchItem(query: PreparedQuery, values: Record<string, unknown>): BatchItem {
  return {
    _prepare: () => ({
      stmt: query.stmt,
      getQuery: () => {
        const built = query.getQuery();
        return { ...built, params: fillPlaceholders(built.params, values) };
      },
      mapResult: (result: unknown, isFromBatch?: boolean) => query.mapResult(result, isFromBatch),
    }),
  };
}

/** The prepared form of any batch item (a query builder, `db.run(sql)`, or one of ours), as drizzle's batch sees it. */
export function preparedOf(item: unknown): PreparedQuery {
  return (item as BatchItem)._prepare();
}
