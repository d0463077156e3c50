// Offline verification of a consent proof: receipt signature, inclusion of its log entries in a signed
// checkpoint, and (given an earlier checkpoint) that the log only grew since. WebCrypto only, no library, so the
// same code runs in the CLI, the standalone verify.mjs and the proof page.

import { bytesEqual, fromBase64, toBase64, toBase64Url } from '../crypto/encoding.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../crypto/merkle.ts';
import { parseCheckpoint, parseVerifierKey, verifyCheckpoint, type ParsedCheckpoint } from '../crypto/note.ts';
import { checkpointEncodingProblem, isCanonicalBase64, jwksProblem, splitVerifierKey } from './canonical.ts';
import { chainBreak, deriveFacts, describeFacts, receiptMismatches } from './leaf-facts.ts';
import { verifyJws, type KeySet } from './jws.ts';
import { receiptShapeProblem } from './receipt-shape.ts';
import { parseProof, type ProofDocument } from './proof-format.ts';

export type { ProofDocument } from './proof-format.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Not failed, not passed yet: the event is logged but no signed checkpoint covers it so far. */
  pending?: boolean;
  /** Could not be checked here (needs the network): not a failure, but not counted as passed either. */
  unchecked?: boolean;
}

export interface VerifyProofOptions {
  /** The proof JSON (`GET /proofs/{id}` with Accept: application/json), or an evidence file. */
  proof: unknown;
  jwks: KeySet;
  /** The log's note verifier key, `name+hash8+base64(0x01‖pubkey)`. */
  verifierKey: string;
  /** Expected checkpoint origin, when known (from `GET /v1/sites/{site}/log`). */
  origin?: string;
  /** Earlier log keys (key rotation): a saved checkpoint may be signed by one of them. */
  previousVerifierKeys?: string[];
  /** A signed checkpoint the auditor saved earlier. */
  savedCheckpoint?: string;
  /**
   * Consistency proof (base64 hashes) from the smaller of the saved and the proof's checkpoint sizes to the larger:
   * a saved checkpoint may be older or newer than the proof's.
   */
  consistency?: string[];
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail });
const wait = (name: string, detail: string): Check => ({ name, ok: false, pending: true, detail });
const unchecked = (name: string, detail: string): Check => ({ name, ok: true, unchecked: true, detail });
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function allPassed(checks: readonly Check[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok);
}

/** VALID when every check passed; PENDING when nothing failed but the log has not yet covered an event. */
export function verdict(checks: readonly Check[]): 'VALID' | 'PENDING' | 'INVALID' {
  if (allPassed(checks)) return 'VALID';
  return checks.length > 0 && checks.every((c) => c.ok || c.pending) ? 'PENDING' : 'INVALID';
}

