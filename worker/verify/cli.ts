// `assent verify` and the standalone `node verify.mjs`: fetches or reads a proof or an evidence file, its keys,
// runs verifyProof and prints one line per check. I/O is handed in so the logic stays runtime-neutral.

import { parseCheckpoint } from '../crypto/note.ts';
import { documentKind, isEvidence, readDocument, verifyEvidence } from './evidence.ts';
import { formatFactSections, verifiedFacts } from './facts.ts';
import type { KeySet } from './jws.ts';
import { checkNotice } from './notice.ts';
import { verdict, verifyProof, type Check } from './verify-proof.ts';
import { checkWitnesses, describeCosignatures } from './witnesses.ts';
import { parsePolicy, type Policy } from '../witness/policy.ts';
import { checkNow } from './online.ts';

export interface CliIo {
  fetch: typeof fetch;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  stdout(line: string): void;
  stderr(line: string): void;
  /** How the user runs this program, for the usage text (default `assent verify`). */
  program?: string;
  /** The clock (ms since 1970; default Date.now): cosignatures dated more than ten minutes ahead are refused. */
  now?: () => number;
}

export function usage(program = 'assent verify'): string {
  return `Usage: ${program} <proof-url | evidence.json | proof.json> [options]

Options:
  --offline                  never use the network (an evidence file needs none)
  --jwks <file>              JWKS to check the receipt signature (default: the evidence file's copy, or
                             {origin}/.well-known/jwks.json)
  --log-key <key | file>     log verifier key (default: the evidence file's copy, or {origin}/v1/sites/{site}/log)
  --checkpoint <file>        a checkpoint you saved earlier: proves the log only grew since
  --save-checkpoint <file>   save this proof's checkpoint once everything verifies
  --base <url>               server to fetch keys and consistency proofs from, for a proof file
  --policy <file>            a C2SP tlog-policy file: the checkpoint must carry the quorum of witness
                             cosignatures it names (INVALID otherwise, naming the witnesses missing)

Exit status: 0 VALID (all checks pass), 1 INVALID (a check failed), 2 usage error,
3 PENDING (nothing failed, but an event is not yet covered by a signed checkpoint).`;
}

/** Kept for callers that print the default usage. */
export const USAGE = usage();

class UsageError extends Error {}

interface Args {
  target: string;
  jwks?: string;
  logKey?: string;
  checkpoint?: string;
  saveCheckpoint?: string;
  base?: string;
  policy?: string;
  offline?: boolean;
}

const FLAGS: Record<string, 'jwks' | 'logKey' | 'checkpoint' | 'saveCheckpoint' | 'base' | 'policy'> = {
  '--policy': 'policy',
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
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const key = FLAGS[flag];
    if (arg === '--offline') {
      args.offline = true;
    } else if (key) {
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

async function fetchText(io: CliIo, url: string): Promise<string> {
  const response = await io.fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}

/** JSON from the network, read strictly like a file (a key twice at any depth is refused). */
async function fetchJson(io: CliIo, url: string): Promise<unknown> {
  const read = readDocument(await fetchText(io, url), `GET ${url}`);
  if ('check' in read) throw new Error(read.check.detail);
  return read.value;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** The exit status that ends a run early, its message already printed. */
class Exit {
  constructor(readonly status: number) {}
}
/** A step's result, or the Exit that ends the run. */
type Step<T> = T | Exit;

/** What the command line asks, checked before anything is read: the arguments, the policy, the I/O and the base. */
interface Run {
  args: Args;
  policy: Policy | null;
  io: CliIo;
  isUrl: boolean;
  base: string | undefined;
}

/** The keys a proof is checked with: from the flags, the server, or (for an evidence file) the file itself. */
interface Keys {
  jwks?: KeySet;
  verifierKey?: string;
  origin?: string;
  previousVerifierKeys: string[];
}

export async function runCli(argv: string[], cliIo: CliIo): Promise<number> {
  const help = usage(cliIo.program);
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    (argv.length === 0 ? cliIo.stderr : cliIo.stdout)(help);
    return argv.length === 0 ? 2 : 0;
  }
  const run = await prepare(argv, cliIo, help);
  if (run instanceof Exit) return run.status;
  const proof = await readProof(run);
  if (proof instanceof Exit) return proof.status;
  const site = record(record(proof.value).receipt).site;
  const keys = await readKeys(run, proof.value, site);
  if (keys instanceof Exit) return keys.status;
  const saved = await readSaved(run, proof.value, site);
  if (saved instanceof Exit) return saved.status;
  const checks = await check(run, proof.value, site, keys, saved);
  return conclude(run, proof.value, checks);
}

/** The arguments, the policy (a usage error named by its line, before anything is fetched), the I/O and the base. */
async function prepare(argv: string[], cliIo: CliIo, help: string): Promise<Step<Run>> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    cliIo.stderr(`assent: ${(error as Error).message}\n\n${help}`);
    return new Exit(2);
  }
  let policy: Policy | null = null;
  if (args.policy) {
    try {
      policy = await parsePolicy(await cliIo.readFile(args.policy));
    } catch (error) {
      cliIo.stderr(`assent: --policy ${args.policy}: ${(error as Error).message}`);
      return new Exit(2);
    }
  }
  // --offline replaces the network with a refusal, so no code path below can reach it by mistake.
  const io: CliIo = args.offline
    ? {
        ...cliIo,
        fetch: async (input) =>
          Promise.reject(
            new Error(`--offline: refused to fetch ${String(input instanceof Request ? input.url : input)}`),
          ),
      }
    : cliIo;
  const isUrl = /^https?:\/\//i.test(args.target);
  if (args.offline && (isUrl || args.base)) {
    io.stderr(
      `assent: --offline cannot fetch ${args.base ?? args.target}; download the evidence file (…/proofs/ID/evidence) and verify that`,
    );
    return new Exit(2);
  }
  let base: string | undefined;
  try {
    base = args.base ? new URL(args.base).origin : isUrl ? new URL(args.target).origin : undefined;
  } catch {
    io.stderr(`assent: invalid URL ${args.base ?? args.target}`);
    return new Exit(2);
  }
  return { args, policy, io, isUrl, base };
}

