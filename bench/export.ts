// Export bench: seeds 10^5 confirmed subscribers into a file database, then streams them from the real Node server
// as NDJSON and as CSV while sampling the server's resident memory. Prints rows/s and the RSS growth (the budget is
// < 50 MB); not a test. Run: `npx tsx bench/export.ts` (BENCH_EXPORT_ROWS to change the count; 127.0.0.1 only).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { contextFromDeps } from '../worker/app.ts';
import { fromBase64 } from '../worker/crypto/encoding.ts';
import { signingKeysFrom } from '../worker/crypto/keys.ts';
import { applyFilePragmas, libsqlStore } from '../worker/db/libsql.ts';
import { createNodeSealer } from '../worker/entry/node/sealer.ts';
import { silentLogger } from '../worker/logger.ts';
import { seedConfirmed } from '../test/routes/seed-subscribers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const ROWS = Number(process.env.BENCH_EXPORT_ROWS) > 0 ? Number(process.env.BENCH_EXPORT_ROWS) : 100_000;
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/entry/node.ts'], {
    cwd: ROOT,
    env: { ...process.env, ASSENT_DATA_DIR: dataDir, PORT: String(port), HOST, ASSENT_MODE: 'dev' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    if (
      await fetch(`http://${HOST}:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await sleep(200);
  }
  throw new Error('the server did not start within 60 s');
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Resident set size of a process, in bytes (Linux /proc; elsewhere `ps`). */
function rss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  } catch {
    return 0;
  }
}

async function seed(dataDir: string): Promise<void> {
  const secrets = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
    masterKey: string;
    signingKey: string;
  };
  const client = createClient({ url: `file:${join(dataDir, 'assent.db')}`, concurrency: 1 });
  await applyFilePragmas(client);
  const store = libsqlStore(client);
  const { ctx } = contextFromDeps({
    store,
    sealer: createNodeSealer({
      masterKey: fromBase64(secrets.masterKey),
      random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    }),
    mode: 'dev',
    publicUrl: `http://${HOST}`,
    adminToken: null,
    keys: await signingKeysFrom(secrets.signingKey),
    providerFor: () => {
      throw new Error('the seed sends nothing');
    },
    logger: silentLogger,
  });
  const started = performance.now();
  await seedConfirmed({ ctx, now: () => Date.now() }, ROWS, { batch: 1000 });
  console.log(
    `seeded ${ROWS.toLocaleString('en')} confirmed subscribers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await store.close();
}

async function exportOnce(base: string, token: string, format: 'ndjson' | 'csv', pid: number) {
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rss(pid)), 20);
  const started = performance.now();
  const res = await fetch(`${base}/v1/sites/demo/subscribers?status=confirmed&format=${format}`, {
    headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' },
  });
  if (!res.ok || !res.body) throw new Error(`export ${format}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const byte of value) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  samples.push(rss(pid));
  return { rows: format === 'csv' ? lines - 1 : lines, bytes, seconds, peak: Math.max(...samples) };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'assent-export-bench-'));
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  try {
    // A first start creates the database, the demo site and the dev secrets; the seed then writes beside it.
    await stopServer(await startServer(dataDir, port));
    await seed(dataDir);
    const server = await startServer(dataDir, port);
    const { adminToken } = JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as {
      adminToken: string;
    };
    try {
      // Warm up (JIT, statement cache) on a first page, then let the heap settle before the baseline.
      await fetch(`${base}/v1/sites/demo/subscribers?status=confirmed&limit=1000`, {
        headers: { authorization: `Bearer ${adminToken}` },
      }).then((r) => r.text());
      await sleep(1500);
      const baseline = rss(server.pid!);
      console.log(`server RSS before exporting: ${(baseline / MB).toFixed(1)} MB`);
      console.log('format   rows      MB out   seconds   rows/s    peak RSS   growth');
      for (const format of ['ndjson', 'csv'] as const) {
        const r = await exportOnce(base, adminToken, format, server.pid!);
        if (r.rows !== ROWS) throw new Error(`${format}: ${r.rows} rows streamed, ${ROWS} expected`);
        console.log(
          `${format.padEnd(8)} ${String(r.rows).padEnd(9)} ${(r.bytes / MB).toFixed(1).padEnd(8)} ${r.seconds.toFixed(1).padEnd(9)} ${Math.round(
            r.rows / r.seconds,
          )
            .toString()
            .padEnd(9)} ${(r.peak / MB).toFixed(1).padEnd(6)} MB  ${((r.peak - baseline) / MB).toFixed(1)} MB`,
        );
      }
    } finally {
      await stopServer(server);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