export async function verifyProof(options: VerifyProofOptions): Promise<Check[]> {
  const parsed = parseProof(options.proof);
  if (typeof parsed === 'string') return [fail('proof-format', parsed)];
  const proof = parsed;
  const checks: Check[] = [pass('proof-format', `${proof.log.entries.length} log entries`)];
  // Refusals that have no check of their own when all is well: a key whose kid is not its thumbprint, a log status
  // that contradicts the entries.
  const badKey = await jwksProblem(options.jwks);
  if (badKey) checks.push(fail('jwks', badKey));
  const status = logStatusProblem(options.proof);
  if (status) checks.push(fail('log-status', status));
  const receipt = await checkReceipt(proof, options.jwks);
  checks.push(...receipt.checks);
  // Exactly the members the format defines: a re-signed receipt cannot add a fact the verifier would not check.
  const shape = receiptShapeProblem(proof.receipt);
  checks.push(
    shape
      ? fail('receipt-shape', shape)
      : pass('receipt-shape', 'exactly the members of the receipt format, the number masked, receiptId = consentId'),
  );

  let checkpoint: ParsedCheckpoint | undefined;
  if (proof.log.checkpoint === null) {
    checks.push(wait('checkpoint-signature', 'the log has signed no checkpoint covering this consent yet'));
  } else {
    try {
      const encoding = checkpointEncodingProblem(proof.log.checkpoint);
      if (encoding) throw new Error(encoding);
      checkpoint = await verifyCheckpoint(proof.log.checkpoint, options.verifierKey);
      checks.push(pass('checkpoint-signature', `${checkpoint.origin} size ${checkpoint.size}, signed by the log key`));
    } catch (error) {
      checks.push(fail('checkpoint-signature', message(error)));
      // Still check inclusion against the claimed root, so the report says everything that is wrong.
      try {
        checkpoint = parseCheckpoint(proof.log.checkpoint);
      } catch {
        checkpoint = undefined;
      }
    }
  }
  const origin = originProblem(proof, options, checkpoint);
  if (origin.problem) checks.push(fail('checkpoint-origin', origin.problem));
  else if (checkpoint) checks.push(pass('checkpoint-origin', `${checkpoint.origin}: ${origin.agree}`));

  for (const entry of proof.log.entries) {
    const label = `${entry.index}`;
    const event = typeof entry.leaf.type === 'string' ? `${entry.leaf.type} ` : '';
    if (entry.leaf.consentId === proof.receipt.consentId) {
      checks.push(pass(`leaf-consent[${label}]`, `${event}event of consent ${proof.receipt.consentId}`));
    } else {
      checks.push(
        fail(
          `leaf-consent[${label}]`,
          `leaf names consent ${String(entry.leaf.consentId)}, not ${proof.receipt.consentId}`,
        ),
      );
    }
    if (entry.inclusion === null) {
      checks.push(
        wait(
          `inclusion[${label}]`,
          `${event}leaf ${entry.index} is logged but no signed checkpoint covers it yet; fetch the proof again later`,
        ),
      );
      continue;
    }
    if (!checkpoint) {
      checks.push(fail(`inclusion[${label}]`, 'no readable checkpoint to check against'));
      continue;
    }
    if (!entry.inclusion.every(isCanonicalBase64)) {
      checks.push(fail(`inclusion[${label}]`, `a hash of the path for leaf ${entry.index} is not canonical base64`));
      continue;
    }
    let ok = false;
    try {
      const hash = await leafHash(jcsBytes(entry.leaf));
      ok = await verifyInclusion(
        hash,
        entry.index,
        checkpoint.size,
        entry.inclusion.map(fromBase64),
        checkpoint.rootHash,
      );
    } catch {
      ok = false;
    }
    checks.push(
      ok
        ? pass(`inclusion[${label}]`, `${event}leaf ${entry.index} is in the tree of size ${checkpoint.size}`)
        : fail(`inclusion[${label}]`, `path for leaf ${entry.index} does not lead to the checkpoint root`),
    );
  }

  checks.push(...(await checkLeafFacts(proof, checkpoint)));
  checks.push(await checkKeyLogged(proof, options, receipt.kid, checkpoint));
  if (options.savedCheckpoint !== undefined) {
    checks.push(...(await checkConsistency(options, checkpoint)));
  }
  return checks;
}

/**
 * The key that signed the receipt must be announced in the log (a `key-announced` leaf for this site, naming its
 * kid and public key and the log key in use), proven included in the checkpoint: a swapped key would have to be
 * logged. Not yet announced, or announced after the checkpoint: PENDING, never VALID.
 */
