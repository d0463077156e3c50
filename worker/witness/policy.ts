// C2SP tlog-policy files (`log`, `witness`, `group`, `quorum` lines) and the quorum they define: which witnesses'
// cosignatures on a checkpoint verify, and whether that is enough. Pure and WebCrypto-only (the verifier bundles it).
import { checkCosignature, parseCosignatureVerifierKey, type CosignatureVerifier } from '../crypto/cosignature.ts';
import { bytesEqual } from '../crypto/encoding.ts';
import { NoteError, parseNote, parseVerifierKey, type NoteVerifier } from '../crypto/note.ts';

export class PolicyError extends Error {
  override name = 'PolicyError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

export interface PolicyLog {
  /** The log's origin: its vkey's key name (tlog-policy §"Defining a log"). */
  origin: string;
  vkey: string;
  verifier: NoteVerifier;
  url: string | null;
}

export interface PolicyWitness {
  name: string;
  vkey: string;
  verifier: CosignatureVerifier;
  url: string | null;
}

export interface PolicyGroup {
  name: string;
  threshold: number;
  members: string[];
}

export interface Policy {
  logs: PolicyLog[];
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  /** A witness or group name, or `none` (no cosignature required). */
  quorum: string;
}

/** Bounds before anything is parsed (tlog-policy §"Implementation limits" asks for at least 32 of each). */
const MAX_BYTES = 64 * 1024;
const MAX_ENTRIES = 256;

/**
 * Parses a policy file. `quorum` may be absent only with `requireQuorum: false` (a witness's `ASSENT_WITNESS_LOGS`
 * file lists logs alone); then it reads as `none`. Errors name the line.
 */
export async function parsePolicy(text: string, options: { requireQuorum?: boolean } = {}): Promise<Policy> {
  const { requireQuorum = true } = options;
  if (text.length > MAX_BYTES) throw new PolicyError(0, `the policy is larger than ${MAX_BYTES} bytes`);
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const groups: PolicyGroup[] = [];
  const names = new Set<string>(['none']);
  let quorum: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!;
    // §"Character set": tab and newline are the only control characters allowed.
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(line)) throw new PolicyError(n, 'control characters are not allowed');
    const trimmed = line.replace(/^[ \t]+|[ \t]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (logs.length + witnesses.length + groups.length >= MAX_ENTRIES)
      throw new PolicyError(n, `more than ${MAX_ENTRIES} entries`);
    const [keyword, ...args] = trimmed.split(/[ \t]+/);
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw new PolicyError(n, 'expected: log <vkey> [<url>]');
        const verifier = await parseKey(n, () => parseVerifierKey(args[0]!), 'log vkey (signature type 0x01)');
        if (logs.some((l) => bytesEqual(l.verifier.publicKey, verifier.publicKey)))
          throw new PolicyError(n, 'duplicate log key');
        logs.push({ origin: verifier.name, vkey: args[0]!, verifier, url: url(n, args[1]) });
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw new PolicyError(n, 'expected: witness <name> <vkey> [<url>]');
        const name = fresh(n, names, args[0]!);
        const verifier = await parseKey(
          n,
          () => parseCosignatureVerifierKey(args[1]!),
          'witness vkey (signature type 0x04)',
        );
        if (witnesses.some((w) => bytesEqual(w.verifier.publicKey, verifier.publicKey)))
          throw new PolicyError(n, 'duplicate witness key');
        witnesses.push({ name, vkey: verifier.vkey, verifier, url: url(n, args[2]) });
        break;
      }
      case 'group': {
        if (args.length < 3) throw new PolicyError(n, 'expected: group <name> <k|all|any> <member>...');
        const name = fresh(n, names, args[0]!);
        const members = args.slice(2);
        for (const [j, m] of members.entries()) {
          if (m === 'none') throw new PolicyError(n, '`none` cannot be a group member');
          if (!names.has(m)) throw new PolicyError(n, `${m} is not defined on a line before`);
          if (members.indexOf(m) !== j) throw new PolicyError(n, `${m} is listed twice`);
        }
        const k = args[1]!;
        const threshold =
          k === 'all' ? members.length : k === 'any' ? 1 : /^[1-9][0-9]{0,3}$/.test(k) ? Number(k) : NaN;
        if (!(threshold >= 1 && threshold <= members.length))
          throw new PolicyError(n, `threshold must be all, any or 1…${members.length}`);
        groups.push({ name, threshold, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) throw new PolicyError(n, 'expected: quorum <name>');
        if (quorum !== null) throw new PolicyError(n, 'a policy has exactly one quorum line');
        if (!names.has(args[0]!)) throw new PolicyError(n, `${args[0]} is not defined on a line before`);
        quorum = args[0]!;
        break;
      }
      default:
        throw new PolicyError(n, `unknown keyword ${JSON.stringify(keyword!.slice(0, 40))}`);
    }
  }
  if (quorum === null && requireQuorum)
    throw new PolicyError(0, 'the policy has no quorum line (write `quorum none` to require no cosignature)');
  return { logs, witnesses, groups, quorum: quorum ?? 'none' };
}

