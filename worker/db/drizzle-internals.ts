// The one place that knows drizzle-orm's internals (0.45, pinned): how its batch reads a statement (`_prepare()` →
// `getQuery`, `mapResult`, and on D1 the driver's `stmt`), and how a prepared query keeps its SQL. Everything else
// goes through these functions; test/db/drizzle-internals.test.ts fails on an upgrade that changes them.
import { is, Param, Placeholder } from 'drizzle-orm';

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

/**
 * How to fill one prepared query's parameters, read once per query: drizzle's `fillPlaceholders` (sql.js) asks `is`
 * of every parameter on every call, walking prototype chains; this asks once and then only copies. Each entry is a
 * placeholder's name, a placeholder inside a Param (its column's encoder applies), or a constant kept as it is.
 */
type Fill = { name: string; encode?: (value: unknown) => unknown } | { value: unknown };
const plans = new WeakMap<PreparedQuery, Fill[]>();

function planOf(query: PreparedQuery, params: unknown[]): Fill[] {
  let plan = plans.get(query);
  // A prepared query's parameters never change; the length check only keeps a surprise from reading wrong values.
  if (!plan || plan.length !== params.length) {
    plan = params.map((p): Fill => {
      if (is(p, Placeholder)) return { name: p.name };
      if (is(p, Param) && is(p.value, Placeholder)) {
        const { encoder } = p;
        return { name: p.value.name, encode: (v) => encoder.mapToDriverValue(v) };
      }
      return { value: p };
    });
    plans.set(query, plan);
  }
  return plan;
}

/** drizzle's `fillPlaceholders(params, values)`, same answers and the same error for a missing value. */
export function fillParams(query: PreparedQuery, params: unknown[], values: Record<string, unknown>): unknown[] {
  const plan = planOf(query, params);
  const out = new Array<unknown>(plan.length);
  for (let i = 0; i < plan.length; i++) {
    const fill = plan[i]!;
    if ('value' in fill) out[i] = fill.value;
    else {
      if (!(fill.name in values)) throw new Error(`No value for placeholder "${fill.name}" was provided`);
      out[i] = fill.encode ? fill.encode(values[fill.name]) : values[fill.name];
    }
  }
  return out;
}

/** A batch item that runs `query` with its placeholders filled from `values`. */
// Methods, not arrow-valued properties: tsx and wrangler build with esbuild's keepNames, which gives every arrow or
// function expression assigned to a name a `name` set by Object.defineProperty each time it is created (~0.5 µs, and
// a new shape); a method is named by its key for free. Every statement of every batch makes these.
export function batchItem(query: PreparedQuery, values: Record<string, unknown>): BatchItem {
  return {
    _prepare() {
      return {
        stmt: query.stmt,
        getQuery() {
          const built = query.getQuery();
          return { ...built, params: fillParams(query, built.params, values) };
        },
        mapResult(result: unknown, isFromBatch?: boolean) {
          return query.mapResult(result, isFromBatch);
        },
      };
    },
  };
}

/** The prepared form of any batch item (a query builder, `db.run(sql)`, or one of ours), as drizzle's batch sees it. */
export function preparedOf(item: unknown): PreparedQuery {
  return (item as BatchItem)._prepare();
}
