// The embedded file's client (Node and Deno): the part of @libsql/client's interface drizzle uses, over one libsql
// connection that keeps its compiled statements. @libsql/client compiles every SQL text again on each call and asks
// each statement for its columns twice; with the hot queries prepared (prepared.ts) the texts repeat, so each is
// compiled once per connection here. Results and errors have @libsql/client's shapes (rows readable by index and
// by column name, LibsqlError with the SQLite code), so the store above cannot tell the difference.
import {
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type ResultSet,
  type TransactionMode,
} from '@libsql/client';
import { Buffer } from 'node:buffer';
import Database from 'libsql';

interface Statement {
  safeIntegers(on: boolean): unknown;
  raw(on: boolean): unknown;
  columns(): { name: string; type?: string | null }[];
  all(args: unknown): unknown[][];
  get(args: unknown): unknown[] | undefined;
  run(args: unknown): { changes: number; lastInsertRowid: number | bigint };
}
interface Connection {
  prepare(sql: string): Statement;
  close(): void;
  readonly inTransaction: boolean;
}
interface Compiled {
  stmt: Statement;
  /** Null for a statement that returns no rows. */
  columns: string[] | null;
  columnTypes: string[];
  makeRow: (values: unknown[]) => Record<string | number, unknown>;
}

const MAX_STATEMENTS = 500;
const BEGIN: Record<TransactionMode, string> = {
  write: 'BEGIN IMMEDIATE',
  read: 'BEGIN TRANSACTION READONLY',
  deferred: 'BEGIN DEFERRED',
};

export function toSql(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError('Only finite numbers can be passed as arguments');
  return value;
}

export function fromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    }
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

const VALUES = Symbol('values');
type Row = Record<string | number, unknown>;

/**
 * Rows of one statement as @libsql/client gives them (values by index, not enumerable, and by column name), made by
 * a constructor per column list: the named values are own properties, the indexed ones and `length` getters shared
 * on its prototype, so a row costs one object rather than a property definition per value.
 */
export function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const names = columns.map((c, i) => (columns.indexOf(c) === i ? c : null));
  if (columns.some((c) => c === 'length' || /^\d+$/.test(c))) return (values) => row(values, columns);
  function SharedRow(this: Row, values: unknown[]) {
    Object.defineProperty(this, VALUES, { value: values });
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name != null) this[name] = values[i];
    }
  }
  const proto = SharedRow.prototype as object;
  Object.defineProperty(proto, 'length', { get: () => columns.length });
  for (let i = 0; i < columns.length; i++) {
    Object.defineProperty(proto, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    });
  }
  return (values) => {
    for (let i = 0; i < values.length; i++) values[i] = fromSql(values[i]);
    return new (SharedRow as unknown as new (v: unknown[]) => Row)(values);
  };
}

/** A row as @libsql/client gives it: values by index (not enumerable) and by column name. */
function row(values: unknown[], columns: string[]): Row {
  const out: Record<string | number, unknown> = {};
  Object.defineProperty(out, 'length', { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i]);
    Object.defineProperty(out, i, { value });
    const column = columns[i]!;
    if (!Object.hasOwn(out, column)) out[column] = value;
  }
  return out;
}

/** SQLite's error as @libsql/client reports it: `code` the base code, `extendedCode` the full one. */
export function mapError(error: unknown): unknown {
  const e = error as { code?: unknown; rawCode?: number; message?: string };
  if (error instanceof Error && typeof e.code === 'string' && e.code.startsWith('SQLITE_')) {
    const base = e.code.split('_').slice(0, 2).join('_');
    return new LibsqlError(error.message, base, e.code, e.rawCode, error);
  }
  return error;
}

/** A statement's SQL and its arguments as the driver binds them (positional, or named without their prefix). */
export function boundValues(statement: InStatement): { sql: string; values: unknown } {
  const { sql, args } = typeof statement === 'string' ? { sql: statement, args: [] as InArgs } : statement;
  if (Array.isArray(args)) return { sql, values: args.map(toSql) };
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args ?? {}))
    named[/^[@$:]/.test(name) ? name.slice(1) : name] = toSql(value);
  return { sql, values: named };
}

/** A client that reads one row's values by SQL text and positional values, for the hot point reads (store.readRow). */
export interface RowReader {
  readRow(sql: string, values: unknown[]): Promise<unknown[] | undefined>;
  readRows(sql: string, values: unknown[]): Promise<unknown[][]>;
}

