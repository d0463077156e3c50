// Log integration that cannot wedge: under D1's 100-parameter limit (a store that refuses more, as local D1 does), a
// backlog far past one run's budget is integrated run by run; proofs and the checkpoint answer 200 all along (a proof
// not yet covered says `pending`); a run cut short keeps what it committed; one integrator per site by a lease in
// the database, and a lease whose holder vanished expires.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type InStatement } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextFromDeps, createApp } from '../../worker/app.ts';
import { toBase64 } from '../../worker/crypto/encoding.ts';
import { jcsBytes } from '../../worker/crypto/jcs.ts';
import { leafHash } from '../../worker/crypto/merkle.ts';
import { publicJwks } from '../../worker/crypto/signing.ts';
import type { Statement, Store } from '../../worker/db/client.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { integrate, logOrigin, verifierKey } from '../../worker/domain/proof-log/transparency-log.ts';
import { createJobs } from '../../worker/jobs.ts';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';

const LIMIT = 100;

/** A libSQL client that refuses a statement with more than 100 bound parameters, with local D1's message. */
function withD1Limit(client: Client): Client {
  const check = (s: InStatement) => {
    const args = typeof s === 'string' ? [] : Array.isArray(s.args) ? s.args : Object.keys(s.args ?? {});
    if (args.length > LIMIT)
      throw new Error(`too many SQL variables at offset 0: SQLITE_ERROR (${args.length} > ${LIMIT})`);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'execute') return (s: InStatement) => (check(s), target.execute(s));
      if (prop === 'batch')
        return (list: InStatement[], mode?: 'write') => (list.forEach(check), target.batch(list, mode));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Appends `n` events (with their leaves) straight through the repository, 100 per batch. */
async function backlog(h: Harness, n: number, tag: string) {
  for (let i = 0; i < n; i += 100) {
    const statements: Statement[] = [];
    for (let k = i; k < Math.min(n, i + 100); k++) {
      const data = {
        v: 1,
        type: 'requested',
        site: 'demo',
        consentId: `${tag}${k}`,
        id: `${tag}e${k}`,
        at: '2026-11-28T10:00:00.000Z',
      };
      const hash = toBase64(await leafHash(jcsBytes(data)));
      statements.push(
        ...h.ctx.events.append({
          id: `${tag}e${k}`,
          siteId: 'demo',
          consentId: `${tag}${k}`,
          type: 'requested',
          at: 0,
          data,
          leafHash: hash,
        }),
      );
    }
    await h.ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
}

const leafCount = async (h: Harness) =>
  Number((await h.ctx.store.queryColumn("SELECT count(*) FROM log_leaves WHERE site_id = 'demo'"))[0]);

let dir: string;
let h: Harness;
let limited: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-log-int-'));
  const url = `file:${join(dir, 'log.db')}`;
  h = await makeHarness({ url });
  limited = { ...libsqlStore(withD1Limit(createClient({ url }))), maxBoundParameters: LIMIT };
});
afterEach(async () => {
  await limited.close();
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe('under D1’s 100-parameter limit', () => {
  it('the limit is real: a 101-parameter statement fails on this store', async () => {
    const values = sql.join(
      Array.from({ length: LIMIT + 1 }, (_, i) => sql`${i}`),
      sql`, `,
    );
    const error = await limited.db.run(sql`SELECT 1 WHERE 1 IN (${values})`).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(error?.cause ?? error)).toMatch(/too many SQL variables/);
  });

  it('a backlog of 1,200 leaves is integrated run by run; proofs and the checkpoint answer 200 meanwhile', {
    timeout: 60_000,
  }, async () => {
    const app = createApp({ ...h.deps, store: limited });
    // One integration run a pass (no catch-up runs in the same loop): each run is seen bounded on its own.
    const jobs = createJobs({ ...h.deps, store: limited }, { logCatchUpRuns: 0 });
    const w = await widgetFor(h);
    const res = await app.request('/v1/sites/demo/consents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '06 12 34 56 78', choice: 'yes', ...w }),
    });
    expect(res.status).toBe(202);
    const { consentId } = (await res.json()) as { consentId: string };
    await backlog(h, 1_200, 'b');
    // The first run also logs the confirmation SMS it sends and announces the signing key: two leaves more.
    const total = (await leafCount(h)) + 2;

    const proof = async () => {
      const r = await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
      expect(r.status).toBe(200);
      return (await r.json()) as {
        log: { status: string; checkpoint: string; entries: unknown[]; pending: { index: number }[] };
      };
    };
    const before = await proof();
    expect(before.log.status).toBe('pending');
    expect(before.log.entries).toEqual([]);
    expect(before.log.pending.map((p) => p.index)).toHaveLength(1);
    expect((await app.request('/v1/sites/demo/log/checkpoint')).status).toBe(200);
    // Pending is not valid.
    const ring = h.deps.keys.ring;
    const key = await verifierKey(h.ctx, 'demo');
    expect(allPassed(await verifyProof({ proof: before, jwks: publicJwks(ring), verifierKey: key }))).toBe(false);

    const sizes: number[] = [];
    for (let run = 0; run < 10; run++) {
      const report = await jobs.run();
      const size = (await h.ctx.log.head('demo'))!.size;
      sizes.push(size);
      expect((await app.request('/v1/sites/demo/log/checkpoint')).status).toBe(200);
      expect((await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })).status).toBe(200);
      if (size === total) break;
      expect(report.checkpointed).toBe(1);
    }
    // At most 512 leaves a run: three runs for 1,200 and a few, none unbounded.
    expect(sizes).toEqual([512, 1024, total]);

    const after = await proof();
    expect(after.log.status).toBe('included');
    expect(after.log.pending).toEqual([]);
    const checks = await verifyProof({
      proof: after,
      jwks: publicJwks(ring),
      verifierKey: key,
      origin: logOrigin(h.ctx, 'demo'),
    });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('resumable, one integrator at a time', () => {
  it('a run cut short keeps the chunks it committed and the next run resumes from there', async () => {
    await backlog(h, 300, 'r');
    const total = await leafCount(h);
    let writes = 0;
    const failing: Store = {
      ...limited,
      batch: async (statements) => {
        // The second chunk's commit (nodes and head: more than the 3 statements that start a run) fails with a
        // storage fault; the first is already in.
        if (statements.length > 3 && ++writes === 2) throw new Error('SQLITE_IOERR: disk I/O error');
        return limited.batch(statements);
      },
    };
    const ctx = contextFromDeps({ ...h.deps, store: failing }).ctx;
    await expect(integrate(ctx, 'demo', { chunk: 100 })).rejects.toThrow(/SQLITE_IOERR/);
    expect((await h.ctx.log.head('demo'))!.size).toBe(100);
    // The failed run gave its lease back, so the next run needs no wait.
    const next = await integrate(contextFromDeps({ ...h.deps, store: limited }).ctx, 'demo', { chunk: 100 });
    expect(next).toMatchObject({ ran: true, integrated: total - 100, behind: false });
    expect((await h.ctx.log.head('demo'))!.size).toBe(total);
  });

  it('while another holds the lease a run does nothing; a holder that vanished blocks only until its lease expires', async () => {
    await backlog(h, 10, 'l');
    // An integrator whose background work was dropped: it took the lease and never came back.
    expect(await h.ctx.leases.acquire('log:demo', 'vanished', h.now(), 30_000)).toBe(true);
    expect(await integrate(h.ctx, 'demo')).toMatchObject({ ran: false, integrated: 0 });
    expect(await h.ctx.log.head('demo')).toBeNull();
    h.advance(29_999);
    expect((await integrate(h.ctx, 'demo')).ran).toBe(false);
    h.advance(1);
    expect(await integrate(h.ctx, 'demo')).toMatchObject({ ran: true, behind: false });
    expect((await h.ctx.log.head('demo'))!.size).toBe(await leafCount(h));
    // Released at the end of the run, and the vanished holder cannot release the new holder's lease.
    expect(await h.ctx.leases.holder('log:demo')).toBeNull();
  });

  it('two integrators at once: exactly one runs', async () => {
    await backlog(h, 50, 't');
    const other = contextFromDeps({ ...h.deps, store: limited }).ctx;
    const runs = await Promise.all([integrate(h.ctx, 'demo'), integrate(other, 'demo')]);
    expect(runs.map((r) => r.ran).sort()).toEqual([false, true]);
    expect((await h.ctx.log.head('demo'))!.size).toBe(await leafCount(h));
  });
});
