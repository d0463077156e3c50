// Go's own transparency-log code reads our tiles (test/log/go/tlogcheck.go, golang.org/x/mod/sumdb/tlog and note):
// the checkpoint verifies with the published key, the tiles hash to its root, a leaf of a full and of a partial bundle
// is proved included, and a later checkpoint is consistent with an earlier one; a checkpoint of a rewritten log (same
// keys, same origin, other leaves) is not. Skipped without Go, unless ASSENT_REQUIRE_RUNTIMES=1.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { availability } from '../runtime/servers.ts';
import { growLog } from './fill.ts';

const GOPATH = process.env.GOPATH ?? '/usr/share/gocode';
const goEnv = { ...process.env, GOPATH, GO111MODULE: 'off' };
const goPresent =
  spawnSync('go', ['version'], { stdio: 'ignore', timeout: 20_000 }).status === 0 &&
  existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/tlog'));
const { skip } = availability(
  'go with golang.org/x/mod (apt-get install golang-go golang-golang-x-mod-dev)',
  goPresent,
);

let h: Harness;
let server: ServerType;
let base: string;
let dir: string;
let checker: string;
let oldCheckpoint: string;

/** Runs the checker without blocking: it reads from the server in this process. */
const check = (index: number, old = oldCheckpoint) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      checker,
      ['-base', base, '-site', 'demo', '-old', old, '-index', String(index)],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });

describe.skipIf(skip)('Go sumdb/tlog against our tiles', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assent-go-tlog-'));
    checker = join(dir, 'tlogcheck');
    const built = spawnSync('go', ['build', '-o', checker, 'tlogcheck.go'], {
      cwd: new URL('./go', import.meta.url).pathname,
      env: goEnv,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(built.status, built.stderr).toBe(0);
    // The server is bound first so the log's origin is the address the checker reads.
    server = serve({ fetch: (req) => h.app.fetch(req), port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await makeHarness({ publicUrl: base });
    await growLog(h, 600);
    oldCheckpoint = join(dir, 'old-checkpoint');
    await writeFile(oldCheckpoint, await (await h.app.request('/log/demo/checkpoint')).text());
    await growLog(h, 333);
  }, 180_000);
  afterAll(async () => {
    server?.close();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('verifies the checkpoint, the tree from tiles, inclusion from entry bundles and consistency with the older checkpoint', async () => {
    const size = (await h.ctx.log.head('demo'))!.size;
    const oldSize = Number((await readFile(oldCheckpoint, 'utf8')).split('\n')[1]);
    expect(size % 256).not.toBe(0);
    expect(oldSize).toBeLessThan(size);
    for (const index of [100, 511, size - 1]) {
      const run = await check(index);
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      const leaf = (await h.ctx.log.leavesFrom('demo', index, 1))[0]!;
      // Go's record hash of our entry is the leaf hash we stored.
      expect(run.stdout.trim()).toBe(
        `OK origin=${new URL(base).host}/log/demo size=${size} old=${oldSize} index=${index} record=${leaf.leafHash}`,
      );
    }
  }, 120_000);

  it('refuses consistency with a checkpoint of a rewritten log: same keys, same origin, other leaves', async () => {
    const fork = await makeHarness({ publicUrl: base });
    try {
      await growLog(fork, 700);
      const forked = join(dir, 'forked-checkpoint');
      await writeFile(forked, await (await fork.app.request('/log/demo/checkpoint')).text());
      const run = await check(5, forked);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^FAIL consistency \d+ → \d+/);
    } finally {
      await fork.close();
    }
  }, 120_000);
});
