// Prepared statements: the hot queries are drizzle queries with `sql.placeholder` for their values, built and
// prepared once per database (shared by every view of a store), then run with values per call: no query building
// on the hot paths. Works on every driver (libSQL file or remote, D1): drizzle prepares per driver. A prepared
// query runs on its own (counted as one round trip of the request's view) or goes into a batch through `bind`.
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db, Statement, Store } from './client.ts';
import { storeKey } from './client.ts';
import { timed } from './counting.ts';
import { batchItem, type PreparedQuery } from './drizzle-internals.ts';

const sets = new WeakMap<object, Map<(db: Db) => unknown, unknown>>();

/**
 * The statements `build` makes on this store's database, built on first use and kept for the database's life.
 * `build` must be a module-level function (it is the cache key), and prepare only: no values.
 */
export function preparedFor<T>(store: Store, build: (db: Db) => T): T {
  const key = storeKey(store);
  let set = sets.get(key);
  if (!set) sets.set(key, (set = new Map()));
  let statements = set.get(build) as T | undefined;
  if (!statements) set.set(build, (statements = build(store.base?.db ?? store.db)));
  return statements;
}

/** Runs one prepared query as a round trip of `store` (counted when the store is a request's counting view). */
export function exec<T>(store: Store, run: () => Promise<T>): Promise<T> {
  return store.trips ? timed(store.trips, run) : run();
}

/**
 * A raw statement (`db.run(sql\`…\`)`, for what the query builder cannot say, e.g. a guarded INSERT … SELECT) built
 * once: its SQL text and parameters (placeholders among them) are kept, to be filled per call by `bind`.
 */
export function prepareRaw(raw: {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch?: boolean): unknown;
}): PreparedQuery {
  const built = raw.getQuery();
  return { getQuery: () => built, mapResult: (result, isFromBatch) => raw.mapResult(result, isFromBatch) };
}

// A statement that is a SELECT (or a WITH … SELECT) naming no writing keyword only reads. Anything else, a PRAGMA
// included, is taken for a write: a read taken for a write is merely slower.
const READ = /^\s*(SELECT|WITH)\b/i;
const WRITES = /\b(INSERT|UPDATE|DELETE|REPLACE|RETURNING)\b/i;
export const onlyReads = (sql: string) => READ.test(sql) && !WRITES.test(sql);

/** On a bound statement (`bind`) whose SQL only reads: a batch of such statements need not wait for commits. */
export const READS_ONLY = Symbol('reads only');
const readers = new WeakMap<object, boolean>();

/** Whether a batch holds reads alone, known without building any statement (only `bind`'s are marked). */
export const readsOnly = (statements: readonly Statement[]) =>
  statements.every((s) => (s as unknown as { [READS_ONLY]?: boolean })[READS_ONLY] === true);

/**
 * A prepared query with its values, as a statement for `store.batch`: what drizzle's batch reads from a query
 * builder (`_prepare()` → getQuery, mapResult; `stmt` for D1), with the placeholders filled. Like a query builder it
 * is also a promise: awaited on its own, it runs as a batch of one on `store`.
 */
export function bind(store: Store, prepared: unknown, values: Record<string, unknown>): Statement {
  let reads = readers.get(prepared as object);
  if (reads === undefined)
    readers.set(prepared as object, (reads = onlyReads((prepared as PreparedQuery).getQuery().sql)));
  const statement = {
    ...batchItem(prepared as PreparedQuery, values),
    [READS_ONLY]: reads,
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, awaited like drizzle's own query builders
    then<A, B = never>(
      onFulfilled?: (value: unknown) => A | PromiseLike<A>,
      onRejected?: (reason: unknown) => B | PromiseLike<B>,
    ) {
      const { then: _, ...item } = statement;
      return store
        .batch([item as unknown as Statement])
        .then((results) => results[0])
        .then(onFulfilled, onRejected);
    },
  };
  return statement as unknown as Statement;
}

const NONE: Computed = {};
const inserts = new WeakMap<object, Map<SQLiteTable, Map<string, unknown>>>();

/**
 * `INSERT INTO table` of `row` as a batch statement, prepared once per database and set of columns given (the
 * schema has no per-row default functions, so nothing is frozen into the statement but the column list).
 */
