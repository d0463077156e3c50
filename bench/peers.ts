// The baselines bench/http.ts measures Assent against, on Node (@hono/node-server) or Deno (Deno.serve):
// `hello <port>` — Hono answering GET / with {"hello":"world"}; `peer <port> <db file>` — the route a user would
// write by hand: Hono, POST /lookup {id}, one prepared point read on the same driver (libsql) of Assent's own file;
// `gate-peer <port> <db file> <master key> <token>` — the send gate written by hand, the least a correct one does: a
// bearer token compared in constant time, an E.164 check, the number's blind index (HMAC-SHA256 under the key Assent
// derives from its master key) and Assent's own gate read (the SQL text the server prepares) of its file.
import { Buffer } from 'node:buffer';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';

declare const Deno:
  | {
      serve(
        options: { port: number; hostname: string },
        handler: (request: Request) => Response | Promise<Response>,
      ): unknown;
    }
  | undefined;

const [mode, port, file] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const app = new Hono();

if (mode === 'hello') {
  app.get('/', (c) => c.json({ hello: 'world' }));
} else if (mode === 'peer') {
  const { default: Database } = await import('libsql');
  const db = new Database(file!, { readonly: true });
  const point = db.prepare('SELECT id, status, renewal_required FROM consents WHERE id = ?');
  app.post('/lookup', async (c) => {
    const { id } = await c.req.json<{ id: string }>();
    const row = point.get(id) as { id: string; status: string; renewal_required: number } | undefined;
    return row
      ? c.json({ id: row.id, status: row.status, canSend: row.status === 'confirmed' && !row.renewal_required })
      : c.json({ status: 'unknown' }, 404);
  });
} else if (mode === 'gate-peer') {
  const { default: Database } = await import('libsql');
  const { drizzle } = await import('drizzle-orm/sqlite-proxy');
  const { gateRowSql } = await import('../worker/db/gate-reads.ts');
  const [masterKey, token] = ((globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2)).slice(
    3,
  );
  const indexKey = Buffer.from(hkdfSync('sha256', Buffer.from(masterKey!, 'base64'), 'assent/v1', 'blind-index', 32));
  const expected = Buffer.from(`Bearer ${token}`);
  const db = new Database(file!, { readonly: true });
  // The text only: a proxy database that never runs anything.
  const text = gateRowSql(drizzle(async () => ({ rows: [] })) as never).sql;
  const read = db.prepare(text);
  read.raw(true);
  const e164 = /^\+[1-9]\d{6,14}$/;
  app.post('/v1/sites/:site/subscribers/lookup', async (c) => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.json({ error: 'auth' }, 401);
    const { phone } = await c.req.json<{ phone: unknown }>();
    if (typeof phone !== 'string' || !e164.test(phone)) return c.json({ error: 'phone' }, 422);
    const site = c.req.param('site');
    const index = createHmac('sha256', indexKey).update(`${site}\n${phone}`).digest('hex');
    const row = read.get([site, index]) as unknown[] | undefined;
    if (!row) return c.json({ status: 'unknown', canSend: false });
    const status = row[6] as string;
    return c.json({ status, canSend: status === 'confirmed' && row[7] !== 1 && row[3] == null && row[4] === 0 });
  });
} else {
  throw new Error(`usage: peers.ts hello|peer|gate-peer <port> [db file] [master key] [token] (got ${mode})`);
}

const options = { port: Number(port), hostname: '127.0.0.1' };
if (typeof Deno !== 'undefined') Deno.serve(options, app.fetch);
else (await import('@hono/node-server')).serve({ fetch: app.fetch, ...options });
