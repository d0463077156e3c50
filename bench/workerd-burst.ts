// A burst of opt-ins against `npm run start:workers` (workerd, local D1 on disk, the cron firing every minute): during
// and after it every proof and the checkpoint answer 200 (a proof not yet covered says `pending`); within 90 s every
// proof verifies, the log has no gap and every message went out once. Then the same with the isolate thrown away
// mid-burst (its background work dropped): a fresh one's next tick resumes. A load test, not part of npm test.
// Run: npm run build && npx tsx bench/workerd-burst.ts   (BURST_OPT_INS, BURST_CONNECTIONS, BURST_CRON_MS to change it)
import { rmSync } from 'node:fs';
import { startWorkers, type WorkersServer } from '../scripts/start-workers.ts';
import { freePort, tempDir } from '../test/runtime/servers.ts';
import type { Jwks } from '../worker/crypto/signing.ts';
import { allPassed, verifyProof } from '../worker/verify/verify-proof.ts';

const ADMIN = 'bench-admin-token-0123456789abcdef';

export interface BurstOptions {
  optIns: number;
  concurrency: number;
  /** How long, after the last opt-in, every proof has to verify. */
  settleMs: number;
  /** Numbers are 06 + 8 digits from this offset (distinct runs on one database use distinct offsets). */
  offset?: number;
  /** Called once, after this many opt-ins were answered (e.g. to throw the isolate away). */
  midway?: { after: number; run: () => Promise<void> };
  /** Messages a previous isolate's dev outbox held (the dev outbox lives in an isolate's memory). */
  retiredDevOutbox?: { to: string }[];
}

export interface BurstReport {
  optIns: number;
  accepted: number;
  optInP50Ms: number;
  optInP99Ms: number;
  optInsPerSecond: number;
  /** GETs of proofs and the checkpoint made during and after the burst, and how many did not answer 200. */
  reads: number;
  readsNot200: number;
  pendingSeen: number;
  /** From the last opt-in until every proof was covered by a checkpoint, and until no message was left queued. */
  coveredAfterMs: number | null;
  drainedAfterMs: number | null;
  verified: number;
  verifyFailures: number;
  logSize: number;
  leaves: number;
  gapless: boolean;
  /** Outbox rows of this burst by status, messages in the dev outbox per number, and claims per message. */
  outbox: Record<string, number>;
  devOutboxPerNumber: Record<string, number>;
  attempts: Record<string, number>;
  /** Server-Timing db round trips reported by the consent POSTs, when the server sends them. */
  consentRoundTrips: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
};
const tally = (values: (string | number)[]) =>
  values.reduce<Record<string, number>>((acc, v) => ((acc[v] = (acc[v] ?? 0) + 1), acc), {});
const numberOf = (i: number) => `06${String(10_000_000 + i).slice(-8)}`;

