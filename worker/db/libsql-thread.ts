// The embedded file with its writes on a worker thread (Node): every statement that may write, and every batch,
// runs on a libsql connection the thread holds, so a commit (an fsync under synchronous=FULL) never blocks the event
// loop; plain SELECTs run on the main thread's own connection, which in WAL mode reads the last commit without
// waiting for the writer. Results and errors have fileClient's shapes (rows by index and by name, LibsqlError with
// the SQLite code), so the store above cannot tell the difference. The thread is also the group commit: each batch is
// sent as soon as it is asked for, and the thread commits every batch waiting for it in one transaction (one fsync)
// the moment it is free, with no round trip to the main thread between one commit and the next.
import { LibsqlError, type Client, type InArgs, type InStatement, type ResultSet } from '@libsql/client';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  boundValues,
  fileClient,
  mapError,
  noTransaction,
  result,
  type RowReader,
  rowMaker,
  statementsOf,
} from './libsql-file.ts';
import { onlyReads } from './prepared.ts';

/** One statement's answer from the thread: raw values per row, or the write's counts. */
interface RawResult {
  columns: string[] | null;
  columnTypes: string[];
  rows: unknown[][];
  changes: number;
  lastInsertRowid: bigint | number;
}
type Reply =
  | { id: number; ok: true; results: RawResult[] }
  | { id: number; ok: false; error: { message: string; code?: string; rawCode?: number } };
/** What the thread posts after each group it took: a reply per message, and its count of committed batches so far. */
interface Replies {
  replies: Reply[];
  transactions: number;
}

/** The thread's transactions: batches that arrived while it was busy share one (the tests read it). */
export interface WriterStats {
  /** Write transactions the thread has committed (a group of batches counts once). */
  readonly transactions: number;
}

/** Statements above which the thread takes no more waiting batches into the group it is about to commit. */
const MAX_GROUP = 2000;

