// C2SP tlog-proof@v1: one leaf's inclusion in a signed (and cosigned) checkpoint, as one offline-verifiable text.
// The `extra` line carries the leaf's JCS bytes, so a verifier can recompute the leaf hash (tlog-proof §Format).
import { fromBase64, toBase64 } from '../crypto/encoding.ts';
import { parseCheckpoint } from '../crypto/note.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** §Format: header, optional `extra <base64>`, `index <n>`, inclusion hashes (leaf's sibling first), empty line, checkpoint. */
export function formatTlogProof(proof: {
  index: number;
  inclusion: readonly string[];
  checkpoint: string;
  extra?: Uint8Array;
}): string {
  const extra = proof.extra ? `extra ${toBase64(proof.extra)}\n` : '';
  return `${TLOG_PROOF_HEADER}\n${extra}index ${proof.index}\n${proof.inclusion.map((h) => `${h}\n`).join('')}\n${proof.checkpoint}`;
}

export function parseTlogProof(text: string): {
  index: number;
  inclusion: Uint8Array[];
  checkpoint: string;
  extra: Uint8Array | null;
} {
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw new Error('tlog-proof: no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  if (lines.shift() !== TLOG_PROOF_HEADER) throw new Error(`tlog-proof: the first line must be ${TLOG_PROOF_HEADER}`);
  let extra: Uint8Array | null = null;
  if (lines[0]?.startsWith('extra ')) extra = fromBase64(lines.shift()!.slice(6));
  const index = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  if (!index || !Number.isSafeInteger(Number(index[1]))) throw new Error('tlog-proof: expected `index <n>`');
  const inclusion = lines.map((l) => {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(l)) throw new Error('tlog-proof: an inclusion line is not a base64 hash');
    return fromBase64(l);
  });
  const checkpoint = text.slice(blank + 2);
  parseCheckpoint(checkpoint);
  return { index: Number(index[1]), inclusion, checkpoint, extra };
}
