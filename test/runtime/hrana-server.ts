// A TEST server speaking Hrana over HTTP (the sqld HTTP API v2 `/v2/pipeline`, and `/v3/pipeline` with JSON bodies)
// on an embedded libSQL file, so the remote-database path (@libsql/client with an http:// URL) runs for real in tests.
// Tests only: one process, no TLS, no cursors, no protobuf; each stream is one SQLite connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'libsql';

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
type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: Stmt }
  | { type: 'batch'; batch: Batch }
  | { type: 'sequence' | 'describe'; sql?: string | null; sql_id?: number | null }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' };

interface Connection {
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
class StmtError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Stream {
  conn: Connection;
  sqls: Map<number, string>;
  timer: ReturnType<typeof setTimeout>;
}

export interface HranaTestServer {
  url: string;
  /** Statements and pipelines served (for tests asserting round trips at the wire). */
  stats: { pipelines: number };
  /** SQL run on every connection as a stream starts, or null for none (e.g. `PRAGMA max_page_count = …`: a full disk). */
  setConnectionSql(sql: string | null): void;
  /** Runs SQL on a connection of the server's own. */
  exec(sql: string): void;
  close(): Promise<void>;
}

const STREAM_IDLE_MS = 10_000;

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

function sqliteError(error: unknown): StmtError {
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

function handle(stream: Stream, req: StreamRequest, version: 2 | 3): { response: Record<string, unknown>; close?: boolean } {
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
      return { response: { type: 'describe', result: { params, cols, is_explain: isExplain, is_readonly: isReadonly } } };
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

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, value: unknown) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts the test server on 127.0.0.1 (a free port unless given) over the libSQL file at `path`.
 * `authToken`: when set, every request must carry `Authorization: Bearer <token>`.
 */
export async function startHranaServer(options: { path: string; port?: number; authToken?: string }): Promise<HranaTestServer> {
  const idle: Connection[] = [];
  const streams = new Map<string, Stream>();
  const stats = { pipelines: 0 };
  let connectionSql: string | null = null;

  const open = (): Connection => {
    const conn = idle.pop() ?? (new Database(options.path) as unknown as Connection);
    // No waiting on a lock: the server runs statements synchronously, so a wait would stall every stream.
    conn.exec('PRAGMA busy_timeout = 0');
    conn.exec('PRAGMA foreign_keys = ON');
    conn.exec(connectionSql ?? 'PRAGMA max_page_count = 4294967294');
    return conn;
  };
  const release = (stream: Stream) => {
    clearTimeout(stream.timer);
    if (stream.conn.inTransaction) {
      try {
        stream.conn.exec('ROLLBACK');
      } catch {
        // already rolled back
      }
    }
    if (idle.length < 8) idle.push(stream.conn);
    else stream.conn.close();
  };
  const admin = new Database(options.path) as unknown as Connection;
  admin.exec('PRAGMA journal_mode = WAL');

  const pipeline = async (req: IncomingMessage, res: ServerResponse, version: 2 | 3) => {
    let parsed: { baton?: string | null; requests: StreamRequest[] };
    try {
      parsed = JSON.parse(await body(req)) as typeof parsed;
    } catch {
      return send(res, 400, { message: 'The body is not JSON', code: 'HRANA_PROTO_ERROR' });
    }
    stats.pipelines++;
    let stream: Stream | undefined;
    if (parsed.baton) {
      stream = streams.get(parsed.baton);
      streams.delete(parsed.baton);
      if (!stream) return send(res, 400, { message: 'Unknown or expired baton', code: 'STREAM_EXPIRED' });
      clearTimeout(stream.timer);
    } else {
      stream = { conn: open(), sqls: new Map(), timer: setTimeout(() => {}, 0) };
    }
    const results: unknown[] = [];
    let closed = false;
    for (const request of parsed.requests ?? []) {
      if (closed) {
        results.push({ type: 'error', error: { message: 'The stream is closed', code: 'STREAM_CLOSED' } });
        continue;
      }
      try {
        const { response, close } = handle(stream, request, version);
        results.push({ type: 'ok', response });
        if (close) closed = true;
      } catch (error) {
        const e = error instanceof StmtError ? error : sqliteError(error);
        results.push({ type: 'error', error: { message: e.message, code: e.code } });
      }
    }
    let baton: string | null = null;
    if (closed) release(stream);
    else {
      // A new, unguessable baton for every response: the client must send requests on a stream one at a time.
      baton = randomBytes(18).toString('base64url');
      const kept = stream;
      kept.timer = setTimeout(() => {
        streams.delete(baton!);
        release(kept);
      }, STREAM_IDLE_MS);
      streams.set(baton, kept);
    }
    send(res, 200, { baton, base_url: null, results });
  };

  const server: Server = createServer((req, res) => {
    if (options.authToken && req.headers.authorization !== `Bearer ${options.authToken}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/v2' || path === '/v3')) return void res.writeHead(200).end();
    if (req.method === 'POST' && path === '/v2/pipeline') return void pipeline(req, res, 2).catch(() => send(res, 500, { message: 'internal error' }));
    if (req.method === 'POST' && path === '/v3/pipeline') return void pipeline(req, res, 3).catch(() => send(res, 500, { message: 'internal error' }));
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setConnectionSql(sql) {
      connectionSql = sql;
    },
    exec: (sql) => admin.exec(sql),
    close: async () => {
      for (const stream of streams.values()) release(stream);
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const conn of [...idle, admin]) conn.close();
      idle.length = 0;
    },
  };
}
