// Our site checkpoints sent to the witnesses of ASSENT_WITNESS_POLICY (C2SP tlog-witness §add-checkpoint, client
// side): each site's head at most once per interval and only when it grew, 409 answered by resending from the size
// the witness holds, refusals and failures recorded with backoff. Background work: nothing else waits on a witness.
import { appendSignatureLines, checkCosignature, parseSignatureLines } from '../crypto/cosignature.ts';
import { toBase64, toHex } from '../crypto/encoding.ts';
import { consistencyProof } from '../crypto/merkle.ts';
import { parseNote } from '../crypto/note.ts';
import type { Statement } from '../db/client.ts';
import type { WitnessSubmission } from '../db/witness.ts';
import type { DomainContext } from '../domain/context.ts';
import { logProofReader } from '../domain/proof-log/index.ts';
import { safeFetch } from '../net/outbound.ts';
import type { Policy, PolicyWitness } from './policy.ts';

export interface Witnessing {
  policy: Policy;
  /** Least time between two submissions of one site's checkpoint to one witness (ASSENT_WITNESS_INTERVAL), ms. */
  intervalMs: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** The HTTP client under the outbound guard (default: the global fetch). */
  fetch?: typeof fetch;
}

export interface SubmitReport {
  /** Submissions made (a 409 answered by a resend counts once). */
  submitted: number;
  cosigned: number;
  failed: number;
}

/** After a refusal (403, 404, 422, 400): the witness will say the same until someone acts, so wait long. */
const REFUSED_BACKOFF_MS = 3_600_000;
/** After a time-out or a 5xx: from a few seconds, doubling, capped at the interval (or a minute when it is shorter). */
const RETRY_BASE_MS = 5_000;

function backoff(w: Witnessing, failures: number, refused: boolean): number {
  if (refused) return Math.max(REFUSED_BACKOFF_MS, w.intervalMs);
  const cap = Math.max(w.intervalMs, 60_000);
  return Math.min(cap, Math.min(RETRY_BASE_MS, w.intervalMs) * 2 ** Math.min(failures - 1, 16));
}

type Outcome =
  | { kind: 'cosigned'; lines: string[]; timestamp: number }
  | { kind: 'refused'; error: string; heldSize?: number }
  | { kind: 'failed'; error: string };

