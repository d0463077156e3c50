// Hrana stream requests executed on one SQLite connection (the test server's core): values, statements, batches
// with conditions, sequences, describe, stored SQL texts, autocommit state. Tests only.
type Value = null | bigint | number | string | Uint8Array;
interface ProtoValue {
  type: 'null' | 'integer' | 'float' | 'text' | 'blob';
  value?: string | number;
  base64?: string;
}
interface Stmt {
  sql?: string | null;
  sql_id?: number | null;
  args?: ProtoValue[];
  named_args?: { name: string; value: ProtoValue }[];
  want_rows?: boolean;
}
type Cond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: Cond }
  | { type: 'and' | 'or'; conds: Cond[] }
  | { type: 'is_autocommit' };
interface Batch {
  steps: { condition?: Cond | null; stmt: Stmt }[];
}
export type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: Stmt }
  | { type: 'batch'; batch: Batch }
  | { type: 'sequence' | 'describe'; sql?: string | null; sql_id?: number | null }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' };

export interface Connection {
  prepare(sql: string): {
    raw(on: boolean): unknown;
    safeIntegers(on: boolean): unknown;
    columns(): { name: string; type: string | null }[];
    all(args: unknown): unknown[];
    run(args: unknown): { changes: number; lastInsertRowid: number | bigint };
  };
  exec(sql: string): void;
  close(): void;
  readonly inTransaction: boolean;
}

/** A statement failed: its SQLite code travels to the client, which raises a LibsqlError with it. */
export class StmtError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface Stream {
  conn: Connection;
  sqls: Map<number, string>;
  timer: ReturnType<typeof setTimeout>;
}

function toValue(v: ProtoValue): Value {
  switch (v.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(v.value as string);
    case 'float':
      return Number(v.value);
    case 'text':
      return String(v.value);
    case 'blob':
      return new Uint8Array(Buffer.from(v.base64 ?? '', 'base64'));
    default:
      throw new StmtError(`Unknown value type ${(v as { type: string }).type}`, 'HRANA_PROTO_ERROR');
  }
}

function fromValue(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  if (typeof v === 'number') return { type: 'float', value: v }; // integers arrive as bigint (safeIntegers)
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(v).toString('base64') };
  return { type: 'text', value: String(v) };
}

function sqlOf(stream: Stream, s: { sql?: string | null; sql_id?: number | null }): string {
  if (typeof s.sql === 'string') return s.sql;
  const stored = s.sql_id != null ? stream.sqls.get(s.sql_id) : undefined;
  if (stored === undefined) throw new StmtError(`No SQL text with id ${s.sql_id}`, 'SQL_NOT_FOUND');
  return stored;
}

export function sqliteError(error: unknown): StmtError {
  const e = error as { message?: string; code?: string };
  return new StmtError(e.message ?? String(error), typeof e.code === 'string' ? e.code : 'SQLITE_ERROR');
}

function execute(stream: Stream, stmt: Stmt) {
  const sql = sqlOf(stream, stmt);
  const args: unknown =
    stmt.named_args && stmt.named_args.length > 0
      ? Object.fromEntries(stmt.named_args.map((a) => [a.name.replace(/^[:@$]/, ''), toValue(a.value)]))
      : (stmt.args ?? []).map(toValue);
  try {
    const prepared = stream.conn.prepare(sql);
    const before = totalChanges(stream.conn);
    let returnsRows = true;
    try {
      prepared.raw(true);
    } catch {
      returnsRows = false; // a statement that returns no data
    }
    let rows: unknown[][] = [];
    let cols: { name: string; decltype: string | null }[] = [];
    if (returnsRows) {
      prepared.safeIntegers(true);
      rows = prepared.all(args) as unknown[][];
      cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }));
    } else {
      prepared.run(args);
    }
    const affected = totalChanges(stream.conn) - before;
    const lastRowid = affected > 0 ? scalar(stream.conn, 'SELECT last_insert_rowid()') : null;
    return {
      cols,
      rows: stmt.want_rows === false ? [] : rows.map((row) => row.map(fromValue)),
      affected_row_count: affected,
      last_insert_rowid: lastRowid === null ? null : String(lastRowid),
    };
  } catch (error) {
    throw error instanceof StmtError ? error : sqliteError(error);
  }
}

