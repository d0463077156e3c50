// The site log under concurrent writers: gapless unique leaf indices, a head that reaches every leaf with the right
// root once the jobs integrated them (two integrators racing), strictly growing checkpoints, consistency proofs that
// verify, and 422s naming the bad size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type InArgs, type InStatement } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contextFromDeps, createApp } from '../../worker/app.ts';
import { fromBase64, toBase64 } from '../../worker/crypto/encoding.ts';
import { jcsBytes } from '../../worker/crypto/jcs.ts';
import { leafHash, rootHash, verifyConsistency } from '../../worker/crypto/merkle.ts';
import { createMemoryNodeStore } from '../crypto/memory-node-store.ts';
import { verifyCheckpoint } from '../../worker/crypto/note.ts';
import { applyFilePragmas, libsqlStore } from '../../worker/db/libsql.ts';
import type { Store } from '../../worker/db/client.ts';
import { eventsRepo } from '../../worker/db/events.ts';
import { logRepo } from '../../worker/db/log.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { catchUp, integrate } from '../../worker/domain/proof-log/transparency-log.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';

type App = ReturnType<typeof createApp>;

const numberFor = (i: number) =>
  `06 10 00 ${String(Math.floor(i / 100)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;

/** An app over the harness's dependencies with another store, and distinct client addresses per request. */
const appOver = (h: Harness, store: Store = h.deps.store): App =>
  createApp({ ...h.deps, store, clientIp: (c) => c.req.header('x-test-ip') });

async function optInAs(app: App, h: Harness, i: number): Promise<number> {
  const w = await widgetFor(h);
  const res = await app.request('/v1/sites/demo/consents', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-ip': `10.1.${Math.floor(i / 200)}.${i % 200}` },
    body: JSON.stringify({ phone: numberFor(i), choice: 'yes', ...w }),
  });
  return res.status;
}

async function getJson<T>(app: App, path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Every stored leaf, in index order, checked against its own bytes; and the root recomputed from scratch. */
async function storedLog(h: Harness) {
  const rows = await h.ctx.log.leavesFrom('demo', 0, 1_000_000);
  const memory = createMemoryNodeStore();
  for (const row of rows) await memory.append(fromBase64(row.leafHash));
  // Raw SQL, independent of the repository under test.
  const leaves = await h.deps.store.db.all<{ leaf: string; leaf_hash: string }>(
    sql`SELECT leaf, leaf_hash FROM log_leaves WHERE site_id = 'demo' ORDER BY idx`,
  );
  for (const l of leaves) expect(toBase64(await leafHash(jcsBytes(JSON.parse(l.leaf))))).toBe(l.leaf_hash);
  return { idx: rows.map((r) => r.idx), root: toBase64(await rootHash(rows.length, memory)) };
}

const ints = (values: unknown[]) => values.map(Number);

describe('concurrent events on one site', () => {
  let dir: string;
  let h: Harness;
  const extra: Store[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assent-log-'));
  });
  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await h.close();
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('two apps over two libSQL clients of one file never give two leaves one index', { timeout: 60_000 }, async () => {
    const url = `file:${join(dir, 'two-clients.db')}`;
    h = await makeHarness({ url });
    const apps: App[] = [];
    for (let k = 0; k < 2; k++) {
      // Opened like the Node entry opens a file: one connection, WAL, busy timeout.
      const client = createClient({ url, concurrency: 1, timeout: 5000 });
      await applyFilePragmas(client);
      const store = libsqlStore(client);
      extra.push(store);
      apps.push(appOver(h, store));
    }
    const before = Number((await h.ctx.store.queryColumn("SELECT count(*) FROM log_leaves WHERE site_id = 'demo'"))[0]);
    const n = 50;
    // Opt-ins interleaved over both apps, with checkpoint reads and integrators of both clients racing the appends
    // (one integrator per site by the lease; the head moves by compare-and-set).
    const contexts = extra.map((store) => contextFromDeps({ ...h.deps, store }).ctx);
    const optIns: Promise<number>[] = [];
    const reads: Promise<number>[] = [];
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      optIns.push(optInAs(apps[i % 2]!, h, i));
      if (i % 10 === 5)
        reads.push(Promise.resolve(apps[(i + 1) % 2]!.request('/v1/sites/demo/log/checkpoint')).then((r) => r.status));
      if (i % 10 === 7)
        runs.push(integrate(contexts[0]!, 'demo', { chunk: 4 }), integrate(contexts[1]!, 'demo', { chunk: 4 }));
    }
    expect(await Promise.all(optIns)).toEqual(Array(n).fill(202));
    expect(await Promise.all(reads)).toEqual(Array(reads.length).fill(200));
    await Promise.all(runs);
    await catchUp(contexts[1]!, 'demo');

    const idx = ints(await h.ctx.store.queryColumn("SELECT idx FROM log_leaves WHERE site_id = 'demo' ORDER BY idx"));
    expect(idx).toEqual(Array.from({ length: before + n }, (_, i) => i));
    const events = ints(
      await h.ctx.store.queryColumn(
        "SELECT count(*) FROM consent_events WHERE site_id = 'demo' AND type = 'requested'",
      ),
    );
    expect(events).toEqual([n]);
    const byEvent = ints(
      await h.ctx.store.queryColumn("SELECT count(DISTINCT event_id) FROM log_leaves WHERE site_id = 'demo'"),
    );
    expect(byEvent).toEqual([before + n]);

    const info = await getJson<{ size: number; verifierKey: string }>(apps[1]!, '/v1/sites/demo/log');
    expect(info.size).toBe(before + n);
    const checkpoint = await verifyCheckpoint(
      await (await apps[0]!.request('/v1/sites/demo/log/checkpoint')).text(),
      info.verifierKey,
    );
    expect(checkpoint.size).toBe(before + n);
    const stored = await storedLog(h);
    expect(stored.idx).toEqual(idx);
    expect(toBase64(checkpoint.rootHash)).toBe(stored.root);
  });

  it('one app with 50 opt-ins at once', { timeout: 60_000 }, async () => {
    h = await makeHarness();
    const app = appOver(h);
    await h.flush();
    const before = (await getJson<{ size: number }>(app, '/v1/sites/demo/log')).size;
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => optInAs(app, h, 100 + i)));
    expect(statuses).toEqual(Array(50).fill(202));
    await h.flush();
    const idx = ints(await h.ctx.store.queryColumn("SELECT idx FROM log_leaves WHERE site_id = 'demo' ORDER BY idx"));
    // Each opt-in: its request and, once the jobs sent it, its confirmation SMS.
    expect(idx).toEqual(Array.from({ length: before + 100 }, (_, i) => i));
    const info = await getJson<{ size: number; verifierKey: string }>(app, '/v1/sites/demo/log');
    expect(info.size).toBe(before + 100);
    const checkpoint = await verifyCheckpoint(
      await (await app.request('/v1/sites/demo/log/checkpoint')).text(),
      info.verifierKey,
    );
    expect(toBase64(checkpoint.rootHash)).toBe((await storedLog(h)).root);
  });
});

describe('checkpoints and consistency', () => {
  let h: Harness;
  let app: App;
  let verifierKey: string;
  const checkpoints: { size: number; rootHash: Uint8Array }[] = [];

  beforeAll(async () => {
    h = await makeHarness();
    app = appOver(h);
    await h.flush();
    verifierKey = (await getJson<{ verifierKey: string }>(app, '/v1/sites/demo/log')).verifierKey;
    let i = 200;
    for (const burst of [1, 3, 1, 7, 2]) {
      await h.flush(); // the jobs integrate; reads never do
      const res = await app.request('/v1/sites/demo/log/checkpoint');
      expect(res.headers.get('content-type')).toContain('text/plain');
      checkpoints.push(await verifyCheckpoint(await res.text(), verifierKey));
      for (let k = 0; k < burst; k++) expect(await optInAs(app, h, i++)).toBe(202);
    }
    await h.flush();
    checkpoints.push(
      await verifyCheckpoint(await (await app.request('/v1/sites/demo/log/checkpoint')).text(), verifierKey),
    );
  });
  afterAll(async () => h.close());

  it('sizes strictly increase across reads with events in between, each signed by the published key', () => {
    const sizes = checkpoints.map((c) => c.size);
    // Two leaves an opt-in: the request, and the confirmation SMS the jobs sent.
    expect(sizes.slice(1).map((s, i) => s - sizes[i]!)).toEqual([2, 6, 2, 14, 4]);
    expect(sizes[0]).toBeGreaterThanOrEqual(1);
  });

  it('a read with no event in between returns the same checkpoint', async () => {
    const a = await (await app.request('/v1/sites/demo/log/checkpoint')).text();
    const b = await (await app.request('/v1/sites/demo/log/checkpoint')).text();
    expect(b).toBe(a);
    expect((await verifyCheckpoint(a, verifierKey)).size).toBe(checkpoints.at(-1)!.size);
  });

  it('consistency hashes between every pair of checkpoints verify against their roots', async () => {
    for (let i = 0; i < checkpoints.length; i++) {
      for (let j = i; j < checkpoints.length; j++) {
        const [a, b] = [checkpoints[i]!, checkpoints[j]!];
        const body = await getJson<{ from: number; to: number; hashes: string[] }>(
          app,
          `/v1/sites/demo/log/consistency?from=${a.size}&to=${b.size}`,
        );
        expect([body.from, body.to]).toEqual([a.size, b.size]);
        const hashes = body.hashes.map(fromBase64);
        expect(await verifyConsistency(a.size, b.size, hashes, a.rootHash, b.rootHash)).toBe(true);
        // The same hashes tie the new root to this old root only.
        const forged = a.rootHash.slice();
        forged[31]! ^= 1;
        expect(await verifyConsistency(a.size, b.size, hashes, forged, b.rootHash)).toBe(false);
      }
    }
  });

  it.each([
    ['from > to', 'from=5&to=4', 'from'],
    ['to > size', 'from=1&to=SIZE_PLUS_1', 'to'],
    ['from = 0', 'from=0&to=3', 'from'],
    ['from not a number', 'from=abc&to=3', 'from'],
    ['to missing', 'from=1', 'to'],
  ])('%s → 422 naming the field', async (_, query, field) => {
    const size = checkpoints.at(-1)!.size;
    const res = await app.request(`/v1/sites/demo/log/consistency?${query.replace('SIZE_PLUS_1', String(size + 1))}`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { status: number; errors: { path: string }[] };
    expect(problem.status).toBe(422);
    expect(problem.errors.map((e) => e.path)).toContain(field);
  });

  it('an unknown site is a 404', async () => {
    expect((await app.request('/v1/sites/nope/log/consistency?from=1&to=1')).status).toBe(404);
    expect((await app.request('/v1/sites/nope/log/checkpoint')).status).toBe(404);
  });
});

describe('proof queries stay O(log n) as the log grows', () => {
  /** The plan SQLite picks for the statement a repository call sends. */
  async function planOf(call: (store: Store) => Promise<unknown>): Promise<string> {
    const client = createClient({ url: ':memory:' });
    try {
      await migrate(libsqlStore(client), migrations);
      const seen: InStatement[] = [];
      const spy = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'execute') {
            return (s: InStatement) => {
              seen.push(s);
              return target.execute(s);
            };
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await call(libsqlStore(spy));
      const s = seen.at(-1) as { sql: string; args: InArgs };
      const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${s.sql}`, args: s.args });
      return plan.rows.map((r) => String(r.detail)).join(' | ');
    } finally {
      client.close();
    }
  }

  it('reading ten nodes is ten point lookups on the primary key', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => ({ level: i, index: i }));
    const plan = await planOf((store) => logRepo(store).nodes('demo', keys));
    expect(plan).toContain('level=? AND idx=?');
  });

  it('a consent’s leaves are found through the (site, consent) index', async () => {
    const plan = await planOf((store) => eventsRepo(store).leavesForConsent('demo', 'c'.repeat(22)));
    expect(plan).toMatch(/consent_id=\?/);
  });
});