/** One add-checkpoint exchange: `old`, proof lines, empty line, checkpoint; a 409 is answered once from the size held. */
async function exchange(
  ctx: DomainContext,
  w: Witnessing,
  witness: PolicyWitness,
  site: string,
  head: { size: number; note: string },
  old: number,
): Promise<Outcome> {
  const doFetch = safeFetch(ctx.outbound ?? { allowLocal: false }, w.fetch);
  let from = old;
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof =
      from > 0 && from < head.size ? await consistencyProof(from, head.size, logProofReader(ctx, site)) : [];
    const body = `old ${from}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${head.note}`;
    let response: Response;
    try {
      response = await doFetch(`${witness.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(w.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : 'error';
      return {
        kind: name === 'OutboundRefusedError' ? 'refused' : 'failed',
        error: `${name}: ${error instanceof Error ? error.message.slice(0, 120) : ''}`,
      };
    }
    const text = (await response.text().catch(() => '')).slice(0, 16_384);
    if (response.status === 200) {
      let lines: string[];
      try {
        lines = parseSignatureLines(text);
      } catch {
        return { kind: 'failed', error: '200 without signature lines' };
      }
      // tlog-witness: the client MUST ignore cosignatures from unknown keys; keep only this witness's, once verified.
      const mine = lines.filter((l) => l.startsWith(`\u2014 ${witness.verifier.name} `));
      const check = await checkCosignature(appendSignatureLines(head.note, mine), witness.verifier, {
        now: ctx.clock(),
      });
      if (check.status !== 'valid')
        return { kind: 'failed', error: `200 without a valid cosignature (${check.status})` };
      return { kind: 'cosigned', lines: mine, timestamp: check.timestamp };
    }
    if (response.status === 409) {
      const held = /^(0|[1-9][0-9]{0,15})\n?$/.exec(text)?.[1];
      const size = held === undefined ? NaN : Number(held);
      if (!Number.isSafeInteger(size)) return { kind: 'failed', error: '409 without a size' };
      // The witness holds a tree larger than ours: our log went back (a restore?). Never resend over it.
      if (size > head.size)
        return {
          kind: 'refused',
          error: `409: the witness holds size ${size}, above ours (${head.size})`,
          heldSize: size,
        };
      if (size === from) return { kind: 'failed', error: `409 at the size sent (${size})` };
      from = size;
      continue;
    }
    const refused = [400, 403, 404, 422].includes(response.status);
    return {
      kind: refused ? 'refused' : 'failed',
      error: `HTTP ${response.status}${text.startsWith('{') ? '' : `: ${text.slice(0, 80).trim()}`}`,
    };
  }
  return { kind: 'failed', error: '409 twice' };
}

/**
 * One round over every site with a checkpoint: each witness behind the site's head and out of its wait gets the head.
 * Cosignatures are verified, stored by site, size and witness, and put on the head's checkpoint while it is current.
 */
export async function submitCheckpoints(ctx: DomainContext, w: Witnessing): Promise<SubmitReport> {
  const report: SubmitReport = { submitted: 0, cosigned: 0, failed: 0 };
  const witnesses = w.policy.witnesses.filter((x) => x.url !== null);
  if (witnesses.length === 0) return report;
  // Two reads a round whatever the number of sites: every head, every witness's standing.
  const [heads, standings] = await Promise.all([ctx.witness.heads(), ctx.witness.allSubmissions()]);
  const bySite = new Map<string, WitnessSubmission[]>();
  for (const row of standings) bySite.set(row.siteId, [...(bySite.get(row.siteId) ?? []), row]);
  for (const head of heads) {
    if (head.size === 0) continue;
    const now = ctx.clock();
    const states = new Map((bySite.get(head.siteId) ?? []).map((s) => [s.witness, s]));
    const due = witnesses.filter((x) => {
      const s = states.get(x.name);
      return (s?.cosignedSize ?? 0) < head.size && (s?.nextAttemptAt ?? 0) <= now;
    });
    if (due.length === 0) continue;
    const owner = toBase64(ctx.random(12));
    const lease = `witness:${head.siteId}`;
    if (!(await ctx.leases.acquire(lease, owner, now, 120_000))) continue;
    try {
      // The log's own signature lines only: each witness gets the checkpoint as the log signed it.
      const { text, signatures } = parseNote(head.checkpoint);
      const logLines = signatures
        .filter((s) => s.signature.length === 64)
        .map((s) => `\u2014 ${s.name} ${toBase64(new Uint8Array([...s.keyHash, ...s.signature]))}\n`);
      const note = `${text}\n${logLines.join('')}`;
      const outcomes = await Promise.all(
        due.map(async (x) => ({
          x,
          outcome: await exchange(
            ctx,
            w,
            x,
            head.siteId,
            { size: head.size, note },
            states.get(x.name)?.cosignedSize ?? 0,
          ),
        })),
      );
      const statements: Statement[] = [];
      const at = ctx.clock();
      for (const { x, outcome } of outcomes) {
        report.submitted++;
        const prev = states.get(x.name);
        const row: WitnessSubmission = {
          siteId: head.siteId,
          witness: x.name,
          cosignedSize: prev?.cosignedSize ?? 0,
          cosignedAt: prev?.cosignedAt ?? null,
          lastAttemptAt: at,
          nextAttemptAt: at + w.intervalMs,
          failures: 0,
          lastError: null,
        };
        if (outcome.kind === 'cosigned') {
          report.cosigned++;
          row.cosignedSize = head.size;
          row.cosignedAt = outcome.timestamp * 1000;
          statements.push(
            ctx.witness.saveCosignature({
              siteId: head.siteId,
              size: head.size,
              witness: x.name,
              rootHash: head.rootHash,
              lines: outcome.lines.join(''),
              cosignedAt: outcome.timestamp * 1000,
            }),
          );
        } else {
          report.failed++;
          row.failures = (prev?.failures ?? 0) + 1;
          row.nextAttemptAt = at + backoff(w, row.failures, outcome.kind === 'refused');
          row.lastError = outcome.error.slice(0, 200);
          ctx.logger.warn('witness submission failed', { site: head.siteId, witness: x.name, error: row.lastError });
        }
        statements.push(ctx.witness.saveSubmission(row));
      }
      await ctx.store.batch(statements as [Statement, ...Statement[]]);
      if (report.cosigned > 0) await attachCosignatures(ctx, head.siteId, head.size, head.rootHash, note);
    } finally {
      await ctx.store.batch([ctx.leases.release(lease, owner)]).catch(() => {});
    }
  }
  return report;
}

/** The head's checkpoint with every cosignature stored for its size, in place while the head is still that tree. */
async function attachCosignatures(
  ctx: DomainContext,
  siteId: string,
  size: number,
  rootHash: string,
  note: string,
): Promise<void> {
  const rows = (await ctx.witness.cosignatures(siteId, size)).filter((r) => r.rootHash === rootHash);
  const lines = rows.flatMap((r) => parseSignatureLines(r.lines));
  await ctx.store.batch([ctx.witness.setHeadCheckpoint(siteId, size, rootHash, appendSignatureLines(note, lines))]);
}

/**
 * The cosignature lines on a checkpoint (signature lines of 8 + 64 bytes after the key ID), each with its name, key ID
 * and time, and, when our policy lists that witness, its name there and whether it verified. For people reading a
 * proof; a verifier checks the lines themselves against its own policy.
 */
export async function cosignaturesOn(
  w: Witnessing | undefined,
  checkpoint: string | null,
): Promise<{ name: string; keyId: string; timestamp: string; witness: string | null; verified: boolean | null }[]> {
  if (!checkpoint) return [];
  let signatures: ReturnType<typeof parseNote>['signatures'];
  try {
    signatures = parseNote(checkpoint).signatures;
  } catch {
    return [];
  }
  const out = [];
  for (const sig of signatures) {
    if (sig.signature.length !== 72) continue;
    const seconds = Number(new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0));
    const keyId = toHex(sig.keyHash);
    const known = w?.policy.witnesses.find((x) => x.verifier.name === sig.name && toHex(x.verifier.keyId) === keyId);
    const verified = known ? (await checkCosignature(checkpoint, known.verifier)).status === 'valid' : null;
    out.push({
      name: sig.name,
      keyId,
      timestamp: new Date(seconds * 1000).toISOString(),
      witness: known?.name ?? null,
      verified,
    });
  }
  return out;
}