function scalar(conn: Connection, sql: string): unknown {
  const s = conn.prepare(sql);
  s.raw(true);
  s.safeIntegers(true);
  return (s.all([]) as unknown[][])[0]?.[0];
}
const totalChanges = (conn: Connection) => Number(scalar(conn, 'SELECT total_changes()'));

function runBatch(stream: Stream, batch: Batch) {
  const results: (ReturnType<typeof execute> | null)[] = [];
  const errors: ({ message: string; code: string } | null)[] = [];
  const holds = (cond: Cond): boolean => {
    switch (cond.type) {
      case 'ok':
        return results[cond.step] != null;
      case 'error':
        return errors[cond.step] != null;
      case 'not':
        return !holds(cond.cond);
      case 'and':
        return cond.conds.every(holds);
      case 'or':
        return cond.conds.some(holds);
      case 'is_autocommit':
        return !stream.conn.inTransaction;
    }
  };
  for (const step of batch.steps) {
    if (step.condition && !holds(step.condition)) {
      results.push(null);
      errors.push(null);
      continue;
    }
    try {
      results.push(execute(stream, step.stmt));
      errors.push(null);
    } catch (error) {
      const e = error as StmtError;
      results.push(null);
      errors.push({ message: e.message, code: e.code });
    }
  }
  return { step_results: results, step_errors: errors };
}

export function handle(
  stream: Stream,
  req: StreamRequest,
  version: 2 | 3,
): { response: Record<string, unknown>; close?: boolean } {
  switch (req.type) {
    case 'close':
      return { response: { type: 'close' }, close: true };
    case 'execute':
      return { response: { type: 'execute', result: execute(stream, req.stmt) } };
    case 'batch':
      return { response: { type: 'batch', result: runBatch(stream, req.batch) } };
    case 'sequence':
      try {
        stream.conn.exec(sqlOf(stream, req));
      } catch (error) {
        throw error instanceof StmtError ? error : sqliteError(error);
      }
      return { response: { type: 'sequence' } };
    case 'describe': {
      const sql = sqlOf(stream, req);
      let cols: { name: string; decltype: string | null }[] = [];
      try {
        const prepared = stream.conn.prepare(sql);
        try {
          prepared.raw(true);
          cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type ?? null }));
        } catch {
          cols = [];
        }
      } catch (error) {
        throw sqliteError(error);
      }
      const isExplain = /^\s*EXPLAIN\b/i.test(sql);
      const isReadonly = /^\s*(SELECT|EXPLAIN|VALUES)\b/i.test(sql);
      const params = [...sql.matchAll(/\?|[:@$][A-Za-z_]\w*/g)].map((m) => ({ name: m[0] === '?' ? null : m[0] }));
      return {
        response: { type: 'describe', result: { params, cols, is_explain: isExplain, is_readonly: isReadonly } },
      };
    }
    case 'store_sql':
      stream.sqls.set(req.sql_id, req.sql);
      return { response: { type: 'store_sql' } };
    case 'close_sql':
      stream.sqls.delete(req.sql_id);
      return { response: { type: 'close_sql' } };
    case 'get_autocommit':
      if (version < 3) throw new StmtError('get_autocommit needs protocol version 3', 'HRANA_PROTO_ERROR');
      return { response: { type: 'get_autocommit', is_autocommit: !stream.conn.inTransaction } };
    default:
      throw new StmtError(`Unknown request type ${(req as { type: string }).type}`, 'HRANA_PROTO_ERROR');
  }
}
