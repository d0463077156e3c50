// The evidence file (`GET /proofs/{id}/evidence`): a proof plus everything needed to check it with no network —
// the signing keys used, the log's verifier key, the policy's exact Markdown and the widget texts shown.
import { utf8 } from '../crypto/encoding.ts';
import type { KeySet } from './jws.ts';
import { checkNotice } from './notice.ts';
import { verifyProof, type Check } from './verify-proof.ts';

export const EVIDENCE_FORMAT = 'assent-evidence/1';

export interface EvidenceKeys {
  /** The JWKS entries that signed this receipt (the `kid` of its JWS header). */
  jwks: KeySet;
  log: { origin: string; verifierKey: string; previousVerifierKeys: string[] };
}

export interface Evidence {
  format: typeof EVIDENCE_FORMAT;
  generatedAt: string;
  proofUrl: string;
  receipt: Record<string, unknown>;
  jws: string;
  log: { checkpoint: string | null; entries: unknown[]; [field: string]: unknown };
  keys: EvidenceKeys;
  notice: {
    /** The policy version's Markdown, byte for byte as served by `?format=md` (UTF-8). */
    policy: { version: number; locale: string; markdown: string } | null;
    /** The object whose RFC 8785 bytes hash to the receipt's `notice.widgetTextSha256`. */
    widgetTexts: { locale: string; policyVersion: number; texts: Record<string, unknown> } | null;
  };
}

export function isEvidence(value: unknown): value is Evidence {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === EVIDENCE_FORMAT;
}

/** Keys the auditor brings from elsewhere; each one given replaces the copy inside the file. */
export interface PinnedKeys {
  jwks?: KeySet;
  verifierKey?: string;
  savedCheckpoint?: string;
  consistency?: string[];
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** Every check of `verifyProof` plus what was shown, all from the file (or the pinned keys). */
export async function verifyEvidence(evidence: Evidence, pins: PinnedKeys = {}): Promise<Check[]> {
  const keys = record(evidence.keys);
  const log = record(keys.log);
  const jwks = pins.jwks ?? (record(keys.jwks) as unknown as KeySet);
  const checks = await verifyProof({
    proof: evidence,
    jwks: Array.isArray(jwks.keys) ? jwks : { keys: [] },
    verifierKey: pins.verifierKey ?? String(log.verifierKey ?? ''),
    ...(typeof log.origin === 'string' && { origin: log.origin }),
    ...(Array.isArray(log.previousVerifierKeys) && { previousVerifierKeys: log.previousVerifierKeys.map(String) }),
    ...(pins.savedCheckpoint !== undefined && { savedCheckpoint: pins.savedCheckpoint }),
    ...(pins.consistency !== undefined && { consistency: pins.consistency }),
  });
  if (checks.length === 1 && !checks[0]!.ok) return checks; // not a proof at all
  const notice = record(evidence.notice);
  checks.push(
    ...(await checkNotice(record(evidence.receipt), {
      widgetTexts: async () => {
        if (!notice.widgetTexts) throw new Error('the file holds no widget texts');
        return notice.widgetTexts;
      },
      policyMarkdown: async () => {
        const markdown = record(notice.policy).markdown;
        if (typeof markdown !== 'string') throw new Error('the file holds no policy Markdown');
        return utf8(markdown);
      },
    })),
  );
  return checks;
}
