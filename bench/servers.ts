// Child servers for the HTTP bench on Node or Deno: start (one process, so stopping it stops the server), wait
// until it answers, stop; free ports on 127.0.0.1. Deno is the binary of the npm package, launched as in
// test/runtime/ (`deno run -A --node-modules-dir=manual`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const HOST = '127.0.0.1';
export type Runtime = 'node' | 'deno';
export const denoBin = join(ROOT, 'node_modules/.bin/deno');

export const denoPresent = () =>
  existsSync(denoBin) && spawnSync(denoBin, ['--version'], { stdio: 'ignore', timeout: 20_000 }).status === 0;

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface Server {
  child: ChildProcess;
  log(): string;
}

/** How a Node server is profiled: a V8 CPU profile written to `cpuProf`, or a map of its JIT code for Linux perf. */
export interface Profiling {
  cpuProf?: string;
  perf?: boolean;
}

/** Runs `script args…` on the runtime, profiled as `profiling` says (`cpuProf` on Node only). */
export function start(
  runtime: Runtime,
  script: string,
  args: string[],
  env: Record<string, string>,
  profiling: Profiling = {},
): Server {
  const flags = [
    ...(profiling.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profiling.cpuProf}`] : []),
    // /tmp/perf-<pid>.map names the JIT's functions for `perf report`.
    ...(profiling.perf ? ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'] : []),
  ];
  const [cmd, pre] =
    runtime === 'node'
      ? [process.execPath, [...flags, '--import', 'tsx']]
      : [
          denoBin,
          [
            'run',
            '-A',
            '--node-modules-dir=manual',
            ...(profiling.perf
              ? ['--v8-flags=--perf-basic-prof-only-functions,--interpreted-frames-native-stack,--logfile=/dev/null']
              : []),
          ],
        ];
  const child = spawn(cmd, [...pre, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', ...env },
    // The server's request log goes to stdout; it is part of its cost, so it is written (to nowhere), not turned off.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  return { child, log: () => log };
}

export async function waitFor(url: string, server: Server, what: string, init?: RequestInit) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${what} exited (${server.child.exitCode}): ${server.log()}`);
    if (
      await fetch(url, { ...init, signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer ${url} within 90 s: ${server.log()}`);
}

export async function stop(server: Server | undefined) {
  const child = server?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