// The thread's program, plain JavaScript so that it runs under any loader (tsx, vitest, node): one connection, its
// compiled statements, a batch as one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error), the batches
// waiting on its port when it takes one as one transaction too.
const THREAD = `
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const { Buffer } = require('node:buffer');
const Database = require(workerData.libsql);
const db = new Database(workerData.path, workerData.timeout ? { timeout: workerData.timeout } : {});
const compiled = new Map();
function compile(sql) {
  let entry = compiled.get(sql);
  if (!entry) {
    const stmt = db.prepare(sql);
    stmt.safeIntegers(true);
    let reader = true;
    try { stmt.raw(true); } catch { reader = false; }
    const cols = reader ? stmt.columns() : [];
    entry = { stmt, columns: reader ? cols.map((c) => c.name) : null, columnTypes: cols.map((c) => c.type ?? '') };
    if (compiled.size >= 500) compiled.clear();
    compiled.set(sql, entry);
  }
  return entry;
}
const arg = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
function args(values) {
  if (Array.isArray(values)) return values.map(arg);
  const out = {};
  for (const k in values) out[k] = arg(values[k]);
  return out;
}
const cell = (v) => (v instanceof Uint8Array ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v);
function run(sql, values) {
  const { stmt, columns, columnTypes } = compile(sql);
  if (columns) {
    const rows = stmt.all(args(values));
    for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = cell(row[i]);
    return { columns, columnTypes, rows, changes: 0, lastInsertRowid: 0 };
  }
  const info = stmt.run(args(values));
  return { columns, columnTypes, rows: [], changes: info.changes, lastInsertRowid: info.lastInsertRowid };
}
const BEGIN = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY', deferred: 'BEGIN DEFERRED' };
// SQL texts by the number the main thread gave them: each text crosses once, then only its number.
const texts = [];
const sqlOf = (ref) => (typeof ref === 'number' ? texts[ref] : ref);
const failure = (id, e) => ({ id, ok: false, error: { message: String(e && e.message), code: e && e.code, rawCode: e && e.rawCode } });
let transactions = 0;
function alone(m) {
  try {
    if (m.op === 'execute') return { id: m.id, ok: true, results: [run(sqlOf(m.sql[0]), m.values[0])] };
    run(BEGIN[m.mode] ?? BEGIN.deferred, []);
    try {
      const results = m.sql.map((ref, i) => run(sqlOf(ref), m.values[i]));
      run('COMMIT', []);
      transactions++;
      return { id: m.id, ok: true, results };
    } finally {
      if (db.inTransaction) run('ROLLBACK', []);
    }
  } catch (e) {
    return failure(m.id, e);
  }
}
// Batches that arrived together, in one transaction: one fsync for all. When a statement breaks it (a constraint lost
// to another batch), nothing of it was written, and each runs alone so that only the one at fault fails. When the
// transaction itself cannot begin or commit (the file locked by another process past the busy timeout, a full disk),
// no batch is at fault: each fails with that error at once, rather than waiting out the timeout again one by one.
function together(group, replies) {
  if (group.length === 1) return void replies.push(alone(group[0]));
  const failAll = (e) => {
    if (db.inTransaction) run('ROLLBACK', []);
    for (const m of group) replies.push(failure(m.id, e));
  };
  try {
    run(group.some((m) => m.mode === 'write') ? BEGIN.write : BEGIN.deferred, []);
  } catch (e) {
    return failAll(e);
  }
  let results;
  try {
    results = group.map((m) => m.sql.map((ref, i) => run(sqlOf(ref), m.values[i])));
  } catch {
    if (db.inTransaction) run('ROLLBACK', []);
    for (const m of group) replies.push(alone(m));
    return;
  }
  try {
    run('COMMIT', []);
  } catch (e) {
    return failAll(e);
  }
  transactions++;
  group.forEach((m, k) => replies.push({ id: m.id, ok: true, results: results[k] }));
}
const groupable = (m) => m.op === 'batch' && m.mode !== 'read';
parentPort.on('message', (first) => {
  // Group commit: every batch the main thread sent while the last transaction committed is waiting on this port; they
  // are taken at once (up to about MAX_GROUP statements) and committed together, with no round trip to the main
  // thread between one transaction and the next.
  const messages = [first];
  let statements = first.sql ? first.sql.length : 0;
  for (let next; first.op !== 'close' && statements < workerData.maxGroup && (next = receiveMessageOnPort(parentPort)); ) {
    messages.push(next.message);
    if (next.message.op === 'close') break;
    statements += next.message.sql.length;
  }
  const replies = [];
  let group = [];
  for (const m of messages) {
    if (m.texts) for (const [n, text] of m.texts) texts[n] = text;
    if (groupable(m)) {
      group.push(m);
      continue;
    }
    if (group.length > 0) together(group, replies);
    group = [];
    if (m.op === 'close') {
      if (replies.length > 0) parentPort.postMessage({ replies, transactions });
      db.close();
      parentPort.close();
      return;
    }
    replies.push(alone(m));
  }
  if (group.length > 0) together(group, replies);
  parentPort.postMessage({ replies, transactions });
});
`;

