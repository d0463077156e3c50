// HTTP benchmark, in one run on Node and then on Deno: a Hono hello-world, the hand-written peer (Hono + one
// prepared point read on the same driver), and the real Assent server (fresh data dir, synchronous=FULL) in production
// mode and in dev mode as `npm start` runs it (Server-Timing on): the gate, the bulk gate (numbers/s), the consent
// POST, the confirm POST and the proof GET, each as a ratio to the hello-world of the same runtime with p99 and the
// database round trips per request (Server-Timing), and dev mode's rate beside production's.
// Measured with autocannon against 127.0.0.1 only. Run: `npx tsx bench/http.ts` (options in bench/README.md).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import Database from 'libsql';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, confirmToken, printRoundTrips } from './round-trips.ts';
import {
  denoPresent,
  freePort,
  HOST,
  sleep,
  start,
  stop,
  waitFor,
  type Profiling,
  type Runtime,
  type Server,
} from './servers.ts';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface Request {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: Request) => Request;
}
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;
interface Row {
  name: string;
  result: Result;
  trips?: number;
  /** Numbers checked per request (the bulk gate). */
  perRequest?: number;
  target?: number;
  mode?: Mode;
  /** The case's name without its mode (to pair dev rows with production rows). */
  base?: string;
  /** The server's CPU time per request (µs): all its threads, and its main thread (the event loop) alone. */
  cpu?: { process: number; main: number };
  /** The hello-world measured just before this case (BESIDE seconds): its req/s and CPU µs per request. */
  beside?: { rps: number; cpu: number };
}

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const DURATION = num('BENCH_DURATION', 5);
/**
 * Seconds each Assent case (and the peer) runs before it is measured. A server started for the bench compiles its hot
 * paths in its first seconds under load, which a server running for days has long done: after 1 s of warm-up, V8's
 * compiler threads still took 17 % of the consent POST's CPU samples (6 % after 30 s), and the case measured 2,541 µs
 * a request where 10 s of warm-up measured 1,934 on the same machine minutes later.
 */
const WARMUP = num('BENCH_WARMUP', 5);
/** The hello-world's warm-up: one route, compiled within its first thousand requests. */
const HELLO_WARMUP = 1;
/**
 * Seconds of hello-world measured before each Assent case (after a second's warm-up); a case's baseline is the mean of
 * the one before it and the one after it: on a shared machine the hello-world moved 2× within one run, so a baseline
 * from the run's two ends misstated the cases between.
 */
const BESIDE = num('BENCH_BESIDE', 2);
const CONNECTIONS = num('BENCH_CONNECTIONS', 20);
const BULK = 1000;
/** BENCH_CASES=gate,proof: only the cases whose name holds one of the words (and the hello-worlds), e.g. to profile one. */
const ONLY = process.env.BENCH_CASES?.split(',').filter(Boolean);
/** The gate written by hand (bench/peers.ts gate-peer): what the production gate's cost is held against. */
const PEER_GATE = 'peer: the gate by hand';
const TARGETS = { gate: 0.25, consent: 0.05, bulkOverGate: 10, devOverProduction: 0.9 };
type Mode = 'production' | 'dev';
/** BENCH_MODES=production,dev (the default): the Assent cases run once per mode, production first. */
/**
 * PROF_DIR: the Node server writes a V8 CPU profile there (wall time: a thread preempted by the load generator counts
 * against the function it was in). PERF_DIR: Linux `perf record` samples the server's CPU time during each measured
 * Assent case into `<PERF_DIR>/<case>.data` (`deno-<case>.data` on Deno; read with `perf report -i …`; the server
 * writes its JIT map).
 */
const PERF_DIR = process.env.PERF_DIR;
/** The peers are profiled with perf only (PERF_DIR): their JIT map names their functions. */
const PEER_PROFILE: Profiling = { perf: !!PERF_DIR };
const PROFILE: Profiling = { ...(process.env.PROF_DIR ? { cpuProf: process.env.PROF_DIR } : {}), perf: !!PERF_DIR };