/** The proof or evidence file, fetched or read, strictly parsed, of a known `format`. */
async function readProof({ args, io, isUrl, base }: Run): Promise<Step<{ value: unknown }>> {
  let proof: unknown;
  try {
    const read = readDocument(isUrl ? await fetchText(io, args.target) : await io.readFile(args.target), args.target);
    if ('check' in read) return new Exit(refused(io, read.check));
    proof = read.value;
  } catch (error) {
    return new Exit(failed(io, 'fetch-proof', error));
  }
  // Another `format` (or an evidence file stripped of it) is refused, never verified as something it does not say.
  const kind = documentKind(proof);
  if (kind.kind === 'invalid') return new Exit(refused(io, { name: 'proof-format', ok: false, detail: kind.problem }));
  if (!isEvidence(proof) && !base && (!args.jwks || !args.logKey)) {
    io.stderr(
      'assent: a proof file needs --jwks and --log-key, or --base to fetch them (an evidence file needs neither)',
    );
    return new Exit(2);
  }
  return { value: proof };
}

/** The receipt keys (JWKS) and the log's verifier key: pinned by flags, else fetched for a proof file. */
async function readKeys({ args, io, base }: Run, proof: unknown, site: unknown): Promise<Step<Keys>> {
  const keys: Keys = { previousVerifierKeys: [] };
  if (args.jwks || !isEvidence(proof)) {
    try {
      const read = args.jwks
        ? readDocument(await io.readFile(args.jwks), args.jwks)
        : { value: await fetchJson(io, `${base}/.well-known/jwks.json`) };
      if ('check' in read) return new Exit(refused(io, read.check));
      const jwks = read.value as KeySet;
      if (!Array.isArray(jwks?.keys)) throw new Error('JWKS has no "keys" array');
      keys.jwks = jwks;
    } catch (error) {
      return new Exit(failed(io, 'fetch-jwks', error));
    }
  }
  try {
    if (args.logKey) {
      keys.verifierKey = VERIFIER_KEY.test(args.logKey) ? args.logKey : (await io.readFile(args.logKey)).trim();
    } else if (!isEvidence(proof)) {
      if (typeof site !== 'string') throw new Error('receipt has no site, pass --log-key');
      const info = record(await fetchJson(io, `${base}/v1/sites/${encodeURIComponent(site)}/log`));
      if (typeof info.verifierKey !== 'string') throw new Error('log info has no verifierKey');
      keys.verifierKey = info.verifierKey;
      if (typeof info.origin === 'string') keys.origin = info.origin;
      if (Array.isArray(info.previousVerifierKeys)) {
        keys.previousVerifierKeys = info.previousVerifierKeys.filter((k): k is string => typeof k === 'string');
      }
      io.stdout(`i log key ${keys.verifierKey} (from the server; pin it with --log-key)`);
    }
  } catch (error) {
    return new Exit(failed(io, 'fetch-log-key', error));
  }
  return keys;
}

