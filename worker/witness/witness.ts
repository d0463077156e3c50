// The witness role, C2SP tlog-witness v1.0 §add-checkpoint: cosign a log's checkpoint only when it is consistent
// with the latest one cosigned for that origin, and record it (compare-and-set) before answering.
import type { Cosigner } from '../crypto/cosignature.ts';
import { bytesEqual, fromBase64, fromUtf8, sha256, toBase64, toHex, utf8 } from '../crypto/encoding.ts';
import { emptyRoot, verifyConsistency } from '../crypto/merkle.ts';
import { NoteError, parseCheckpoint, type ParsedCheckpoint } from '../crypto/note.ts';
import type { WitnessRepo } from '../db/witness.ts';
import { AppError, type ProblemCode } from '../errors.ts';
import type { PolicyLog } from './policy.ts';

/** What ASSENT_WITNESS_KEY and ASSENT_WITNESS_LOGS make of a server: its cosigner and the logs it witnesses. */
export interface WitnessRole {
  cosigner: Cosigner;
  /** Our vkey, `name+keyid+base64(0x04 ‖ pub)` (served at GET /witness). */
  vkey: string;
  logs: PolicyLog[];
}

export type AddCheckpointResult = { status: 200; lines: string } | { status: 409; size: number };

/** §add-checkpoint: "The client MUST NOT send more than 63 consistency proof lines." */
const MAX_PROOF_LINES = 63;
const HASH_LINE = /^[A-Za-z0-9+/]{43}=$/;

const bad = (status: 400 | 403 | 404 | 422, code: ProblemCode, path: string, message: string) =>
  new AppError(code, status, message, { errors: [{ path, message }] });

interface Request {
  old: number;
  proof: Uint8Array[];
  note: string;
  checkpoint: ParsedCheckpoint;
}

/** Reads `old <size>\n`, up to 63 base64 hash lines, an empty line, then the signed checkpoint. 400 naming the part. */
export function parseAddCheckpoint(body: Uint8Array): Request {
  let text: string;
  try {
    text = fromUtf8(body);
  } catch {
    throw bad(400, 'malformed_request', '(body)', 'The body is not UTF-8 text.');
  }
  const blank = text.indexOf('\n\n');
  if (blank < 0)
    throw bad(
      400,
      'malformed_request',
      '(body)',
      'Expected an old size line, proof lines, an empty line, then the checkpoint.',
    );
  const head = text.slice(0, blank).split('\n');
  const note = text.slice(blank + 2);
  const oldLine = /^old (0|[1-9][0-9]{0,15})$/.exec(head[0]!);
  if (!oldLine || !Number.isSafeInteger(Number(oldLine[1])))
    throw bad(400, 'malformed_request', 'old', 'The first line must be `old <size>` in decimal without leading zeros.');
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES)
    throw bad(400, 'malformed_request', 'proof', `At most ${MAX_PROOF_LINES} consistency proof lines.`);
  const bad64 = proofLines.findIndex((l) => !HASH_LINE.test(l));
  if (bad64 >= 0)
    throw bad(400, 'malformed_request', `proof.${bad64}`, 'Each proof line must be one base64 SHA-256 hash.');
  let checkpoint: ParsedCheckpoint;
  try {
    checkpoint = parseCheckpoint(note);
  } catch (error) {
    throw bad(
      400,
      'malformed_request',
      'checkpoint',
      `Not a signed checkpoint: ${error instanceof NoteError ? error.message : 'unreadable'}.`,
    );
  }
  return { old: Number(oldLine[1]), proof: proofLines.map(fromBase64), note, checkpoint };
}