export function preparedInsert<T extends SQLiteTable>(store: Store, table: T, row: T['$inferInsert']): Statement {
  const values = row as Record<string, unknown>;
  const columns = Object.keys(values).filter((k) => values[k] !== undefined);
  const base = store.base?.db ?? store.db;
  if (columns.some((c) => is(values[c], SQL))) return base.insert(table).values(row) as unknown as Statement;
  const key = storeKey(store);
  let tables = inserts.get(key);
  if (!tables) inserts.set(key, (tables = new Map()));
  let shapes = tables.get(table);
  if (!shapes) tables.set(table, (shapes = new Map()));
  const shape = columns.join(',');
  let statement = shapes.get(shape);
  if (!statement) {
    const placeholders = Object.fromEntries(columns.map((c) => [c, sql.placeholder(c)]));
    statement = base
      .insert(table)
      .values(placeholders as T['$inferInsert'])
      .prepare();
    if (shapes.size > 50) shapes.clear();
    shapes.set(shape, statement);
  }
  return bind(store, statement, values);
}

/** A guard that says its shape: counters (key, limit) that must all be within their limits (limitsRepo.within). */
export type WithinGuard = SQL & { within: { key: string; limit: number }[] };

/** `counters` within their limits, with placeholders `<prefix>k<i>` and `<prefix>l<i>` or with the values. */
export function withinSql(counters: { key: unknown; limit: unknown }[]): SQL {
  return sql.join(
    counters.map((c) => sql`COALESCE((SELECT count FROM rate_counters WHERE key = ${c.key}), 0) <= ${c.limit}`),
    sql` AND `,
  );
}

/** A column computed inside the insert (e.g. from another table), from the row's values as `value` gives them. */
export type Computed = Record<string, (value: (k: string) => unknown) => SQL>;

/** `INSERT INTO table (set…, computed…) SELECT <values> WHERE <where>`, each value as `value` gives it. */
function insertSelect(
  store: Store,
  table: SQLiteTable,
  set: string[],
  computed: Computed,
  value: (k: string) => unknown,
  where: SQL,
) {
  const columns = getTableColumns(table);
  const extra = Object.keys(computed);
  return (store.base?.db ?? store.db).run(sql`INSERT INTO ${table} (${sql.join(
    [...set, ...extra].map((k) => sql.identifier(columns[k]!.name)),
    sql`, `,
  )})
      SELECT ${sql.join(
        [...set.map((k) => sql.param(value(k), columns[k])), ...extra.map((k) => computed[k]!(value))],
        sql`, `,
      )} WHERE ${where}`);
}

/**
 * `INSERT … SELECT <row> WHERE <condition>`: the row is written only while `condition` holds (a batch guard).
 * Prepared once per database, columns and number of counters when the condition is a `WithinGuard`. `computed`
 * columns are SQL expressions evaluated by the insert itself (a module-level object: it is part of the cache key).
 */
export function insertWhere<T extends SQLiteTable>(
  store: Store,
  table: T,
  row: T['$inferInsert'],
  condition: SQL,
  computed: Computed = NONE,
): Statement {
  const values = row as Record<string, unknown>;
  const set = Object.keys(values).filter((k) => values[k] !== undefined && !(k in computed));
  const within = (condition as unknown as Partial<WithinGuard>).within;
  if (!within || set.some((k) => is(values[k], SQL)))
    return insertSelect(store, table, set, computed, (k) => values[k], condition) as unknown as Statement;
  const key = storeKey(store);
  let tables = inserts.get(key);
  if (!tables) inserts.set(key, (tables = new Map()));
  let shapes = tables.get(table);
  if (!shapes) tables.set(table, (shapes = new Map()));
  const shape = `${set.join(',')}|within:${within.length}|${Object.keys(computed).join(',')}`;
  let statement = shapes.get(shape);
  if (!statement) {
    const guard = withinSql(
      within.map((_, i) => ({ key: sql.placeholder(`__k${i}`), limit: sql.placeholder(`__l${i}`) })),
    );
    const raw = insertSelect(store, table, set, computed, (k) => sql.placeholder(k), guard);
    statement = prepareRaw(raw as unknown as Parameters<typeof prepareRaw>[0]);
    if (shapes.size > 50) shapes.clear();
    shapes.set(shape, statement);
  }
  const bound: Record<string, unknown> = { ...values };
  within.forEach((c, i) => {
    bound[`__k${i}`] = c.key;
    bound[`__l${i}`] = c.limit;
  });
  return bind(store, statement, bound);
}
