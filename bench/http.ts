// HTTP benchmark: a Hono hello-world baseline beside the real Assent Node server (dev mode, fresh data dir),
// measured with autocannon against 127.0.0.1 only: the send gate and the consent POST, as ratios to the baseline;
// and the database round trips per hot route (Server-Timing).
// Run: `npx tsx bench/http.ts` (options in bench/README.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { printRoundTrips } from './round-trips.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const ROOT = resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const DURATION = num('BENCH_DURATION', 8);
const WARMUP = num('BENCH_WARMUP', 2);
const CONNECTIONS = num('BENCH_CONNECTIONS', 20);
const TARGETS = { gate: 0.25, consent: 0.1 };

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function start(args: string[], env: Record<string, string>): { child: ChildProcess; log: () => string } {
  // One process (`node --import tsx`), so stopping it stops the server itself.
  const child = spawn(process.execPath, [...(process.env.PROF_DIR && args[0]?.includes('node.ts') ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.PROF_DIR] : []), '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    // The server's request log goes to stdout; it is part of its cost, so it is written (to nowhere), not turned off.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  return { child, log: () => log };
}

async function waitFor(url: string, server: { child: ChildProcess; log: () => string }, what: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${what} exited (${server.child.exitCode}): ${server.log()}`);
    if (await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer ${url} within 60 s: ${server.log()}`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Distinct valid French mobiles from 06 10 00 00 00 on (06 10 … 06 17 are all mobile ranges). */
const mobile = (i: number) => `06${String(10_000_000 + i)}`;

async function measure(autocannon: Autocannon, url: string, requests: AutocannonRequest[]): Promise<AutocannonResult> {
  const options = { url, connections: CONNECTIONS, pipelining: 1, requests };
  await autocannon({ ...options, duration: WARMUP });
  return autocannon({ ...options, duration: DURATION });
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function main() {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const dataDir = mkdtempSync(join(tmpdir(), 'assent-bench-'));
  const [helloPort, assentPort] = [await freePort(), await freePort()];
  const hello = start(['bench/http.ts', '--hello', String(helloPort)], {});
  // ASSENT_BENCH=1 asks the server to lift its own anti-abuse limits for a load test from one address.
  // First with Server-Timing on, for the round trips per route; the load runs restart it off (as in production).
  const assentEnv = (timing: '0' | '1') => ({
    ASSENT_DATA_DIR: dataDir,
    PORT: String(assentPort),
    HOST,
    ASSENT_MODE: 'dev',
    ASSENT_BENCH: '1',
    ASSENT_SERVER_TIMING: timing,
  });
  let assent = start(['worker/entry/node.ts'], assentEnv('1'));
  try {
    const helloUrl = `http://${HOST}:${helloPort}`;
    const base = `http://${HOST}:${assentPort}`;
    await waitFor(`${helloUrl}/`, hello, 'hello-world');
    await waitFor(`${base}/healthz`, assent, 'Assent');
    const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as { adminToken: string };
    const auth = { authorization: `Bearer ${adminToken}` };

    // The per-IP and per-site limits are site configuration: raise them as an operator would.
    const site = await json<{ config: { limits?: Record<string, number> } }>(await fetch(`${base}/v1/sites/demo`, { headers: auth }), 'read demo');
    await json(
      await fetch(`${base}/v1/sites/demo`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ ...site.config, limits: { ...site.config.limits, perIpPerHour: 10_000, perSitePerDay: 10_000_000 } }),
      }),
      'raise demo limits',
    );

    const widget = await json<{ textSha256: string; policy: { version: number }; locale: string }>(
      await fetch(`${base}/v1/sites/demo/widget?locale=fr`),
      'widget',
    );
    const doc = { textSha256: widget.textSha256, policyVersion: widget.policy.version, locale: widget.locale };

    // One confirmed subscriber for the send gate.
    const confirmedPhone = '+33781234567';
    await json(
      await fetch(`${base}/v1/sites/demo/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '07 81 23 45 67', choice: 'yes', ...doc }),
      }),
      'opt in',
    );
    let token: string | undefined;
    for (let i = 0; i < 100 && !token; i++) {
      const outbox = await json<{ to: string; body: string }[]>(await fetch(`${base}/dev/outbox`), 'outbox');
      token = /\/c\/([A-Za-z0-9_-]{43})/.exec(outbox.find((m) => m.to === confirmedPhone)?.body ?? '')?.[1];
      if (!token) await sleep(100);
    }
    if (!token) throw new Error('no confirmation link reached /dev/outbox');
    await fetch(`${base}/c/${token}`, { method: 'POST' }).then((r) => r.text());
    const gatePath = '/v1/sites/demo/subscribers/lookup';
    const gateHeaders = { ...auth, 'content-type': 'application/json' };
    const gateBody = JSON.stringify({ phone: confirmedPhone });
    const gate = await json<{ status: string; canSend: boolean }>(
      await fetch(`${base}${gatePath}`, { method: 'POST', headers: gateHeaders, body: gateBody }),
      'gate',
    );
    if (gate.status !== 'confirmed' || !gate.canSend) throw new Error(`the bench subscriber is ${gate.status}`);

    const trips = await printRoundTrips(base, auth, doc);
    await stop(assent.child);
    assent = start(['worker/entry/node.ts'], assentEnv('0'));
    await waitFor(`${base}/healthz`, assent, 'Assent');

    let next = 0;
    const consentRequest: AutocannonRequest = {
      method: 'POST',
      path: '/v1/sites/demo/consents',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ phone: mobile(next++), choice: 'yes', ...doc }) }),
    };

    console.log(`autocannon: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per case, ${HOST} only`);
    const rows: { name: string; result: AutocannonResult; target?: number }[] = [];
    const run = async (name: string, url: string, requests: AutocannonRequest[], target?: number) => {
      process.stdout.write(`  ${name}…\n`);
      rows.push({ name, result: await measure(autocannon, url, requests), ...(target ? { target } : {}) });
    };
    await run('hello-world (before)', helloUrl, [{ method: 'GET', path: '/' }]);
    await run('send gate (lookup POST)', base, [{ method: 'POST', path: gatePath, headers: gateHeaders, body: gateBody }], TARGETS.gate);
    await run('consent POST', base, [consentRequest], TARGETS.consent);
    await run('hello-world (after)', helloUrl, [{ method: 'GET', path: '/' }]);

    // The machine may be shared: the baseline is the mean of a run before and after the Assent cases.
    const baseline = (rows[0]!.result.requests.average + rows[3]!.result.requests.average) / 2;
    const pad = (s: string, n: number) => s.padEnd(n);
    const lpad = (s: string, n: number) => s.padStart(n);
    console.log(`\n${pad('case', 22)}${lpad('req/s', 10)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('ratio', 8)}${lpad('target', 8)}${lpad('non-2xx', 9)}${lpad('errors', 8)}  verdict`);
    let missed = 0;
    for (const { name, result, target } of rows) {
      const ratio = result.requests.average / baseline;
      const verdict = target === undefined ? '' : ratio >= target ? 'ok' : 'MISSED';
      if (verdict === 'MISSED') missed++;
      console.log(
        `${pad(name, 22)}${lpad(result.requests.average.toFixed(0), 10)}${lpad(String(result.latency.p50), 9)}${lpad(String(result.latency.p99), 9)}` +
          `${lpad(`${ratio.toFixed(2)}×`, 8)}${lpad(target === undefined ? '' : `${target}×`, 8)}${lpad(String(result.non2xx), 9)}${lpad(String(result.errors + result.timeouts), 8)}  ${verdict}`,
      );
    }
    const consentsMade = next;
    console.log(`\nbaseline (mean of before/after): ${baseline.toFixed(0)} req/s; distinct numbers opted in: ${consentsMade}`);
    const bad = rows.filter((r) => r.result.non2xx > 0 || r.result.errors > 0);
    if (bad.length) console.log(`warning: non-2xx or errors in ${bad.map((r) => r.name).join(', ')} (rate limits not lifted?)`);
    console.log(
      JSON.stringify({
        baseline: Math.round(baseline),
        roundTrips: Object.fromEntries(trips),
        cases: rows.map(({ name, result }) => ({
          name,
          rps: Math.round(result.requests.average),
          p99: result.latency.p99,
          ratio: Number((result.requests.average / baseline).toFixed(3)),
          non2xx: result.non2xx,
        })),
      }),
    );
    process.exitCode = missed > 0 || bad.length > 0 ? 1 : 0;
  } finally {
    await Promise.all([stop(hello.child), stop(assent.child)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- child mode: the hello-world baseline (same framework and adapter as Assent, nothing else) ----
if (process.argv[2] === '--hello') {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  app.get('/', (c) => c.json({ hello: 'world' }));
  serve({ fetch: app.fetch, port: Number(process.argv[3]), hostname: HOST });
} else {
  await main();
}
