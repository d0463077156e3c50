// `assent monitor <log URL>`: follows a site's log from its tiles, pass after pass, keeping what it verified in a
// state file; prints what it checked, and both checkpoints when they conflict. Exit 0 OK, 1 a check failed, 2 usage.
import type { CliIo } from './cli.ts';
import { monitorPass, originOf, type MonitorState } from './monitor.ts';

export function monitorUsage(program = 'assent'): string {
  return `Usage: ${program} monitor <log URL, e.g. https://HOST/log/SITE> [options]

Options:
  --log-key <key | file>   the log's verifier key (default: the state file's; on first use, the server's, trusted
                           on first use: compare it with one you trust, or pin it)
  --state <file>           what the last pass verified (default ./assent-monitor-<host>-<site>.json)
  --consent <id>           list every event of this consent found in the log (reads every entry again)
  --watch <seconds>        run a pass every so many seconds until a check fails (default: one pass)

Exit status: 0 the log only grew and every entry verified, 1 a check failed (bad signature, fork, entries that do
not hash to the tree, unreachable log), 2 usage error.`;
}

class UsageError extends Error {}

interface MonitorArgs {
  log: URL;
  logKey?: string;
  state?: string;
  consent?: string;
  watch?: number;
}

const FLAGS = { '--log-key': 'logKey', '--state': 'state', '--consent': 'consent', '--watch': 'watch' } as const;
const VERIFIER_KEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;

function parseArgs(argv: string[]): MonitorArgs {
  const values: Partial<Record<(typeof FLAGS)[keyof typeof FLAGS], string>> = {};
  let target: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const key = FLAGS[flag as keyof typeof FLAGS];
    if (key) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      values[key] = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (target === undefined) target = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!target) throw new UsageError('missing log URL');
  let log: URL;
  try {
    log = new URL(target.replace(/\/+$/, ''));
  } catch {
    throw new UsageError(`invalid URL ${target}`);
  }
  if (!/^https?:$/.test(log.protocol) || !/\/log\/[^/]+$/.test(log.pathname))
    throw new UsageError(`${target} is not a log URL (https://HOST/log/SITE)`);
  const watch = values.watch === undefined ? undefined : Number(values.watch);
  if (watch !== undefined && !(Number.isFinite(watch) && watch >= 1))
    throw new UsageError('--watch takes a number of seconds, at least 1');
  return {
    log,
    ...(values.logKey && { logKey: values.logKey }),
    ...(values.state && { state: values.state }),
    ...(values.consent && { consent: values.consent }),
    ...(watch && { watch }),
  };
}

const siteOf = (log: URL) => decodeURIComponent(log.pathname.slice(log.pathname.lastIndexOf('/') + 1));

async function readState(io: CliIo, path: string): Promise<MonitorState | null> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as MonitorState;
  if (state.format !== 'assent-monitor/1' || !Array.isArray(state.edge) || typeof state.checkpoint !== 'string') {
    throw new Error(`${path} is not an assent monitor state file`);
  }
  return state;
}

export async function runMonitor(argv: string[], io: CliIo): Promise<number> {
  const help = monitorUsage();
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(help);
    return 0;
  }
  let args: MonitorArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`assent monitor: ${(error as Error).message}\n\n${help}`);
    return 2;
  }
  const log = args.log.href.replace(/\/+$/, '');
  const statePath =
    args.state ??
    `./assent-monitor-${args.log.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${siteOf(args.log).replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
  let state: MonitorState | null;
  let verifierKey: string;
  try {
    state = await readState(io, statePath);
    if (state && state.origin !== originOf(log)) throw new Error(`${statePath} follows ${state.log}, not ${log}`);
    if (args.logKey) {
      verifierKey = VERIFIER_KEY.test(args.logKey) ? args.logKey : (await io.readFile(args.logKey)).trim();
      io.stdout(`i log key ${verifierKey} (pinned with --log-key)`);
    } else if (state) {
      verifierKey = state.verifierKey;
      io.stdout(`i log key ${verifierKey} (from ${statePath}, trusted since its first pass)`);
    } else {
      verifierKey = await serverKey(io, args.log);
      io.stdout(
        `i log key ${verifierKey} (from the server, trusted on first use: compare it with one you trust, or pin it with --log-key)`,
      );
    }
  } catch (error) {
    io.stdout(`✗ setup: ${(error as Error).message}`);
    return 1;
  }

  for (;;) {
    const code = await pass(io, { log, verifierKey, state, statePath, ...(args.consent && { consent: args.consent }) });
    if (code !== 0 || args.watch === undefined) return code;
    state = await readState(io, statePath);
    await new Promise((resolve) => setTimeout(resolve, args.watch! * 1000));
  }
}

/** The verifier key the log's server publishes (GET {host}/v1/sites/{site}/log). */
async function serverKey(io: CliIo, log: URL): Promise<string> {
  const url = `${log.origin}/v1/sites/${encodeURIComponent(siteOf(log))}/log`;
  const response = await io.fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const key = ((await response.json()) as { verifierKey?: unknown }).verifierKey;
  if (typeof key !== 'string') throw new Error(`${url} names no verifierKey`);
  return key;
}

async function pass(
  io: CliIo,
  input: { log: string; verifierKey: string; state: MonitorState | null; statePath: string; consent?: string },
): Promise<number> {
  let result: Awaited<ReturnType<typeof monitorPass>>;
  try {
    result = await monitorPass({ ...input, fetch: io.fetch });
  } catch (error) {
    io.stdout(`✗ read: ${(error as Error).message}`);
    io.stdout('FAILED: could not read the log');
    return 1;
  }
  if (!result.ok) {
    io.stdout(`✗ ${result.problem}: ${result.detail}`);
    for (const [name, text] of [
      ['saved checkpoint', result.saved],
      ['served checkpoint', result.served],
    ] as const) {
      if (text !== undefined) io.stdout(`  ${name}:\n${text.replace(/^/gm, '    ').trimEnd()}`);
    }
    if (result.problem === 'signature') {
      io.stdout(
        'i after a key rotation the log signs with its new key: check that key (/v1/sites/SITE/log lists the earlier ones) and pass it with --log-key',
      );
    }
    io.stdout(
      result.problem === 'fork'
        ? 'FORK: the log is not an extension of what was verified before'
        : `FAILED: ${result.problem}`,
    );
    return 1;
  }
  const { from, size, read, events } = result;
  io.stdout(`✓ checkpoint: ${originOf(input.log)} size ${size}, signature verified`);
  io.stdout(
    !input.state
      ? `✓ tree: all ${size} entries read and hashed into the tree to the signed root`
      : input.consent !== undefined
        ? `✓ consistent: size ${from} → ${size}, all ${read} entries read again: the tree passes through the saved root to the signed one`
        : `✓ consistent: size ${from} → ${size}, ${read} entries read, each hashed into the tree to the signed root`,
  );
  if (input.consent !== undefined) {
    io.stdout(`i consent ${input.consent}: ${events.length} event${events.length === 1 ? '' : 's'}`);
    for (const e of events) io.stdout(`  #${e.index} ${e.type} ${e.at}`);
  }
  await io.writeFile(input.statePath, `${JSON.stringify(result.state, null, 2)}\n`);
  io.stdout(`OK: log verified up to size ${size}; state saved to ${input.statePath}`);
  return 0;
}
