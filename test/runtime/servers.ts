// Starting real servers for the runtime tests: free ports, temporary data dirs, child processes, and whether a
// runtime's binary is present (a missing one skips its suite unless ASSENT_REQUIRE_RUNTIMES=1).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const ADMIN_TOKEN = 'runtime-admin-token-0123456789abcdef';
export const requireRuntimes = process.env.ASSENT_REQUIRE_RUNTIMES === '1';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `assent-${name}-`));

export const denoBin = join(ROOT, 'node_modules/.bin/deno');

/** Whether `bin --version` runs. */
export function runs(bin: string, args = ['--version']): boolean {
  if (!existsSync(bin)) return false;
  return spawnSync(bin, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

export function workerdPresent(): boolean {
  try {
    return runs(join(ROOT, 'node_modules/.bin/workerd'));
  } catch {
    return false;
  }
}

/** Decides skip or fail for a missing runtime. */
export function availability(name: string, present: boolean): { skip: boolean } {
  if (!present && requireRuntimes) throw new Error(`${name} is missing and ASSENT_REQUIRE_RUNTIMES=1`);
  return { skip: !present };
}

export interface Child {
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startChild(cmd: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls /healthz until it answers 200, the child exits, or the time is up. */
export async function waitHealthy(baseUrl: string, child: Child | null, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child && child.process.exitCode !== null)
      throw new Error(`server exited early:\n${child.output().slice(-2000)}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not healthy after ${ms} ms:\n${child?.output().slice(-2000) ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
