import { spawn } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { toBase64 } from '../../worker/crypto/encoding.ts';
import { generateSigningKey } from '../../worker/crypto/signing.ts';
import { join } from 'node:path';
import { openInstance } from './concurrent-writer.ts';
import { startHranaServer } from './hrana-server.ts';
import { ROOT, tempDir } from './servers.ts';

const dir = tempDir('concurrent');
const remoteDir = tempDir('concurrent-remote');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(remoteDir, { recursive: true, force: true });
});

function writer(args: string[], secrets: string, dbUrl?: string): Promise<{ statuses: number[]; sent: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['test/runtime/concurrent-writer.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, TEST_SECRETS: secrets, TEST_DB_URL: dbUrl ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`writer exited ${code}: ${err.slice(-1500)}`)),
    );
  });
}

it('two processes on one file: every opt-in committed, every message sent once, log indices gapless', {
  timeout: 60_000,
}, async () => {
  await twoWriters(dir);
});

it('two processes on one remote libSQL database (the Hrana test server over HTTP): the same guarantees', {
  timeout: 60_000,
}, async () => {
  const server = await startHranaServer({ path: join(remoteDir, 'remote.db') });
  try {
    await twoWriters(remoteDir, server.url);
    expect(server.stats.pipelines).toBeGreaterThan(100); // the writes really went over HTTP
  } finally {
    await server.close();
  }
});

async function twoWriters(dir: string, dbUrl?: string) {
  const secrets = {
    masterKey: toBase64(crypto.getRandomValues(new Uint8Array(32))),
    signingKey: JSON.stringify(await generateSigningKey()),
  };
  const setup = await openInstance(dir, secrets, dbUrl);
  await setup.ensureDemo();
  await setup.store.close();

  const perWriter = 25;
  const startAt = String(Date.now() + 6_000); // both processes booted by then, so their writes overlap
  const [a, b] = await Promise.all([
    writer([dir, '0', String(perWriter), startAt], JSON.stringify(secrets), dbUrl),
    writer([dir, String(perWriter), String(perWriter), startAt], JSON.stringify(secrets), dbUrl),
  ]);
  expect([...a.statuses, ...b.statuses]).toEqual(Array(2 * perWriter).fill(202));

  const check = await openInstance(dir, secrets, dbUrl);
  const q = (sql: string) => check.store.queryColumn(sql);
  const messages = (await q("SELECT id FROM outbox WHERE kind = 'confirm-request' ORDER BY id")).map(String);
  expect(messages).toHaveLength(2 * perWriter);
  const sent = [...a.sent, ...b.sent];
  // Exactly once across both processes: no id twice, none missing.
  expect(sent.length).toBe(new Set(sent).size);
  expect([...sent].sort()).toEqual(messages);
  expect(await q("SELECT count(*) FROM outbox WHERE status <> 'sent'")).toEqual([0]);
  expect(a.sent.length).toBeGreaterThan(0); // both dispatchers actually took part
  expect(b.sent.length).toBeGreaterThan(0);

  const idx = (await q("SELECT idx FROM log_leaves WHERE site_id = 'demo' ORDER BY idx")).map(Number);
  expect(idx).toEqual(idx.map((_, i) => i));
  const events = await q("SELECT count(*) FROM consent_events WHERE site_id = 'demo'");
  expect(idx.length).toBe(Number(events[0])); // every event has its leaf
  expect(Number(events[0])).toBeGreaterThanOrEqual(2 * perWriter);
  await check.store.close();
}