/** The note text and only the log's verified signature lines (what the monitoring endpoint serves with ours). */
async function verifiedLogSignatures(role: WitnessRole, checkpoint: ParsedCheckpoint): Promise<string> {
  const keys = role.logs.filter((l) => l.origin === checkpoint.origin);
  if (keys.length === 0)
    throw bad(404, 'unknown_log', 'checkpoint', `This witness does not witness ${checkpoint.origin.slice(0, 200)}.`);
  const message = utf8(checkpoint.body);
  const lines: string[] = [];
  for (const sig of checkpoint.signatures) {
    // signed-note §Signatures: unknown keys are ignored; a known key's signature MUST verify (§add-checkpoint: 403).
    const key = keys.find((k) => k.verifier.name === sig.name && bytesEqual(k.verifier.keyHash, sig.keyHash));
    if (!key) continue;
    if (sig.signature.length !== 64 || !(await key.verifier.verify(message, sig.signature))) {
      throw bad(403, 'bad_log_signature', 'checkpoint', `A signature by ${sig.name} does not verify.`);
    }
    lines.push(`\u2014 ${sig.name} ${toBase64(new Uint8Array([...sig.keyHash, ...sig.signature]))}\n`);
  }
  if (lines.length === 0)
    throw bad(
      403,
      'unknown_log_key',
      'checkpoint',
      `No signature by a known key of ${checkpoint.origin.slice(0, 200)}.`,
    );
  return `${checkpoint.body}\n${lines.join('')}`;
}

/**
 * §add-checkpoint, in the order it lists the checks. The state read, checked against and moved is one row moved by
 * compare-and-set on (size, root): a request that lost a race to another is answered 409 with the size that won.
 */
export async function addCheckpoint(
  role: WitnessRole,
  repo: WitnessRepo,
  body: Uint8Array,
  now: number,
): Promise<AddCheckpointResult> {
  const request = parseAddCheckpoint(body);
  const { checkpoint, old, proof } = request;
  const signed = await verifiedLogSignatures(role, checkpoint);
  if (old > checkpoint.size)
    throw bad(400, 'old_size_too_large', 'old', `The old size ${old} is above the checkpoint size ${checkpoint.size}.`);
  const stored = await repo.checkpoint(checkpoint.origin);
  const storedSize = stored?.size ?? 0;
  if (old !== storedSize) return { status: 409, size: storedSize };
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.rootHash, await emptyRoot())) {
    throw bad(422, 'inconsistent', 'checkpoint', 'A checkpoint of size 0 must have the empty tree root.');
  }
  if (old === 0) {
    if (proof.length > 0) throw bad(422, 'inconsistent', 'proof', 'From size 0 the consistency proof must be empty.');
    // A stored size-0 checkpoint has the empty root too: nothing to compare.
  } else {
    const storedRoot = fromBase64(stored!.rootHash);
    if (!(await verifyConsistency(old, checkpoint.size, proof, storedRoot, checkpoint.rootHash))) {
      throw bad(
        422,
        'inconsistent',
        old === checkpoint.size ? 'checkpoint' : 'proof',
        old === checkpoint.size
          ? `A different root at size ${old}, already cosigned: this witness never cosigns a fork.`
          : `The consistency proof from ${old} to ${checkpoint.size} does not verify against the checkpoint cosigned at ${old}.`,
      );
    }
  }
  const seconds = Math.floor(now / 1000);
  const lines = await role.cosigner.cosign(checkpoint.body, seconds);
  const rootHash = toBase64(checkpoint.rootHash);
  const moved = await repo.advance(
    checkpoint.origin,
    stored ? { size: stored.size, rootHash: stored.rootHash } : null,
    {
      size: checkpoint.size,
      rootHash,
      checkpoint: `${signed}${lines}`,
      updatedAt: now,
    },
  );
  if (!moved) return { status: 409, size: (await repo.checkpoint(checkpoint.origin))?.size ?? 0 };
  return { status: 200, lines };
}

/** The origin a monitoring path's `<hex sha256(origin)>` names among the logs witnessed, or null. */
export async function originForHash(role: WitnessRole, hex: string): Promise<string | null> {
  for (const log of role.logs) if (toHex(await sha256(utf8(log.origin))) === hex) return log.origin;
  return null;
}
