// The baselines bench/http.ts measures Assent against, on Node (@hono/node-server) or Deno (Deno.serve):
// `hello <port>` — Hono answering GET / with {"hello":"world"}; `peer <port> <db file>` — the route a user would
// write by hand: Hono, POST /lookup {id}, one prepared point read on the same driver (libsql) of Assent's own file.
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
} else {
  throw new Error(`usage: peers.ts hello|peer <port> [db file] (got ${mode})`);
}

const options = { port: Number(port), hostname: '127.0.0.1' };
if (typeof Deno !== 'undefined') Deno.serve(options, app.fetch);
else (await import('@hono/node-server')).serve({ fetch: app.fetch, ...options });