/** Runs `tasks` with at most `n` in flight. */
async function pool<T>(n: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

export async function burst(server: () => WorkersServer, options: BurstOptions): Promise<BurstReport> {
  const base = () => server().url;
  const offset = options.offset ?? 0;
  const widget = (await (await fetch(`${base()}/v1/sites/demo/widget?locale=fr`)).json()) as {
    textSha256: string;
    policy: { version: number };
    locale: string;
  };
  const consentIds: string[] = [];
  const latencies: number[] = [];
  const roundTrips: string[] = [];
  const reads = { total: 0, not200: 0, pending: 0 };
  let accepted = 0;
  let answered = 0;
  // While the isolate is replaced no new request starts, opt-in or read (the ones in flight are answered first): what
  // is dropped is the background work, not requests.
  let paused: Promise<void> | null = null;
  let inFlight = 0;

  const readProof = async (id: string) => {
    const res = await fetch(`${base()}/proofs/${id}`, { headers: { accept: 'application/json' } }).catch(() => null);
    reads.total++;
    if (res?.status !== 200) {
      reads.not200++;
      return null;
    }
    const proof = (await res.json()) as { log: { status: string } };
    if (proof.log.status === 'pending') reads.pending++;
    return proof;
  };
  const readCheckpoint = async () => {
    const res = await fetch(`${base()}/v1/sites/demo/log/checkpoint`).catch(() => null);
    reads.total++;
    if (res?.status !== 200) reads.not200++;
    else await res.text();
  };

  // Readers racing the burst: the checkpoint and a random proof already issued, continuously.
  let bursting = true;
  const watcher = (async () => {
    while (bursting) {
      while (paused) await paused;
      // Counted in flight like the opt-ins, so the isolate is replaced between reads, never under one.
      inFlight++;
      try {
        await readCheckpoint();
        if (consentIds.length) await readProof(consentIds[Math.floor(Math.random() * consentIds.length)]!);
      } finally {
        inFlight--;
      }
      await sleep(50);
    }
  })();

  const started = Date.now();
  await pool(options.concurrency, options.optIns, async (k) => {
    const i = offset + k;
    while (paused) await paused;
    inFlight++;
    const t = performance.now();
    const res = await fetch(`${base()}/v1/sites/demo/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': `10.${(i >> 8) & 255}.${i & 255}.7` },
      body: JSON.stringify({
        phone: numberOf(i),
        choice: 'yes',
        locale: widget.locale,
        textSha256: widget.textSha256,
        policyVersion: widget.policy.version,
      }),
    }).catch(() => null);
    latencies.push(performance.now() - t);
    inFlight--;
    const timing = res?.headers.get('server-timing')?.match(/db;[^,]*desc="?(\d+)/);
    if (timing) roundTrips.push(timing[1]!);
    if (res?.status === 202) {
      accepted++;
      consentIds.push(((await res.json()) as { consentId: string }).consentId);
    } else if (res) console.error(`opt-in ${k}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    if (++answered === options.midway?.after) {
      let resume = () => {};
      paused = new Promise((resolve) => (resume = resolve));
      while (inFlight > 0) await sleep(5);
      await options.midway.run();
      paused = null;
      resume();
    }
  });
  const burstMs = Date.now() - started;
  bursting = false;
  await watcher;

  // Until every proof is covered and no message is left queued (or the time is up): every read must answer 200.
  const finished = Date.now();
  const ids = consentIds.map((id) => `'${id}'`).join(',') || "''";
  let coveredAfterMs: number | null = null;
  let drainedAfterMs: number | null = null;
  let proofs: ({ log: { status: string } } | null)[] = [];
  while (Date.now() - finished < options.settleMs) {
    await readCheckpoint();
    if (coveredAfterMs === null) {
      proofs = await pool(20, consentIds.length, (k) => readProof(consentIds[k]!));
      if (proofs.every((p) => p?.log.status === 'included')) coveredAfterMs = Date.now() - finished;
    }
    if (drainedAfterMs === null) {
      const d1 = await server().mf.getD1Database('DB');
      const left = (await d1
        .prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'queued' AND consent_id IN (${ids})`)
        .first()) as { n: number };
      if (left.n === 0) drainedAfterMs = Date.now() - finished;
    }
    if (coveredAfterMs !== null && drainedAfterMs !== null) break;
    await sleep(1000);
  }

  const jwks = (await (await fetch(`${base()}/.well-known/jwks.json`)).json()) as Jwks;
  const log = (await (await fetch(`${base()}/v1/sites/demo/log`)).json()) as {
    verifierKey: string;
    origin: string;
    size: number;
  };
  let verified = 0;
  let verifyFailures = 0;
  const failedChecks = new Set<string>();
  for (const proof of proofs) {
    const checks = proof ? await verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin }) : [];
    if (proof && allPassed(checks)) verified++;
    else {
      verifyFailures++;
      for (const c of checks)
        if (!c.ok) failedChecks.add(`${c.name.replace(/\[\d+\]/, '[i]')}: ${c.detail.slice(0, 120)}`);
    }
  }
  if (failedChecks.size > 0) console.log(`proof checks that failed: ${[...failedChecks].join(' | ')}`);

  const d1 = await server().mf.getD1Database('DB');
  const leaves = (await d1
    .prepare("SELECT count(*) AS n, MIN(idx) AS lo, MAX(idx) AS hi FROM log_leaves WHERE site_id = 'demo'")
    .first()) as { n: number; lo: number; hi: number };
  const rows = (await d1.prepare(`SELECT status, attempts FROM outbox WHERE consent_id IN (${ids})`).all()).results as {
    status: string;
    attempts: number;
  }[];
  if (process.env.BURST_VERBOSE === '1') {
    const stuck = await d1
      .prepare(`SELECT created_at, next_attempt_at, lease_until, attempts FROM outbox WHERE status = 'queued'`)
      .all();
    const last = await d1
      .prepare(`SELECT MAX(sent_at) AS s, MAX(created_at) AS c FROM outbox WHERE status = 'sent'`)
      .first();
    console.error('queued:', JSON.stringify(stuck.results), 'last sent:', JSON.stringify(last));
  }
  const dev = (await (await fetch(`${base()}/dev/outbox`)).json()) as { to: string }[];
  const ours = new Set(Array.from({ length: options.optIns }, (_, k) => `+33${numberOf(offset + k).slice(1)}`));
  const all = [...dev, ...(options.retiredDevOutbox ?? [])];
  const perNumber = tally([...ours].map((to) => all.filter((m) => m.to === to).length));

  return {
    optIns: options.optIns,
    accepted,
    optInP50Ms: Math.round(percentile(latencies, 50)),
    optInP99Ms: Math.round(percentile(latencies, 99)),
    optInsPerSecond: Math.round((options.optIns / burstMs) * 1000),
    reads: reads.total,
    readsNot200: reads.not200,
    pendingSeen: reads.pending,
    coveredAfterMs,
    drainedAfterMs,
    verified,
    verifyFailures,
    logSize: log.size,
    leaves: leaves.n,
    gapless: leaves.lo === 0 && leaves.hi === leaves.n - 1 && log.size === leaves.n,
    outbox: tally(rows.map((r) => r.status)),
    devOutboxPerNumber: perNumber,
    attempts: tally(rows.map((r) => r.attempts)),
    consentRoundTrips: tally(roundTrips),
  };
}

/** start:workers on a data dir (local D1 on disk), the cron at `cronMs`. */
export async function startBurstServer(dir: string, port: number, cronMs: number): Promise<WorkersServer> {
  return startWorkers({
    env: {
      PORT: String(port),
      ASSENT_DATA_DIR: dir,
      ASSENT_ADMIN_TOKEN: ADMIN,
      ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    quiet: process.env.BURST_VERBOSE !== '1',
    cronMs,
  });
}

async function main() {
  const optIns = Number(process.env.BURST_OPT_INS ?? 500);
  const concurrency = Number(process.env.BURST_CONNECTIONS ?? 20);
  const cronMs = Number(process.env.BURST_CRON_MS ?? 60_000);
  const dir = tempDir('workerd-burst');
  const port = await freePort();
  let server = await startBurstServer(dir, port, cronMs);
  try {
    await fetch(`${server.url}/healthz`);
    console.log(
      `workerd + local D1 (${dir}), cron every ${cronMs / 1000} s; ${optIns} opt-ins at ${concurrency} connections`,
    );
    const plain = await burst(() => server, { optIns, concurrency, settleMs: 90_000 });
    console.log('burst:', JSON.stringify(plain, null, 1));

    if (process.env.BURST_DROP === '0') return;
    // The isolate is thrown away halfway through a second burst: its in-flight background work (sends, log
    // integration, their leases) is dropped. A fresh isolate on the same database takes over at its next tick.
    const retired: { to: string }[] = [];
    const dropped = await burst(() => server, {
      optIns,
      concurrency,
      settleMs: 150_000,
      offset: 100_000,
      retiredDevOutbox: retired,
      midway: {
        after: Math.floor(optIns / 2),
        run: async () => {
          // Killed mid-run: whatever background work it had (sends, integration, their leases) is gone.
          const d1 = await server.mf.getD1Database('DB');
          const [outbox, log] = await Promise.all([
            d1
              .prepare(
                `SELECT SUM(status = 'queued') AS queued, SUM(status = 'queued' AND lease_until > ${Date.now()}) AS leased FROM outbox`,
              )
              .first(),
            d1
              .prepare(
                `SELECT (SELECT count(*) FROM log_leaves WHERE site_id = 'demo') - COALESCE((SELECT size FROM log_heads WHERE site_id = 'demo'), 0) AS behind`,
              )
              .first(),
          ]);
          console.log(
            'at the drop:',
            JSON.stringify({ ...outbox, leavesNotInCheckpoint: (log as { behind: number }).behind }),
          );
          retired.push(...((await (await fetch(`${server.url}/dev/outbox`)).json()) as { to: string }[]));
          await server.stop();
          server = await startBurstServer(dir, await freePort(), cronMs);
        },
      },
    });
    console.log('burst with the isolate dropped midway:', JSON.stringify(dropped, null, 1));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