async function checkKeyLogged(
  proof: ProofDocument,
  options: VerifyProofOptions,
  kid: string | null,
  checkpoint: ParsedCheckpoint | undefined,
): Promise<Check> {
  const name = 'receipt-key-logged';
  if (kid === null) return fail(name, 'no verified receipt key to look for in the log');
  const x = options.jwks.keys.find((k) => k.kid === kid)?.x;
  const entry = (proof.log.keys ?? []).find((e) => e.leaf.type === 'key-announced' && e.leaf.kid === kid);
  if (!entry) {
    // The server announces a key before it signs with it (formats.md §7(5)): once the checkpoint covers every event
    // of the consent, a missing announcement is not late, it is a key the log never announced.
    const covered = proof.log.checkpoint !== null && proof.log.entries.every((e) => e.inclusion !== null);
    return covered
      ? fail(name, `the log never announced key ${kid}, though the checkpoint covers every event of this consent`)
      : wait(name, `the log holds no announcement of key ${kid} in this proof yet; fetch the proof again later`);
  }
  const jwk = entry.leaf.jwk as { x?: unknown } | undefined;
  if (entry.leaf.site !== proof.receipt.site)
    return fail(name, `the announcement is for site ${String(entry.leaf.site)}, not ${proof.receipt.site}`);
  if (!jwk || jwk.x !== x) return fail(name, `the log announces another public key under kid ${kid}`);
  // The log key is derived from the same seed as the receipt key: the key checked must be the announced one (its
  // name, the origin, is checked against the checkpoint; a host or port seen differently does not change the key).
  let logKey: string;
  try {
    logKey = toBase64Url((await parseVerifierKey(options.verifierKey)).publicKey);
  } catch {
    return fail(name, 'the log key checked is not a verifier key');
  }
  if (logKey !== jwk.x) return fail(name, `the log key checked is not the key announced with ${kid}`);
  if (entry.inclusion === null || proof.log.checkpoint === null)
    return wait(name, `key ${kid} is announced at leaf ${entry.index}, not yet covered by a checkpoint`);
  if (!checkpoint) return fail(name, 'no readable checkpoint to check the announcement against');
  let ok = false;
  try {
    ok = await verifyInclusion(
      await leafHash(jcsBytes(entry.leaf)),
      entry.index,
      checkpoint.size,
      entry.inclusion.map(fromBase64),
      checkpoint.rootHash,
    );
  } catch {
    ok = false;
  }
  return ok
    ? pass(name, `key ${kid} announced at leaf ${entry.index} of the log`)
    : fail(name, `the announcement's path (leaf ${entry.index}) does not lead to the checkpoint root`);
}

/**
 * The consent's leaves, in index order, must form one unbroken chain, and the receipt must state exactly what they
 * say (status, times, methods, what was shown): a receipt signed with the operator's key cannot say otherwise.
 */
async function checkLeafFacts(proof: ProofDocument, checkpoint: ParsedCheckpoint | undefined): Promise<Check[]> {
  const ordered = [...proof.log.entries].sort((a, b) => a.index - b.index);
  if (ordered.some((e, i) => i > 0 && e.index === ordered[i - 1]!.index))
    return [fail('leaf-chain', 'two entries share one index')];
  const broken = await chainBreak(ordered);
  const checks = [
    broken ? fail('leaf-chain', broken) : pass('leaf-chain', `${ordered.length} leaves, each naming the one before`),
  ];
  const facts = deriveFacts(ordered.map((e) => e.leaf));
  if (typeof facts === 'string')
    return [...checks, fail('receipt-facts', `the leaves do not read as one consent: ${facts}`)];
  const wrong = receiptMismatches(proof.receipt, facts);
  const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';
  checks.push(
    wrong.length === 0
      ? pass('receipt-facts', describeFacts(facts, checkpoint?.size).join('; '))
      : fail(
          'receipt-facts',
          wrong.map((m) => `receipt.${m.field} says ${show(m.receipt)}, the leaves say ${show(m.leaves)}`).join('; '),
        ),
  );
  return checks;
}

/** The receipt's signature checks, and the kid that verified it (null when none did), verified once. */
async function checkReceipt(proof: ProofDocument, jwks: KeySet): Promise<{ checks: Check[]; kid: string | null }> {
  try {
    const verified = await verifyJws(proof.jws, jwks);
    const expected = jcsBytes(proof.receipt);
    const checks = [
      pass(
        'receipt-signature',
        `EdDSA signature by key ${verified.kid} (RFC 7638 thumbprint recomputed: ${verified.thumbprint})`,
      ),
      bytesEqual(verified.payload, expected)
        ? pass('receipt-payload', 'signed payload is exactly the canonical receipt')
        : fail('receipt-payload', 'the receipt shown differs from the signed one'),
    ];
    return { checks, kid: verified.kid };
  } catch (error) {
    return { checks: [fail('receipt-signature', message(error))], kid: null };
  }
}

