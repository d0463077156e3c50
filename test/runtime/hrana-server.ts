// A TEST server speaking Hrana over HTTP (the sqld HTTP API v2 `/v2/pipeline`, and `/v3/pipeline` with JSON bodies)
// on an embedded libSQL file, so the remote-database path (@libsql/client with an http:// URL) runs for real in tests.
// Tests only: one process, no TLS, no cursors, no protobuf; each stream is one SQLite connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'libsql';
import { handle, sqliteError, StmtError, type Connection, type Stream, type StreamRequest } from './hrana-requests.ts';

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
export async function startHranaServer(options: {
  path: string;
  port?: number;
  authToken?: string;
}): Promise<HranaTestServer> {
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
    if (req.method === 'POST' && path === '/v2/pipeline')
      return void pipeline(req, res, 2).catch(() => send(res, 500, { message: 'internal error' }));
    if (req.method === 'POST' && path === '/v3/pipeline')
      return void pipeline(req, res, 3).catch(() => send(res, 500, { message: 'internal error' }));
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
