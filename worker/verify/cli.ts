// `assent verify`: fetches or reads a proof, its JWKS and log key, runs verifyProof and
// prints one line per check. I/O is handed in so the logic stays runtime-neutral.

import { parseCheckpoint } from '../crypto/note.ts';
import type { Jwks } from '../crypto/signing.ts';
import { checkNotice } from './notice.ts';
import { allPassed, verifyProof, type Check } from './verify-proof.ts';

export interface CliIo {
  fetch: typeof fetch;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  stdout(line: string): void;
  stderr(line: string): void;
}

export const USAGE = `Usage: assent verify <proof-url | proof.json> [options]

Options:
  --jwks <file>              JWKS to check the receipt signature (default: {origin}/.well-known/jwks.json)
  --log-key <key | file>     log verifier key (default: from {origin}/v1/sites/{site}/log)
  --checkpoint <file>        a checkpoint you saved earlier: proves the log only grew since
  --save-checkpoint <file>   save this proof's checkpoint once everything verifies
  --base <url>               server to fetch keys and consistency proofs from, for a proof file

Exit status: 0 all checks pass, 1 a check failed, 2 usage error.`;

class UsageError extends Error {}

interface Args {
  target: string;
  jwks?: string;
  logKey?: string;
  checkpoint?: string;
  saveCheckpoint?: string;
  base?: string;
}

const FLAGS: Record<string, keyof Omit<Args, 'target'>> = {
  '--jwks': 'jwks',
  '--log-key': 'logKey',
  '--checkpoint': 'checkpoint',
  '--save-checkpoint': 'saveCheckpoint',
  '--base': 'base',
};

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'verify') throw new UsageError(command ? `unknown command ${command}` : 'missing command');
  const args: Partial<Args> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = FLAGS[flag];
    if (key) {
      const value = inline ?? rest[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      args[key] = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (args.target === undefined) {
      args.target = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }
  if (!args.target) throw new UsageError('missing proof URL or file');
  return args as Args;
}

const VERIFIER_KEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;

async function fetchJson(io: CliIo, url: string): Promise<unknown> {
  const response = await io.fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    (argv.length === 0 ? io.stderr : io.stdout)(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`assent: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const isUrl = /^https?:\/\//i.test(args.target);
  let base: string | undefined;
  try {
    base = args.base ? new URL(args.base).origin : isUrl ? new URL(args.target).origin : undefined;
  } catch {
    io.stderr(`assent: invalid URL ${args.base ?? args.target}`);
    return 2;
  }
  if (!base && (!args.jwks || !args.logKey)) {
    io.stderr('assent: a proof file needs --jwks and --log-key, or --base to fetch them');
    return 2;
  }

  const failed = (name: string, error: unknown) => {
    report(io, [{ name, ok: false, detail: error instanceof Error ? error.message : String(error) }]);
    return 1;
  };

  let proof: unknown;
  try {
    proof = isUrl ? await fetchJson(io, args.target) : JSON.parse(await io.readFile(args.target));
  } catch (error) {
    return failed('fetch-proof', error);
  }
  const site = record(record(proof).receipt).site;

  let jwks: Jwks;
  try {
    jwks = (args.jwks ? JSON.parse(await io.readFile(args.jwks)) : await fetchJson(io, `${base}/.well-known/jwks.json`)) as Jwks;
    if (!Array.isArray(jwks?.keys)) throw new Error('JWKS has no "keys" array');
  } catch (error) {
    return failed('fetch-jwks', error);
  }

  let verifierKey: string;
  let origin: string | undefined;
  let previousVerifierKeys: string[] = [];
  try {
    if (args.logKey) {
      verifierKey = VERIFIER_KEY.test(args.logKey) ? args.logKey : (await io.readFile(args.logKey)).trim();
    } else {
      if (typeof site !== 'string') throw new Error('receipt has no site, pass --log-key');
      const info = record(await fetchJson(io, `${base}/v1/sites/${encodeURIComponent(site)}/log`));
      if (typeof info.verifierKey !== 'string') throw new Error('log info has no verifierKey');
      verifierKey = info.verifierKey;
      origin = typeof info.origin === 'string' ? info.origin : undefined;
      if (Array.isArray(info.previousVerifierKeys)) {
        previousVerifierKeys = info.previousVerifierKeys.filter((k): k is string => typeof k === 'string');
      }
      io.stdout(`i log key ${verifierKey} (from the server; pin it with --log-key)`);
    }
  } catch (error) {
    return failed('fetch-log-key', error);
  }

  let savedCheckpoint: string | undefined;
  let consistency: string[] | undefined;
  if (args.checkpoint) {
    try {
      savedCheckpoint = await io.readFile(args.checkpoint);
    } catch (error) {
      return failed('saved-checkpoint', error);
    }
    consistency = await fetchConsistency(io, base, site, savedCheckpoint, record(record(proof).log).checkpoint);
  }

  const checks = await verifyProof({
    proof,
    jwks,
    verifierKey,
    ...(origin !== undefined && { origin }),
    ...(previousVerifierKeys.length > 0 && { previousVerifierKeys }),
    ...(savedCheckpoint !== undefined && { savedCheckpoint }),
    ...(consistency !== undefined && { consistency }),
  });
  // Online, also check what was shown: the texts and the policy bytes the receipt names, fetched and hashed here.
  if (base && typeof site === 'string') {
    const origin = base;
    checks.push(
      ...(await checkNotice(record(record(proof).receipt), {
        widgetTexts: (s, sha) => fetchJson(io, `${origin}/v1/sites/${encodeURIComponent(s)}/widget/texts/${sha}`),
        policyMarkdown: async (s, version, locale) => {
          const url = `${origin}/p/${encodeURIComponent(s)}/${version}?format=md&locale=${encodeURIComponent(locale)}`;
          const response = await io.fetch(url);
          if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
          return new Uint8Array(await response.arrayBuffer());
        },
      })),
    );
  }
  report(io, checks);
  const ok = allPassed(checks);
  if (ok && args.saveCheckpoint) {
    const checkpoint = String(record(record(proof).log).checkpoint);
    await io.writeFile(args.saveCheckpoint, checkpoint);
    io.stdout(`i checkpoint (size ${parseCheckpoint(checkpoint).size}) saved to ${args.saveCheckpoint}`);
  }
  const failures = checks.filter((c) => !c.ok).length;
  io.stdout(ok ? `VALID: all ${checks.length} checks passed` : `INVALID: ${failures} of ${checks.length} checks failed`);
  if (!ok && args.saveCheckpoint) io.stdout('i checkpoint not saved');
  return ok ? 0 : 1;
}

/** Consistency hashes from the saved size to the proof's size; undefined lets verifyProof report why. */
async function fetchConsistency(
  io: CliIo,
  base: string | undefined,
  site: unknown,
  saved: string,
  current: unknown,
): Promise<string[] | undefined> {
  try {
    const from = parseCheckpoint(saved).size;
    const to = parseCheckpoint(String(current)).size;
    if (from === to || from === 0 || from > to) return [];
    if (!base || typeof site !== 'string') return undefined;
    const url = `${base}/v1/sites/${encodeURIComponent(site)}/log/consistency?from=${from}&to=${to}`;
    const body = record(await fetchJson(io, url));
    return Array.isArray(body.hashes) ? body.hashes.map(String) : undefined;
  } catch {
    return undefined;
  }
}

function report(io: CliIo, checks: readonly Check[]): void {
  for (const check of checks) io.stdout(`${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
}