async function parseKey<T>(n: number, parse: () => Promise<T>, what: string): Promise<T> {
  try {
    return await parse();
  } catch (error) {
    throw new PolicyError(n, `invalid ${what}: ${error instanceof NoteError ? error.message : 'unreadable'}`);
  }
}

function fresh(n: number, names: Set<string>, name: string): string {
  if (names.has(name))
    throw new PolicyError(n, name === 'none' ? '`none` is predefined' : `${name} is already defined`);
  names.add(name);
  return name;
}

function url(n: number, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    return new URL(raw).href.replace(/\/+$/, '');
  } catch {
    throw new PolicyError(n, `invalid URL ${JSON.stringify(raw.slice(0, 80))}`);
  }
}

export interface WitnessStatus {
  name: string;
  status: 'valid' | 'absent' | 'invalid';
  /** POSIX seconds of a valid cosignature. */
  timestamp?: number;
  reason?: string;
}

export interface QuorumResult {
  /** The policy log whose signature verified, or null (with `logs` listed: the checkpoint is refused). */
  log: string | null;
  witnesses: WitnessStatus[];
  met: boolean;
  /** Whether the witnesses' cosignatures alone meet the quorum (whatever the log signature). */
  quorumMet: boolean;
  /** Witnesses of the quorum without a valid cosignature (all of them count toward an unmet quorum). */
  missing: string[];
}

/**
 * tlog-policy §"What is a policy": a checkpoint is valid when signed by a listed log (when any is listed) and the
 * witnesses that cosigned it meet the quorum. A cosignature that matches a witness's name and key ID but fails to
 * verify counts as absent for the quorum and is reported `invalid`.
 */
export async function evaluateQuorum(
  note: string,
  policy: Policy,
  options: { now?: number } = {},
): Promise<QuorumResult> {
  const { text, signatures } = parseNote(note);
  let log: string | null = null;
  for (const l of policy.logs) {
    const mine = signatures.filter((s) => s.name === l.verifier.name && bytesEqual(s.keyHash, l.verifier.keyHash));
    let ok = mine.length > 0;
    for (const s of mine)
      ok = ok && s.signature.length === 64 && (await l.verifier.verify(new TextEncoder().encode(text), s.signature));
    if (ok && text.startsWith(`${l.origin}\n`)) {
      log = l.origin;
      break;
    }
  }
  const witnesses: WitnessStatus[] = [];
  const cosigned = new Set<string>();
  for (const w of policy.witnesses) {
    const check = await checkCosignature(note, w.verifier, options);
    if (check.status === 'valid') {
      cosigned.add(w.name);
      witnesses.push({ name: w.name, status: 'valid', timestamp: check.timestamp });
    } else
      witnesses.push(
        check.status === 'invalid'
          ? { name: w.name, status: 'invalid', reason: check.reason }
          : { name: w.name, status: 'absent' },
      );
  }
  const groups = new Map(policy.groups.map((g) => [g.name, g]));
  const witnessed = (name: string): boolean => {
    if (name === 'none') return true;
    const group = groups.get(name);
    if (!group) return cosigned.has(name);
    return group.members.filter(witnessed).length >= group.threshold;
  };
  const leaves = (name: string): string[] => {
    const group = groups.get(name);
    return group ? group.members.flatMap(leaves) : name === 'none' ? [] : [name];
  };
  const quorumMet = witnessed(policy.quorum);
  const met = quorumMet && (policy.logs.length === 0 || log !== null);
  const missing = [...new Set(leaves(policy.quorum))].filter((name) => !cosigned.has(name));
  return { log, witnesses, met, quorumMet, missing };
}
