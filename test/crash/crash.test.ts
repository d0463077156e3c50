// A real crash: the Node server is killed with SIGKILL in the middle of a burst of opt-ins. After a restart on the
// same data dir, every opt-in that was answered 202 exists and got exactly one confirmation message.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BURST = 200;
const CONCURRENCY = 20;
/** Kill once this many answers came back: the other workers then have requests in flight. */
const KILL_AFTER = 70;

const children = new Set<ChildProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'assent-crash-'));
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Server {
  child: ChildProcess;
  base: string;
  output: () => string;
}

/**
 * The dispatcher's claim on a message lasts 60 s (`leaseMs` in worker/domain/messaging/dispatcher.ts): a message
 * claimed just before the kill is retried only once its lease has run out. The restarted server's clock reads this
 * much ahead (test/crash/clock-ahead.ts), as if the restart had come a minute after the kill, so such a message is
 * due at once instead of after a minute of waiting: the same claim, expiry and retry, a minute sooner.
 */
const RESTART_CLOCK_AHEAD_MS = 61_000;

/**
 * The real entry in one process (`node --import tsx`, not `npx`, so SIGKILL hits the server itself); `clockAheadMs`
 * moves its wall clock forward (test/crash/clock-ahead.ts).
 */
async function startServer(clockAheadMs = 0): Promise<Server> {
  const port = await freePort();
  const preload = clockAheadMs > 0 ? ['--import', './test/crash/clock-ahead.ts'] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, 'worker/entry/node.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ASSENT_TEST_CLOCK_AHEAD_MS: String(clockAheadMs),
      ASSENT_DATA_DIR: dataDir,
      PORT: String(port),
      ASSENT_MODE: 'dev',
      HOST: '127.0.0.1',
      ASSENT_BENCH: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${output.slice(-2000)}`);
    const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base, output: () => output };
    await sleep(150);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output.slice(-2000)}`);
}

/** Distinct valid French mobiles: 06 10 00 00 00, 06 10 00 00 01, … */
const numberAt = (i: number) => {
  const national = `06${String(10_000_000 + i)}`;
  return { typed: national.match(/../g)!.join(' '), e164: `+33${national.slice(1)}` };
};

/**
 * The burst comes from one address, so the demo's per-IP hourly limit is raised the way an operator would
 * (PUT /v1/sites/demo); the server also gets ASSENT_BENCH=1 for any limit the configuration does not cover.
 */
async function liftLimits(base: string, adminToken: string) {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const current = (await (await fetch(`${base}/v1/sites/demo`, { headers })).json()) as {
    config: { limits?: Record<string, number> };
  };
  const config = {
    ...current.config,
    limits: { ...current.config.limits, perIpPerHour: 10_000, perSitePerDay: 1_000_000 },
  };
  const res = await fetch(`${base}/v1/sites/demo`, { method: 'PUT', headers, body: JSON.stringify(config) });
  if (res.status !== 200) throw new Error(`could not raise the demo limits: ${res.status} ${await res.text()}`);
}

type Outcome = { i: number; status: number | 'error' };

