// The database handle every repository receives: drizzle over libSQL or D1, plus an atomic batch.
import type { BatchItem } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.ts';

export type Schema = typeof schema;
// biome-ignore lint: drizzle's result type differs per driver; repositories never read it.
export type Db = BaseSQLiteDatabase<'async', any, Schema>;

/** A statement that can go into a batch (an un-awaited drizzle query builder). */
export type Statement = BatchItem<'sqlite'>;

export interface Store {
  db: Db;
  /** Most bound parameters one statement may carry (SQLite/libSQL 32766, D1 100): long IN lists are chunked by it. */
  maxBoundParameters: number;
  /** Runs every statement in one transaction: all commit or none does (libSQL and D1 both guarantee it). */
  batch(statements: [Statement, ...Statement[]]): Promise<unknown[]>;
  /** Raw SQL statements in one transaction (migrations). */
  execBatch(statements: string[]): Promise<void>;
  /**
   * The values of a read's first row (positional `?` values), for the hottest point reads: no row object and no
   * driver mapping. Only the embedded file's clients have it; callers fall back to their prepared query without it.
   */
  readRow?(sql: string, values: unknown[]): Promise<unknown[] | undefined>;
  /** The values of every row of a read, as `readRow` reads one (the bulk gate's thousand rows, unmapped). */
  readRows?(sql: string, values: unknown[]): Promise<unknown[][]>;
  /** The first column of a raw query's rows. */
  queryColumn(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
  /** What per-database caches are keyed on: one object for every view of the same database (see counting.ts). */
  readonly key?: object;
  /** The same database through a drizzle handle that reports each query it sends into `trips` (one per query). */
  countedDb?(trips: RoundTrips): Db;
  /** A request's view (counting.ts): the store it views, whose `db` the prepared statements are built on. */
  readonly base?: Store;
  /** A request's view: where its prepared statements count their round trips (prepared.ts). */
  readonly trips?: RoundTrips;
}

/** Database round trips of one request: how many (a batch is one) and the milliseconds spent waiting on them. */
export interface RoundTrips {
  count: number;
  ms: number;
}

/** The key per-database caches use, the same for a store and its request-scoped views. */
export const storeKey = (store: Store): object => store.key ?? store;

export { schema };