/** Starts `perf record` on the process for the measured seconds; the returned function waits for it to write. */
function perfRecord(pid: number | undefined, label: string | undefined): (() => Promise<void>) | undefined {
  if (!PERF_DIR || !pid || !label) return undefined;
  mkdirSync(PERF_DIR, { recursive: true });
  const file = join(PERF_DIR, `${label.replace(/[^a-z0-9]+/gi, '-')}.data`);
  const perf = spawn('perf', ['record', '-F', '1999', '-g', '-p', String(pid), '-o', file], { stdio: 'ignore' });
  return () =>
    new Promise((done) => {
      perf.once('exit', () => done());
      perf.once('error', () => done());
      perf.kill('SIGINT');
    });
}

const MODES = (process.env.BENCH_MODES ?? 'production,dev')
  .split(',')
  .filter((m): m is Mode => m === 'production' || m === 'dev');
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Distinct valid French mobiles from 06 10 00 00 00 on (06 10 … 06 17 are all mobile ranges). */
const mobile = (i: number) => `06${String(10_000_000 + i)}`;
const e164 = (i: number) => `+336${String(10_000_000 + i)}`;

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** CPU time (µs) a process has used, all threads and its main thread, from /proc (Linux; null elsewhere). */
function cpuTime(pid: number | undefined): { process: number; main: number } | null {
  if (!pid) return null;
  // utime and stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux), after the ")" closing the name.
  const ticks = (file: string) => {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  };
  try {
    return { process: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return null;
  }
}

/**
 * Warm-up then the measured run; with `amount`, a fixed number of requests instead of a duration. With the server's
 * pid, also its CPU time per request: on a shared machine throughput swings with the neighbours' load, the CPU one
 * request costs much less.
 */
async function measure(
  url: string,
  requests: Request[],
  amount?: { warmup: number; measured: number },
  pid?: number,
  label?: string,
  seconds = DURATION,
  warmup = WARMUP,
): Promise<{ result: Result; cpu?: { process: number; main: number } }> {
  const options = { url, connections: CONNECTIONS, pipelining: 1, requests };
  await autocannon({ ...options, ...(amount ? { amount: amount.warmup } : { duration: warmup }) });
  const before = cpuTime(pid);
  const perf = perfRecord(pid, label);
  const result = await autocannon({ ...options, ...(amount ? { amount: amount.measured } : { duration: seconds }) });
  const after = cpuTime(pid);
  await perf?.();
  if (!before || !after || result.requests.total === 0) return { result };
  const per = (key: 'process' | 'main') => (after[key] - before[key]) / result.requests.total;
  return { result, cpu: { process: per('process'), main: per('main') } };
}

/**
 * Waits until the server's jobs are idle: no confirmation SMS queued and every leaf in the log's head. A server started
 * after the consent case inherits its backlog (thousands of SMS to send and leaves to integrate), which its jobs work
 * through on the same event loop as the requests measured: dev mode's proof GET, measured so, ran at a fifth of
 * production's. Returns the log's size, printed beside the mode, so each mode is measured on a known, settled log.
 */
async function settle(dbFile: string, what: string): Promise<number> {
  const db = new Database(dbFile, { readonly: true }) as unknown as {
    prepare(sql: string): { get(): { queued: number; leaves: number; integrated: number } };
    close(): void;
  };
  try {
    const query = db.prepare(`SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'queued') AS queued,
      (SELECT COUNT(*) FROM log_leaves) AS leaves, (SELECT COALESCE(SUM(size), 0) FROM log_heads) AS integrated`);
    const started = Date.now();
    for (;;) {
      const { queued, leaves, integrated } = query.get();
      if ((queued === 0 && leaves === integrated) || Date.now() - started > 180_000) {
        const waited = ((Date.now() - started) / 1000).toFixed(0);
        console.log(`  ${what}: log of ${leaves} leaves, ${queued} SMS queued (settled after ${waited} s)`);
        return leaves;
      }
      await sleep(500);
    }
  } finally {
    db.close();
  }
}

/** Confirmation links the console provider delivered (the dev outbox file), oldest first. */
function deliveredTokens(dataDir: string): string[] {
  const file = join(dataDir, 'dev-outbox.ndjson');
  if (!existsSync(file)) return [];
  return [...readFileSync(file, 'utf8').matchAll(/\/c\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
}

async function benchRuntime(runtime: Runtime): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `assent-bench-${runtime}-`));
  const [helloPort, peerPort, gatePeerPort, assentPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const entry = runtime === 'node' ? 'worker/entry/node.ts' : 'worker/entry/deno.ts';
  // The load comes from one address: behind one trusted proxy (ASSENT_TRUST_PROXY=1) each opt-in names its own client
  // address in X-Forwarded-For, so the per-address limit applies as it would to real visitors. Set up in dev mode
  // (the demo site, its secrets in the data dir) with Server-Timing on, for the round trips per route; then each mode:
  // production with those secrets in the environment and Server-Timing off, dev as `npm start` (Server-Timing on).
  const common = { ASSENT_DATA_DIR: dataDir, PORT: String(assentPort), HOST, ASSENT_TRUST_PROXY: '1' };
  const env = (mode: Mode | 'setup'): Record<string, string> => {
    if (mode !== 'production') return { ...common, ASSENT_MODE: 'dev', ASSENT_SERVER_TIMING: '1' };
    const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as Record<string, string>;
    return {
      ...common,
      ASSENT_MODE: 'production',
      ASSENT_SERVER_TIMING: '0',
      ASSENT_DB_URL: `file:${join(dataDir, 'assent.db')}`,
      ASSENT_PUBLIC_URL: `http://localhost:${assentPort}`,
      ASSENT_MASTER_KEY: secrets.masterKey!,
      ASSENT_SIGNING_KEY: secrets.signingKey!,
      ASSENT_ADMIN_TOKEN: secrets.adminToken!,
    };
  };
  const servers: (Server | undefined)[] = [];
  const hello = start(runtime, 'bench/peers.ts', ['hello', String(helloPort)], {});
  let assent = start(runtime, entry, [], env('setup'));
  servers.push(hello, assent);
  try {
    const helloUrl = `http://${HOST}:${helloPort}`;
    const base = `http://${HOST}:${assentPort}`;
    await waitFor(`${helloUrl}/`, hello, `${runtime} hello-world`);
    await waitFor(`${base}/healthz`, assent, `${runtime} Assent`);
    const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
      adminToken: string;
    };
    const auth = { authorization: `Bearer ${adminToken}` };
    const jsonAuth = { ...auth, 'content-type': 'application/json' };

    // The per-IP and per-site limits are site configuration: raise them as an operator would.
    const site = await json<{ config: { limits?: Record<string, number> } }>(
      await fetch(`${base}/v1/sites/demo`, { headers: auth }),
      'read demo',
    );
    const limits = { ...site.config.limits, perIpPerHour: 10_000, perSitePerDay: 10_000_000 };
    await json(
      await fetch(`${base}/v1/sites/demo`, {
        method: 'PUT',
        headers: jsonAuth,
        body: JSON.stringify({ ...site.config, limits }),
      }),
      'raise limits',
    );
    const widget = await json<{ textSha256: string; policy: { version: number }; locale: string }>(
      await fetch(`${base}/v1/sites/demo/widget?locale=fr`),
      'widget',
    );
    const doc = { textSha256: widget.textSha256, policyVersion: widget.policy.version, locale: widget.locale };

    // One confirmed subscriber for the gate, the peer and the proof.
    const confirmedPhone = '+33781234567';
    const optIn = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '07 81 23 45 67', choice: 'yes', ...doc }),
    };
    const { consentId } = await json<{ consentId: string }>(
      await fetch(`${base}/v1/sites/demo/consents`, optIn),
      'opt in',
    );
    await fetch(`${base}/c/${await confirmToken(base, confirmedPhone)}`, { method: 'POST' }).then((r) => r.text());
    const gateBody = JSON.stringify({ phone: confirmedPhone });
    const gate = await json<{ status: string }>(
      await fetch(`${base}/v1/sites/demo/subscribers/lookup`, { method: 'POST', headers: jsonAuth, body: gateBody }),
      'gate',
    );
    if (gate.status !== 'confirmed') throw new Error(`the bench subscriber is ${gate.status}`);
    // The bulk gate checks the numbers the consent POST case opts in (known subjects by then) and the confirmed one.
    const bulkBody = JSON.stringify({
      phones: [confirmedPhone, ...Array.from({ length: BULK - 1 }, (_, i) => e164(i))],
    });

    console.log(`\n== ${runtime} ==`);
    const trips = await printRoundTrips(base, auth, doc, JSON.parse(bulkBody).phones);
    await stop(assent);
    // Every mode starts from this database: a mode measured after another would otherwise work on the thousands of
    // consents and leaves the first one's consent case left (deeper b-trees, a longer log), and read slower for it.
    const dbFiles = ['assent.db', 'assent.db-wal', 'assent.db-shm'];
    const snapshot = join(dataDir, 'snapshot');
    mkdirSync(snapshot);
    for (const f of dbFiles) if (existsSync(join(dataDir, f))) copyFileSync(join(dataDir, f), join(snapshot, f));
    const restore = () => {
      for (const f of dbFiles) rmSync(join(dataDir, f), { force: true });
      for (const f of dbFiles) if (existsSync(join(snapshot, f))) copyFileSync(join(snapshot, f), join(dataDir, f));
    };
    const peer = start(
      runtime,
      'bench/peers.ts',
      ['peer', String(peerPort), join(dataDir, 'assent.db')],
      {},
      PEER_PROFILE,
    );
    servers.push(peer);
    await waitFor(`http://${HOST}:${peerPort}/lookup`, peer, `${runtime} peer`, {
      method: 'POST',
      body: JSON.stringify({ id: consentId }),
    });
    const { masterKey } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as { masterKey: string };
    const gatePeer = start(
      runtime,
      'bench/peers.ts',
      ['gate-peer', String(gatePeerPort), join(dataDir, 'assent.db'), masterKey, adminToken],
      {},
      PEER_PROFILE,
    );
    servers.push(gatePeer);
    const gatePeerUrl = `http://${HOST}:${gatePeerPort}`;
    await waitFor(`${gatePeerUrl}/v1/sites/demo/subscribers/lookup`, gatePeer, `${runtime} gate peer`, {
      method: 'POST',
      headers: jsonAuth,
      body: gateBody,
    });
    const peerGate = await json<{ status: string }>(
      await fetch(`${gatePeerUrl}/v1/sites/demo/subscribers/lookup`, {
        method: 'POST',
        headers: jsonAuth,
        body: gateBody,
      }),
      'gate peer',
    );
    if (peerGate.status !== 'confirmed') throw new Error(`the gate peer reads ${peerGate.status}`);

    const rows: Row[] = [];
    const run = async (
      name: string,
      url: string,
      requests: Request[],
      extra: Omit<Row, 'name' | 'result'> = {},
      amount?: { warmup: number; measured: number },
    ) => {
      if (ONLY && !name.startsWith('hello') && !ONLY.some((word) => name.includes(word))) return;
      const label = extra.mode ? `${extra.mode}: ${name}` : name;
      process.stdout.write(`  ${runtime}: ${label}…\n`);
      const pid = (url === helloUrl ? hello : url === base ? assent : url === gatePeerUrl ? gatePeer : peer)?.child.pid;
      // Assent's cases are profiled as PROF_DIR or PERF_DIR say; the peers under PERF_DIR too (perf needs no flag).
      const profiled =
        url === helloUrl || (url !== base && !PERF_DIR)
          ? undefined
          : runtime === 'node'
            ? label
            : PERF_DIR
              ? `${runtime} ${label}`
              : undefined;
      let beside: Row['beside'];
      if (url !== helloUrl) {
        const h = await measure(
          helloUrl,
          [{ method: 'GET', path: '/' }],
          undefined,
          hello?.child.pid,
          undefined,
          BESIDE,
          HELLO_WARMUP,
        );
        beside = { rps: h.result.requests.average, cpu: h.cpu?.process ?? Number.NaN };
      }
      rows.push({
        ...extra,
        name: label,
        base: name,
        ...(await measure(url, requests, amount, pid, profiled, DURATION, url === helloUrl ? HELLO_WARMUP : WARMUP)),
        ...(beside ? { beside } : {}),
      });
    };
    const post = (
      path: string,
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => [{ method: 'POST', path, headers, body }];
    await run('hello-world (before)', helloUrl, [{ method: 'GET', path: '/' }]);
    await run(
      'peer: Hono + prepared read',
      `http://${HOST}:${peerPort}`,
      post('/lookup', JSON.stringify({ id: consentId })),
    );
    await run(PEER_GATE, gatePeerUrl, post('/v1/sites/demo/subscribers/lookup', gateBody, jsonAuth));
    // They hold the database open; each mode below starts from the snapshot.
    await stop(peer);
    await stop(gatePeer);
    let next = 0;
    let optedIn = 0;
    let spent = 0;
    let tokens: string[] = [];
    for (const [m, mode] of MODES.entries()) {
      if (m > 0) restore();
      // The same numbers in every mode: each starts from the snapshot, which knows none of them.
      optedIn += next;
      next = 0;
      // Deno is profiled with perf only (its V8 writes the same JIT map); --cpu-prof is Node's.
      assent = start(runtime, entry, [], env(mode), runtime === 'node' ? PROFILE : { perf: !!PERF_DIR });
      servers.push(assent);
      await waitFor(`${base}/healthz`, assent, `${runtime} Assent (${mode})`);
      await settle(join(dataDir, 'assent.db'), `${runtime} ${mode}`);
      await run(CASES.gate, base, post('/v1/sites/demo/subscribers/lookup', gateBody, jsonAuth), {
        target: TARGETS.gate,
        trips: trips.get(CASES.gate)!,
        mode,
      });
      // Before the opt-ins: the confirmation SMS they queue are sent (and logged) in the background for a while after.
      await run(
        CASES.proof,
        base,
        [{ method: 'GET', path: `/proofs/${consentId}`, headers: { accept: 'application/json' } }],
        { trips: trips.get(CASES.proof)!, mode },
      );
      const consent: Request = {
        method: 'POST',
        path: '/v1/sites/demo/consents',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const i = next++;
          const headers = { ...request.headers, 'x-forwarded-for': `10.${(i >> 8) & 255}.${i & 255}.1` };
          return { ...request, headers, body: JSON.stringify({ phone: mobile(i), choice: 'yes', ...doc }) };
        },
      };
      await run(CASES.consent, base, [consent], {
        target: TARGETS.consent,
        trips: trips.get(CASES.consent)!,
        mode,
      });
      // Each confirm POST spends one link the dispatcher delivered for those opt-ins, read from the file of the dev
      // outbox: production keeps none, so the confirm case runs in dev mode only.
      if (mode === 'dev') {
        for (let waited = 0; waited < 60_000; waited += 500) {
          const now = deliveredTokens(dataDir);
          if (now.length >= next || (now.length === tokens.length && now.length > 0 && waited > 5000)) break;
          tokens = now;
          await sleep(500);
        }
        tokens = deliveredTokens(dataDir).slice(2); // the setup's two links are spent already
        const consentRate =
          rows.find((r) => r.base === CASES.consent && r.mode === mode)?.result.requests.average ?? 100;
        const usable = Math.min(tokens.length, Math.round(consentRate * (WARMUP + DURATION) * 1.5));
        // As a browser posts the page's form (no fields): an empty urlencoded body, its length declared.
        const confirm: Request = {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0' },
          setupRequest: (request) => ({ ...request, path: `/c/${tokens[spent++ % tokens.length]}` }),
        };
        const warmup = Math.max(CONNECTIONS, Math.round(usable * (WARMUP / (WARMUP + DURATION))));
        if (usable > 4 * CONNECTIONS)
          await run(
            CASES.confirm,
            base,
            [confirm],
            { trips: trips.get(CASES.confirm)!, mode },
            { warmup, measured: usable - warmup },
          );
        else console.log(`  ${runtime}: confirm POST skipped (${tokens.length} links delivered)`);
      }
      // On a settled server, as the gate: in production the consent case's confirmation SMS (thousands) were still
      // being sent during the bulk gate, on its event loop, while dev mode's confirm case had waited for them.
      if (!ONLY || ONLY.some((word) => CASES.bulk.includes(word)))
        await settle(join(dataDir, 'assent.db'), `${runtime} ${mode}`);
      await run(CASES.bulk, base, post('/v1/sites/demo/subscribers/check', bulkBody, jsonAuth), {
        trips: trips.get(CASES.bulk)!,
        perRequest: BULK,
        mode,
      });
      await stop(assent);
    }
    await run('hello-world (after)', helloUrl, [{ method: 'GET', path: '/' }]);
    if (spent > tokens.length)
      console.log(
        `  note: ${spent} confirm POSTs for ${tokens.length} links; the rest confirmed an already confirmed consent`,
      );
    console.log(
      `  ${runtime}: ${optedIn + next} numbers opted in (the same ones in each mode), ${tokens.length} links delivered, ${Math.min(spent, tokens.length)} confirmed under load`,
    );
    return rows;
  } finally {
    for (const server of servers) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(runtime: Runtime, rows: Row[]): { missed: number; cases: unknown[] } {
  const first = rows[0]!.result.requests.average;
  const last = rows.at(-1)!.result.requests.average;
  // The machine may be shared: the baseline is the mean of a run before and after the Assent cases.
  const baseline = (first + last) / 2;
  // The same in CPU time: the hello-world's CPU per request over the case's (all threads), which the neighbours' load
  // moves much less than throughput.
  const helloCpu = [rows[0], rows.at(-1)].map((r) => r?.cpu?.process ?? NaN);
  const cpuBaseline = (helloCpu[0]! + helloCpu[1]!) / 2;
  /**
   * A case's hello-world: the mean of the one measured just before it and the one just after (the next case's, or the
   * run's last): the machine's speed moved within seconds, and one side alone caught a slow or a fast moment.
   */
  const bracket = (row: Row): { rps: number; cpu: number } | undefined => {
    if (!row.beside) return undefined;
    const at = rows.indexOf(row);
    const next = rows.slice(at + 1).find((r) => r.beside) ?? rows.at(-1)!;
    const after = next.beside ?? { rps: next.result.requests.average, cpu: next.cpu?.process ?? Number.NaN };
    return { rps: (row.beside.rps + after.rps) / 2, cpu: (row.beside.cpu + after.cpu) / 2 };
  };
  /** A row's req/s over its hello-world (bracket), else over the run's baseline. */
  const ratioOf = (row: Row | undefined) =>
    row ? row.result.requests.average / (bracket(row)?.rps ?? baseline) : Number.NaN;
  /** Comparisons between cases (dev/prod, bulk/gate) compare their ratios, each to its own hello-world. */
  const ratioFor = (base: string, mode: Mode | undefined) =>
    ratioOf(rows.find((r) => r.base === base && r.mode === mode));
  const l = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `\n${runtime}: baseline ${baseline.toFixed(0)} req/s (hello-world before ${first.toFixed(0)}, after ${last.toFixed(0)}); each case's ratios are to the hello-world measured around it (beside: the mean of the runs just before and just after)`,
  );
  console.log(
    `${'case'.padEnd(40)}${l('req/s', 8)}${l('numbers/s', 11)}${l('p50 ms', 8)}${l('p99 ms', 8)}${l('ratio', 8)}${l('beside', 8)}${l('target', 8)}${l('trips', 7)}${l('non-2xx', 9)}${l('errors', 8)}${l('dev/prod', 9)}${l('cpu µs', 8)}${l('loop µs', 8)}${l('cpu ratio', 10)}  verdict`,
  );
  let missed = 0;
  const cases = rows.map((row) => {
    const { name, result, trips, perRequest, target, mode, base, cpu } = row;
    const rps = result.requests.average;
    // Against the hello-world measured around the case where there is one, else the run's baseline.
    const beside = bracket(row);
    const cpuRatio = cpu ? (beside && Number.isFinite(beside.cpu) ? beside.cpu : cpuBaseline) / cpu.process : NaN;
    const ratio = ratioOf(row);
    // Targets hold production mode; dev mode (Server-Timing on) is held to within 10 % of production instead.
    const devOverProduction = mode === 'dev' ? ratio / ratioFor(base!, 'production') : NaN;
    let verdict = target === undefined || mode === 'dev' ? '' : ratio >= target ? 'ok' : 'MISSED';
    if (mode === 'dev' && Number.isFinite(devOverProduction))
      verdict = devOverProduction >= TARGETS.devOverProduction ? 'ok' : 'MISSED';
    let note = '';
    if (perRequest) {
      const over = (ratio * perRequest) / ratioFor(CASES.gate, mode);
      note = `  ${over.toFixed(1)}× the gate's numbers/s (target ${TARGETS.bulkOverGate}×)`;
      verdict = over >= TARGETS.bulkOverGate ? 'ok' : 'MISSED';
    }
    // The gate beside the gate written by hand: the same work (auth, number check, blind index, gate read) as a user
    // would write it, which is what the gate's own cost is held against.
    const peer = rows.find((r) => r.name === PEER_GATE);
    if (base === CASES.gate && peer) {
      const over = ratio / ratioOf(peer);
      const cpuOver = cpu && peer.cpu ? peer.cpu.process / cpu.process : Number.NaN;
      note = `  ${over.toFixed(2)}× the hand-written gate's req/s, ${cpuOver.toFixed(2)}× by CPU`;
    }
    if (verdict === 'MISSED') missed++;
    if (result.non2xx > 0 || result.errors + result.timeouts > 0) missed++;
    console.log(
      `${name.padEnd(40)}${l(rps.toFixed(0), 8)}${l(perRequest ? (rps * perRequest).toFixed(0) : '', 11)}${l(result.latency.p50, 8)}${l(result.latency.p99, 8)}` +
        `${l(`${ratio.toFixed(3)}×`, 8)}${l(beside ? beside.rps.toFixed(0) : '', 8)}${l(target === undefined ? '' : `${target}×`, 8)}${l(trips ?? '', 7)}${l(result.non2xx, 9)}${l(result.errors + result.timeouts, 8)}${l(Number.isFinite(devOverProduction) ? devOverProduction.toFixed(2) : '', 9)}` +
        `${l(cpu ? cpu.process.toFixed(0) : '', 8)}${l(cpu ? cpu.main.toFixed(0) : '', 8)}${l(Number.isFinite(cpuRatio) ? `${cpuRatio.toFixed(3)}×` : '', 10)}  ${verdict}${note}`,
    );
    return {
      name,
      rps: Math.round(rps),
      p99: result.latency.p99,
      ratio: Number(ratio.toFixed(3)),
      ...(beside ? { besideRps: Math.round(beside.rps) } : {}),
      trips,
      non2xx: result.non2xx,
      ...(cpu
        ? { cpuUs: Math.round(cpu.process), loopUs: Math.round(cpu.main), cpuRatio: Number(cpuRatio.toFixed(3)) }
        : {}),
      ...(Number.isFinite(devOverProduction) ? { devOverProduction: Number(devOverProduction.toFixed(2)) } : {}),
    };
  });
  return { missed, cases };
}

const runtimes: Runtime[] = (process.env.BENCH_RUNTIMES ?? 'node,deno')
  .split(',')
  .filter((r): r is Runtime => r === 'node' || r === 'deno');
console.log(
  `autocannon: ${CONNECTIONS} connections, ${WARMUP} s warm-up (the hello-world ${HELLO_WARMUP} s) + ${DURATION} s per case, ${HOST} only`,
);
const results: Partial<Record<Runtime, Row[]>> = {};
for (const runtime of runtimes) {
  if (runtime === 'deno' && !denoPresent()) {
    console.log('deno: not installed (npm i), skipped');
    continue;
  }
  results[runtime] = await benchRuntime(runtime);
}
let missed = 0;
const summary: Record<string, unknown> = {};
for (const [runtime, rows] of Object.entries(results) as [Runtime, Row[]][]) {
  const printed = print(runtime, rows);
  missed += printed.missed;
  summary[runtime] = printed.cases;
}
console.log(JSON.stringify(summary));
process.exitCode = missed > 0 ? 1 : 0;