async function burst(server: Server, doc: { textSha256: string; policyVersion: number; locale: string }) {
  const outcomes: Outcome[] = [];
  let next = 0;
  let answered = 0;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    server.child.kill('SIGKILL');
  };
  async function worker() {
    while (next < BURST) {
      const i = next++;
      let status: number | 'error' = 'error';
      try {
        const res = await fetch(`${server.base}/v1/sites/demo/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
          body: JSON.stringify({ phone: numberAt(i).typed, choice: 'yes', ...doc }),
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 'error';
      }
      outcomes.push({ i, status });
      if (status !== 'error' && ++answered >= KILL_AFTER) kill();
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  kill();
  return outcomes;
}

describe('SIGKILL in the middle of a burst of opt-ins', () => {
  it('loses no acknowledged opt-in and sends each exactly one confirmation', { timeout: 110_000 }, async () => {
    const first = await startServer();
    const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
      adminToken: string;
    };
    await liftLimits(first.base, adminToken);
    const res = await fetch(`${first.base}/v1/sites/demo/widget?locale=fr`);
    expect(res.status).toBe(200);
    const widget = (await res.json()) as { textSha256: string; policy: { version: number }; locale: string };
    const doc = { textSha256: widget.textSha256, policyVersion: widget.policy.version, locale: widget.locale };

    const outcomes = await burst(first, doc);
    await new Promise<void>((done) =>
      first.child.exitCode !== null || first.child.signalCode !== null
        ? done()
        : first.child.once('exit', () => done()),
    );
    expect(first.child.signalCode).toBe('SIGKILL');

    const accepted = outcomes.filter((o) => o.status === 202).map((o) => o.i);
    const failed = outcomes.filter((o) => o.status === 'error').map((o) => o.i);
    const other = outcomes.filter((o) => o.status !== 202 && o.status !== 'error');
    const histogram = JSON.stringify(
      outcomes.reduce<Record<string, number>>((acc, o) => ((acc[o.status] = (acc[o.status] ?? 0) + 1), acc), {}),
    );
    // The kill really landed mid-burst: some were acknowledged, some were cut off.
    expect(accepted.length, histogram).toBeGreaterThanOrEqual(KILL_AFTER - CONCURRENCY);
    expect(failed.length).toBeGreaterThan(0);
    expect(other, histogram).toEqual([]);

    const second = await startServer(RESTART_CLOCK_AHEAD_MS);
    const restarted = Date.now();
    const confirmations = async () => {
      const list = (await (await fetch(`${second.base}/dev/outbox`)).json()) as { to: string; body: string }[];
      const byNumber = new Map<string, number>();
      for (const m of list)
        if (/\/c\/[A-Za-z0-9_-]{43}/.test(m.body)) byNumber.set(m.to, (byNumber.get(m.to) ?? 0) + 1);
      return { total: list.length, byNumber };
    };

    // Wait until every acknowledged opt-in has its message and the outbox has stopped growing. A message claimed
    // just before the kill waits out its lease (60 s) before it is retried: at once here, the restarted server's
    // clock being a minute ahead; were it not, the wait below would still see the retry, a minute later.
    const deadline = Date.now() + 80_000;
    let seen = await confirmations();
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      await sleep(500);
      const now = await confirmations();
      if (now.total !== seen.total) stableSince = Date.now();
      seen = now;
      const allThere = accepted.every((i) => (now.byNumber.get(numberAt(i).e164) ?? 0) >= 1);
      if (allThere && Date.now() - stableSince > 2500) break;
    }

    console.info(
      `crash: ${accepted.length} acknowledged, ${failed.length} cut off; outbox settled ${Math.round((Date.now() - restarted) / 1000)} s after restart`,
    );
    const statuses = new Map<number, string>();
    for (const i of [...accepted, ...failed]) {
      const gate = await fetch(`${second.base}/v1/sites/demo/subscribers/lookup`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ phone: numberAt(i).e164 }),
      });
      expect(gate.status).toBe(200);
      statuses.set(i, ((await gate.json()) as { status: string }).status);
    }
    for (const i of accepted) {
      expect(statuses.get(i), `opt-in ${i} was acknowledged`).toBe('pending');
      expect(seen.byNumber.get(numberAt(i).e164) ?? 0, `confirmations for opt-in ${i}`).toBe(1);
    }
    // Cut-off requests either committed whole (consent and its message) or not at all.
    for (const i of failed) {
      const count = seen.byNumber.get(numberAt(i).e164) ?? 0;
      expect([statuses.get(i), count]).toSatisfy(
        ([s, n]: [string, number]) => (s === 'pending' && n === 1) || (s === 'none' && n === 0),
      );
    }
    expect(seen.total).toBe([...seen.byNumber.values()].reduce((a, b) => a + b, 0));

    // What the server printed (both runs) never holds a full number: the console provider masks it.
    for (const text of [first.output(), second.output()]) {
      for (const i of accepted.slice(0, 20)) {
        const { e164, typed } = numberAt(i);
        expect(text).not.toContain(e164);
        expect(text).not.toContain(e164.slice(3));
        expect(text).not.toContain(typed);
      }
    }
    second.child.kill('SIGTERM');
    await new Promise((done) => second.child.once('exit', done));
  });
});
