// Witness cosignatures on a proof's checkpoint, checked against a C2SP tlog-policy (`--policy FILE`): the quorum
// must be met, else the proof is INVALID and the missing witnesses are named. Without a policy, the cosignatures
// present are listed and none is required.
import { parseNote } from '../crypto/note.ts';
import { evaluateQuorum, type Policy } from '../witness/policy.ts';
import type { Check } from './verify-proof.ts';

const time = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** The cosignature lines on a note (signatures of 4 + 8 + 64 bytes), named, unverified. */
function cosignatureLines(note: string): string[] {
  try {
    return parseNote(note)
      .signatures.filter((s) => s.signature.length === 72)
      .map((s) => {
        const t = Number(new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0));
        return `${s.name} (${time(t)})`;
      });
  } catch {
    return [];
  }
}

/** Without a policy: which cosignatures the checkpoint carries (not verified), and that none was required. */
export function describeCosignatures(checkpoint: string | null): string {
  const present = checkpoint ? cosignatureLines(checkpoint) : [];
  return `${present.length ? `witness cosignatures present (not checked): ${present.join(', ')}` : 'no witness cosignature on the checkpoint'}; none required (pass --policy FILE to require a quorum)`;
}

/** With a policy: the quorum check (and, when it lists logs, that one of them signed). */
export async function checkWitnesses(
  checkpoint: string | null,
  policy: Policy,
  options: { now?: number } = {},
): Promise<Check[]> {
  if (checkpoint === null)
    return [
      { name: 'witness-quorum', ok: false, pending: true, detail: 'no signed checkpoint yet to hold to the quorum' },
    ];
  let result: Awaited<ReturnType<typeof evaluateQuorum>>;
  try {
    result = await evaluateQuorum(checkpoint, policy, options);
  } catch (error) {
    return [
      {
        name: 'witness-quorum',
        ok: false,
        detail: `checkpoint unreadable: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
  const checks: Check[] = [];
  if (policy.logs.length > 0) {
    checks.push(
      result.log
        ? { name: 'policy-log', ok: true, detail: `signed by ${result.log}, a log of the policy` }
        : {
            name: 'policy-log',
            ok: false,
            detail: `signed by no log of the policy (${policy.logs.map((l) => l.origin).join(', ')})`,
          },
    );
  }
  const valid = result.witnesses.filter((w) => w.status === 'valid').map((w) => `${w.name} (${time(w.timestamp!)})`);
  const invalid = result.witnesses.filter((w) => w.status === 'invalid').map((w) => `${w.name}: ${w.reason}`);
  const cosigned = valid.length ? `cosigned by ${valid.join(', ')}` : 'cosigned by no witness of the policy';
  const bad = invalid.length ? `; invalid cosignatures: ${invalid.join('; ')}` : '';
  checks.push(
    result.quorumMet
      ? { name: 'witness-quorum', ok: true, detail: `quorum ${policy.quorum} met: ${cosigned}${bad}` }
      : {
          name: 'witness-quorum',
          ok: false,
          detail: `quorum ${policy.quorum} not met: missing ${result.missing.join(', ') || 'none'}; ${cosigned}${bad} (fetch the proof again once its witnesses cosigned a checkpoint covering it)`,
        },
  );
  return checks;
}