export function threadClient(
  path: string,
  options: { timeout?: number } = {},
): Client & RowReader & { writer: WriterStats } {
  const reader = fileClient(path, options);
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      path,
      timeout: options.timeout,
      maxGroup: MAX_GROUP,
      libsql: createRequire(import.meta.url).resolve('libsql'),
    },
  });
  worker.unref();
  const pending = new Map<number, { resolve(results: RawResult[]): void; reject(error: unknown): void }>();
  const readOnly = new Map<string, boolean>();
  const makers = new Map<string, ReturnType<typeof rowMaker>>();
  let nextId = 0;
  let closed = false;

  const writer = { transactions: 0 };
  worker.on('message', (message: Replies) => {
    writer.transactions = message.transactions;
    for (const reply of message.replies) {
      const call = pending.get(reply.id);
      if (!call) continue;
      pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.results);
      else call.reject(mapError(Object.assign(new Error(reply.error.message), reply.error)));
    }
    if (pending.size === 0) worker.unref();
  });
  // The thread itself failed (it could not open the file, or it died): every call waiting on it fails, and every later
  // one at once, as a storage fault (a 503 with Retry-After, not a 500), rather than waiting on a thread that is gone.
  let dead: unknown = null;
  const fail = (error: unknown) => {
    dead = new LibsqlError(
      `The database thread stopped: ${String((error as Error)?.message ?? error)}`,
      'SQLITE_CANTOPEN',
    );
    for (const call of pending.values()) call.reject(dead);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`exit code ${code}`));
  });

  // A statement's SQL crosses to the thread as a number once the thread has its text (sent once, with the first
  // message that uses it): the structured clone then copies a few values per statement instead of its whole text.
  // Up to MAX_TEXTS texts are numbered; any other is sent whole each time.
  const MAX_TEXTS = 2000;
  const numbers = new Map<string, number>();
  let nextText = 0;
  function refOf(sql: string, fresh: [number, string][]): number | string {
    let n = numbers.get(sql);
    if (n === undefined) {
      if (numbers.size >= MAX_TEXTS) return sql;
      n = nextText++;
      numbers.set(sql, n);
      fresh.push([n, sql]);
    }
    return n;
  }

  function send(op: 'execute' | 'batch', statements: InStatement[], mode?: string): Promise<ResultSet[]> {
    if (closed) return Promise.reject(new LibsqlError('The client is closed', 'CLIENT_CLOSED'));
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    const fresh: [number, string][] = [];
    const sql = new Array<number | string>(statements.length);
    const values = new Array<unknown>(statements.length);
    for (let i = 0; i < statements.length; i++) {
      const bound = boundValues(statements[i]!);
      sql[i] = refOf(bound.sql, fresh);
      values[i] = bound.values;
    }
    return new Promise<RawResult[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage({ id, op, mode, sql, values, ...(fresh.length > 0 ? { texts: fresh } : {}) });
      } catch (error) {
        // Not sent (a value the structured clone refuses): the thread never saw these texts, so they are not numbered.
        for (const [, text] of fresh) numbers.delete(text);
        pending.delete(id);
        reject(error);
      }
    }).then((raw) => raw.map(toResultSet));
  }

  function toResultSet(raw: RawResult): ResultSet {
    if (!raw.columns) return result([], [], [], raw.changes, BigInt(raw.lastInsertRowid));
    const key = raw.columns.join('\u0000');
    let make = makers.get(key);
    if (!make) {
      if (makers.size >= 500) makers.clear();
      makers.set(key, (make = rowMaker(raw.columns)));
    }
    return result(raw.columns, raw.columnTypes, raw.rows.map(make), 0, undefined);
  }

  const isRead = (sql: string) => {
    let read = readOnly.get(sql);
    if (read === undefined) {
      read = onlyReads(sql);
      if (readOnly.size >= 500) readOnly.clear();
      readOnly.set(sql, read);
    }
    return read;
  };
  const toStatement = (s: InStatement | [string, InArgs?]): InStatement =>
    Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s;

  const client = {
    protocol: 'file',
    writer: writer as WriterStats,
    // Point reads run on the main thread's own connection, as every read does.
    readRow: (sql: string, values: unknown[]) => reader.readRow(sql, values),
    readRows: (sql: string, values: unknown[]) => reader.readRows(sql, values),
    get closed() {
      return closed;
    },
    async execute(stmt: InStatement | string, args?: InArgs) {
      const statement: InStatement = typeof stmt === 'string' ? { sql: stmt, args: args ?? [] } : stmt;
      const sql = typeof statement === 'string' ? statement : statement.sql;
      if (isRead(sql)) return reader.execute(statement);
      return (await send('execute', [statement]))[0]!;
    },
    batch(stmts: (InStatement | [string, InArgs?])[], mode = 'deferred') {
      const statements = stmts.map(toStatement);
      // Reads only (a proof's): one read transaction on the main thread's connection, a consistent snapshot that
      // waits for no commit and costs the writer nothing.
      if (statements.every((s) => isRead(typeof s === 'string' ? s : s.sql))) return reader.batch(statements, 'read');
      return send('batch', statements, mode);
    },
    migrate(stmts: InStatement[]) {
      return send('batch', stmts, 'deferred');
    },
    async executeMultiple(sql: string) {
      for (const part of statementsOf(sql)) await send('execute', [part]);
    },
    transaction: noTransaction,
    async sync() {
      return undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      reader.close();
      // The thread closes its connection after every batch already sent: messages are handled in order.
      worker.ref();
      worker.postMessage({ op: 'close' });
      worker.once('exit', () => {
        for (const call of pending.values()) call.reject(new LibsqlError('The client is closed', 'CLIENT_CLOSED'));
        pending.clear();
      });
    },
    reconnect() {},
  };
  return client as unknown as Client & RowReader & { writer: WriterStats };
}