/** --checkpoint: the checkpoint saved earlier and the consistency proof from it to the proof's (fetched online). */
async function readSaved(
  { args, io, base }: Run,
  proof: unknown,
  site: unknown,
): Promise<Step<{ savedCheckpoint?: string; consistency?: string[] }>> {
  if (!args.checkpoint) return {};
  let savedCheckpoint: string;
  try {
    savedCheckpoint = await io.readFile(args.checkpoint);
  } catch (error) {
    return new Exit(failed(io, 'saved-checkpoint', error));
  }
  // Online, an evidence file names its server: the consistency proof comes from there, as the log-now check's does.
  const proofUrl = isEvidence(proof) && !args.offline ? proof.proofUrl : undefined;
  let server = base;
  try {
    server ??= typeof proofUrl === 'string' ? new URL(proofUrl).origin : undefined;
  } catch {
    server = undefined;
  }
  const consistency = await fetchConsistency(io, server, site, savedCheckpoint, record(record(proof).log).checkpoint);
  return { savedCheckpoint, ...(consistency !== undefined && { consistency }) };
}

/** Every check: the evidence file's or the proof's, what the network adds when online, and the witnesses. */
async function check(
  { args, io, base, policy }: Run,
  proof: unknown,
  site: unknown,
  keys: Keys,
  saved: { savedCheckpoint?: string; consistency?: string[] },
): Promise<Check[]> {
  const { jwks, verifierKey, origin, previousVerifierKeys } = keys;
  let checks: Check[];
  if (isEvidence(proof)) {
    describeEvidenceKeys(io, proof.keys, { jwks: Boolean(args.jwks), logKey: Boolean(args.logKey) });
    checks = await verifyEvidence(proof, {
      ...(jwks && { jwks }),
      ...(verifierKey !== undefined && { verifierKey }),
      ...saved,
    });
    // Online: what happened since the file's checkpoint (a withdrawal after the file was saved, say).
    if (!args.offline)
      checks.push(...(await askLogNow(io, proof as unknown as Record<string, unknown>, jwks, verifierKey)));
  } else {
    checks = await verifyProof({
      proof,
      jwks: jwks!,
      verifierKey: verifierKey!,
      ...(origin !== undefined && { origin }),
      ...(previousVerifierKeys.length > 0 && { previousVerifierKeys }),
      ...saved,
    });
    // Online, also check what was shown: the texts and the policy bytes the receipt names, fetched and hashed here.
    if (base && typeof site === 'string') checks.push(...(await onlineNotice(io, base, record(record(proof).receipt))));
  }
  // Witnesses: the quorum of the policy, or (without one) which cosignatures the checkpoint carries.
  const shown = record(record(proof).log).checkpoint;
  if (policy)
    checks.push(
      ...(await checkWitnesses(typeof shown === 'string' ? shown : null, policy, { now: (io.now ?? Date.now)() })),
    );
  else io.stdout(`i ${describeCosignatures(typeof shown === 'string' ? shown : null)}`);
  return checks;
}

/** The checks, the facts proven (an INVALID proof states nothing), the checkpoint saved, the verdict's exit status. */
async function conclude({ args, io }: Run, proof: unknown, checks: Check[]): Promise<number> {
  report(io, checks);
  const result = verdict(checks);
  if (result !== 'INVALID') {
    const heading =
      result === 'VALID'
        ? 'Facts verified (proven by the log):'
        : 'Facts verified so far (proven by the log; PENDING: later events wait for a signed checkpoint):';
    const notice = record(record(record(proof).receipt).notice);
    const policy = `policy version ${String(notice.policyVersion)} (${String(notice.locale)}), whose SHA-256 ${String(notice.policySha256)} the log holds`;
    for (const line of formatFactSections(verifiedFacts(proof), heading, policy)) io.stdout(line);
  }
  if (result !== 'INVALID' && !historyConstrained(checks)) io.stdout(HISTORY_CAVEAT);
  if (result === 'VALID' && args.saveCheckpoint) {
    const checkpoint = String(record(record(proof).log).checkpoint);
    await io.writeFile(args.saveCheckpoint, checkpoint);
    io.stdout(`i checkpoint (size ${parseCheckpoint(checkpoint).size}) saved to ${args.saveCheckpoint}`);
  }
  const failures = checks.filter((c) => !c.ok && !c.pending).length;
  const waiting = checks.filter((c) => c.pending).length;
  const notChecked = checks.filter((c) => c.unchecked).length;
  if (result === 'VALID')
    io.stdout(
      notChecked === 0
        ? `VALID: all ${checks.length} checks passed`
        : `VALID: ${checks.length - notChecked} checks passed; ${notChecked} could not be checked offline`,
    );
  else if (result === 'PENDING')
    io.stdout(
      `PENDING: ${checks.length - waiting} of ${checks.length} checks passed; ${waiting} wait for the log's next signed checkpoint (verify again later)`,
    );
  else io.stdout(`INVALID: ${failures} of ${checks.length} checks failed`);
  if (result !== 'VALID' && args.saveCheckpoint) io.stdout('i checkpoint not saved');
  return result === 'VALID' ? 0 : result === 'PENDING' ? 3 : 1;
}