async function checkConsistency(options: VerifyProofOptions, current: ParsedCheckpoint | undefined): Promise<Check[]> {
  let saved: ParsedCheckpoint | undefined;
  let lastError: unknown;
  // A checkpoint saved before a key rotation is signed by an earlier log key.
  for (const key of [options.verifierKey, ...(options.previousVerifierKeys ?? [])]) {
    try {
      saved = await verifyCheckpoint(options.savedCheckpoint!, await parseVerifierKey(key));
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!saved) return [fail('saved-checkpoint', `saved checkpoint does not verify: ${message(lastError)}`)];
  const checks = [pass('saved-checkpoint', `${saved.origin} size ${saved.size}`)];
  if (!current) return [...checks, fail('consistency', 'no readable current checkpoint')];
  if (saved.origin !== current.origin) {
    return [...checks, fail('consistency', `saved checkpoint is for ${saved.origin}, not ${current.origin}`)];
  }
  // Either may be the older: the smaller tree must be a prefix of the larger, proven in that direction.
  const [small, large] = saved.size <= current.size ? [saved, current] : [current, saved];
  const which = small === saved ? 'the saved log' : "the proof's log";
  const hashes = options.consistency ?? (small.size === large.size || small.size === 0 ? [] : undefined);
  if (!hashes)
    return [
      ...checks,
      unchecked(
        'consistency',
        `cannot be checked offline: the saved checkpoint (size ${saved.size}) and the proof's (size ${current.size}) need a consistency proof from the log; run it online (a proof URL, or an evidence file with its proofUrl) or with --base URL`,
      ),
    ];
  let ok = false;
  try {
    ok = await verifyConsistency(small.size, large.size, hashes.map(fromBase64), small.rootHash, large.rootHash);
  } catch {
    ok = false;
  }
  const detail = ok
    ? `log of ${small.size} leaves (root ${toBase64(small.rootHash).slice(0, 12)}…) is a prefix of the log of ${large.size}`
    : `the log of ${large.size} leaves does not extend ${which} of ${small.size}: history was rewritten`;
  return [...checks, ok ? pass('consistency', detail) : fail('consistency', detail)];
}

/**
 * The log's name must be one everywhere: the log key's name (a note key is named for its origin), the receipt's
 * `log.origin`, the origin the log or evidence file announces and the checkpoint's origin line.
 */
function originProblem(
  proof: ProofDocument,
  options: VerifyProofOptions,
  checkpoint: ParsedCheckpoint | undefined,
): { problem?: string; agree: string } {
  const named: [string, unknown][] = [
    ['the log key is named', splitVerifierKey(options.verifierKey.trim())?.[0]],
    ["the receipt's log.origin is", (proof.receipt.log as { origin?: unknown } | undefined)?.origin],
  ];
  if (options.origin !== undefined) named.push(['the log announces', options.origin]);
  if (checkpoint) named.push(['the checkpoint is for', checkpoint.origin]);
  const [first, ...rest] = named;
  const other = rest.find(([, value]) => value !== first![1]);
  if (other)
    return {
      problem: `${first![0]} ${JSON.stringify(first![1])}, but ${other[0]} ${JSON.stringify(other[1])}`,
      agree: '',
    };
  return {
    agree: `the log key's name, the receipt's log.origin${options.origin !== undefined ? ', the announced origin' : ''} and the checkpoint agree`,
  };
}

/** `log.status` is `included` exactly when no event waits for a checkpoint, else `pending`; never anything else. */
function logStatusProblem(document: unknown): string | null {
  const log = (document as { log?: Record<string, unknown> }).log ?? {};
  const waiting =
    (Array.isArray(log.pending) ? log.pending.length : 0) +
    (Array.isArray(log.entries)
      ? log.entries.filter((e) => (e as { inclusion?: unknown })?.inclusion == null).length
      : 0);
  if (log.status !== 'included' && log.status !== 'pending')
    return `log.status is ${JSON.stringify(log.status)}, not "included" or "pending"`;
  const expected = waiting === 0 && log.checkpoint != null ? 'included' : 'pending';
  if (log.status !== expected)
    return `log.status says ${log.status}, but ${waiting} event(s) wait for a signed checkpoint: it must say ${expected}`;
  return null;
}