/** The statements of a text of several (executeMultiple: only for tooling; the store never sends such a text). */
export const statementsOf = (sql: string) =>
  sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);

/** The file clients keep no interactive transaction open: every write is a batch. */
export async function noTransaction(): Promise<never> {
  throw new LibsqlError(
    'Interactive transactions are not used on the file store; use a batch',
    'TRANSACTION_UNSUPPORTED',
  );
}

/** A raw row's values as the driver's rows give them (fromSql), in place. */
function fromSqlRow(row: unknown[]): unknown[] {
  for (let i = 0; i < row.length; i++) row[i] = fromSql(row[i]);
  return row;
}

export function fileClient(path: string, options: { timeout?: number } = {}): Client & RowReader {
  const db = new Database(path, { ...(options.timeout ? { timeout: options.timeout } : {}) }) as unknown as Connection;
  const compiled = new Map<string, Compiled>();
  let closed = false;

  function compile(sql: string): Compiled {
    let entry = compiled.get(sql);
    if (!entry) {
      const stmt = db.prepare(sql);
      stmt.safeIntegers(true);
      let returnsData = true;
      try {
        stmt.raw(true);
      } catch {
        returnsData = false; // raw() throws for a statement that returns no rows
      }
      const cols = returnsData ? stmt.columns() : [];
      const columns = returnsData ? cols.map((c) => c.name) : null;
      entry = { stmt, columns, columnTypes: cols.map((c) => c.type ?? ''), makeRow: rowMaker(columns ?? []) };
      if (compiled.size >= MAX_STATEMENTS) compiled.clear();
      compiled.set(sql, entry);
    }
    return entry;
  }

  /** A read's values by SQL text, with no row object, no ResultSet and no driver mapping (RowReader). */
  function rawRead<T>(sql: string, values: unknown[], read: (stmt: Statement, args: unknown[]) => T): T {
    if (closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    try {
      return read(compile(sql).stmt, values.map(toSql));
    } catch (error) {
      throw mapError(error);
    }
  }

  function run(statement: InStatement): ResultSet {
    const { sql, values } = boundValues(statement);
    try {
      const { stmt, columns, columnTypes, makeRow } = compile(sql);
      if (columns) {
        const rows = stmt.all(values).map(makeRow);
        return result(columns, columnTypes, rows, 0, undefined);
      }
      const info = stmt.run(values);
      return result([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (error) {
      throw mapError(error);
    }
  }

  function inTransaction<T>(mode: TransactionMode, body: () => T): T {
    if (closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    run(BEGIN[mode]);
    try {
      const out = body();
      run('COMMIT');
      return out;
    } finally {
      if (db.inTransaction) run('ROLLBACK');
    }
  }

  const client = {
    protocol: 'file',
    /** RowReader: the first row's values of a read, with no row object, no ResultSet and no driver mapping. */
    async readRow(sql: string, values: unknown[]): Promise<unknown[] | undefined> {
      return rawRead(sql, values, (stmt, args) => {
        const row = stmt.get(args);
        return row ? fromSqlRow(row) : undefined;
      });
    },
    async readRows(sql: string, values: unknown[]): Promise<unknown[][]> {
      return rawRead(sql, values, (stmt, args) => (stmt.all(args) as unknown as unknown[][]).map(fromSqlRow));
    },
    get closed() {
      return closed;
    },
    async execute(stmt: InStatement | string, args?: InArgs) {
      if (closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
      return run(typeof stmt === 'string' ? { sql: stmt, args: args ?? [] } : stmt);
    },
    async batch(stmts: (InStatement | [string, InArgs?])[], mode: TransactionMode = 'deferred') {
      return inTransaction(mode, () => stmts.map((s) => run(Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s)));
    },
    async migrate(stmts: InStatement[]) {
      return inTransaction('deferred', () => stmts.map(run));
    },
    async executeMultiple(sql: string) {
      for (const part of statementsOf(sql)) run(part);
    },
    transaction: noTransaction,
    async sync() {
      return undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      compiled.clear();
      db.close();
    },
    reconnect() {},
  };
  return client as unknown as Client & RowReader;
}

export function result(
  columns: string[],
  columnTypes: string[],
  rows: Record<string | number, unknown>[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    // A method: every statement makes a result, and an arrow here would be named anew each time under keepNames.
    toJSON() {
      return { columns, columnTypes, rows, rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null };
    },
  } as unknown as ResultSet;
}