/**
 * The receipt key and the log key derive from one seed (formats.md §5): whoever holds it can rebuild and sign a
 * rewritten log (back-dated leaves) that every check above accepts. Only something outside the operator pins the
 * history: a witness quorum, a checkpoint saved earlier, or the log asked online whether it only grew.
 */
function historyConstrained(checks: readonly Check[]): boolean {
  return checks.some(
    (c) => c.ok && !c.unchecked && (c.name === 'witness-quorum' || c.name === 'consistency' || c.name === 'log-now'),
  );
}

const HISTORY_CAVEAT =
  "! the log's history rests on the service's key alone: no witness quorum (--policy), no checkpoint saved earlier " +
  '(--checkpoint) and no online consistency check constrained it, and whoever holds the signing key can sign a ' +
  'rewritten log (back-dated events) that passes every check. Check outside this tool: keys obtained independently ' +
  'of this file, a checkpoint you saved earlier or a witness quorum, and the policy text whose SHA-256 the log holds.';

async function askLogNow(
  io: CliIo,
  evidence: Record<string, unknown>,
  jwks: KeySet | undefined,
  verifierKey: string | undefined,
): Promise<Check[]> {
  const keys = record(evidence.keys);
  try {
    const now = await checkNow({
      evidence,
      jwks: jwks ?? (record(keys.jwks) as unknown as KeySet),
      verifierKey: verifierKey ?? String(record(keys.log).verifierKey ?? ''),
      getJson: (url) => fetchJson(io, url),
    });
    if (now) return now;
  } catch (error) {
    io.stdout(
      `i the log could not be asked about later events (${error instanceof Error ? error.message : String(error)}): the status holds as of the file's checkpoint`,
    );
  }
  return [];
}

function refused(io: CliIo, check: Check): number {
  report(io, [check]);
  io.stdout('INVALID: 1 of 1 checks failed');
  return 1;
}

function failed(io: CliIo, name: string, error: unknown): number {
  report(io, [{ name, ok: false, detail: error instanceof Error ? error.message : String(error) }]);
  io.stdout('INVALID: could not read what to verify');
  return 1;
}

/** Says whose keys an evidence file was checked with: a file can carry any key, so the auditor compares or pins. */
function describeEvidenceKeys(io: CliIo, keys: unknown, pinned: { jwks: boolean; logKey: boolean }): void {
  const jwks = record(record(keys).jwks).keys;
  const log = record(record(keys).log);
  const kids = Array.isArray(jwks) ? jwks.map((k) => `kid ${String(record(k).kid)}`).join(', ') : 'none';
  io.stdout(`i receipt key ${pinned.jwks ? '(pinned with --jwks)' : `${kids} (from the evidence file)`}`);
  io.stdout(
    `i log key ${pinned.logKey ? '(pinned with --log-key)' : `${String(log.verifierKey)} (from the evidence file)`}`,
  );
  if (!pinned.jwks || !pinned.logKey) {
    io.stdout(
      "i compare these keys with ones you trust (the site's /.well-known/jwks.json and /v1/sites/SITE/log), or pin them with --jwks and --log-key",
    );
  }
}

async function onlineNotice(io: CliIo, origin: string, receipt: Record<string, unknown>): Promise<Check[]> {
  return checkNotice(receipt, {
    widgetTexts: (s, sha) => fetchJson(io, `${origin}/v1/sites/${encodeURIComponent(s)}/widget/texts/${sha}`),
    policyMarkdown: async (s, version, locale) => {
      const url = `${origin}/p/${encodeURIComponent(s)}/${version}?format=md&locale=${encodeURIComponent(locale)}`;
      const response = await io.fetch(url);
      if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  });
}

/** Consistency hashes between the saved size and the proof's (smaller to larger); undefined lets verifyProof say why. */
async function fetchConsistency(
  io: CliIo,
  base: string | undefined,
  site: unknown,
  saved: string,
  current: unknown,
): Promise<string[] | undefined> {
  try {
    // From the smaller size to the larger: the saved checkpoint may be older or newer than the proof's.
    const sizes = [parseCheckpoint(saved).size, parseCheckpoint(String(current)).size];
    const from = Math.min(...sizes);
    const to = Math.max(...sizes);
    if (from === to || from === 0) return [];
    if (!base || typeof site !== 'string') return undefined;
    const url = `${base}/v1/sites/${encodeURIComponent(site)}/log/consistency?from=${from}&to=${to}`;
    const body = record(await fetchJson(io, url));
    return Array.isArray(body.hashes) ? body.hashes.map(String) : undefined;
  } catch {
    return undefined;
  }
}

function report(io: CliIo, checks: readonly Check[]): void {
  for (const check of checks)
    io.stdout(`${check.unchecked ? '–' : check.ok ? '✓' : check.pending ? '…' : '✗'} ${check.name}: ${check.detail}`);
}
