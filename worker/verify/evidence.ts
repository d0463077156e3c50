// The evidence file (`GET /proofs/{id}/evidence`): a proof plus everything needed to check it with no network —
// the signing keys used, the log's verifier key, the policy's exact Markdown and the widget texts shown.
import { utf8 } from '../crypto/encoding.ts';
import type { KeySet } from './jws.ts';
import { checkNotice } from './notice.ts';
import { DuplicateKeyError, parseJsonStrict } from './strict-json.ts';
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

/** Members only an evidence file has: a document holding one of them without `format` is a damaged evidence file. */
const EVIDENCE_ONLY = ['keys', 'notice', 'generatedAt', 'proofUrl'] as const;

/**
 * What a document is, never guessed down: an evidence file says `format: "assent-evidence/1"`; a plain proof
 * (`GET /proofs/{id}` as JSON) has no `format` member and none of the evidence file's own members. Anything else (another
 * format, or an evidence file whose `format` was removed) is refused, so a renamed file cannot skip the checks of
 * what was shown.
 */
export function documentKind(value: unknown): { kind: 'evidence' | 'proof' } | { kind: 'invalid'; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'invalid', problem: 'proof: expected a JSON object' };
  if ('format' in value) {
    const format = (value as { format: unknown }).format;
    return format === EVIDENCE_FORMAT
      ? { kind: 'evidence' }
      : {
          kind: 'invalid',
          problem: `format ${JSON.stringify(format)} is not ${EVIDENCE_FORMAT}: this verifier reads no other format`,
        };
  }
  const extra = EVIDENCE_ONLY.filter((member) => member in value);
  if (extra.length > 0) {
    return {
      kind: 'invalid',
      problem: `no "format", yet it holds ${extra.join(', ')}: an evidence file must say "format": "${EVIDENCE_FORMAT}"`,
    };
  }
  return { kind: 'proof' };
}

/** Parses a document as a verifier must (no key twice at any depth), or the failed check that says why it cannot. */
export function readDocument(text: string, what = 'proof'): { value: unknown } | { check: Check } {
  try {
    return { value: parseJsonStrict(text) };
  } catch (error) {
    if (error instanceof DuplicateKeyError)
      return {
        check: {
          name: 'duplicate-keys',
          ok: false,
          detail: `${what}: ${error.message}; JSON readers disagree on which one counts`,
        },
      };
    return { check: { name: 'proof-format', ok: false, detail: `${what} is not JSON: ${(error as Error).message}` } };
  }
}

/** The TypeScript verifier end to end on an evidence file's text: strict JSON, its format, then verifyEvidence. */
export async function verifyEvidenceText(text: string, pins: PinnedKeys = {}): Promise<Check[]> {
  const read = readDocument(text, 'evidence file');
  if ('check' in read) return [read.check];
  return verifyEvidence(read.value, pins);
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
export async function verifyEvidence(document: Evidence | unknown, pins: PinnedKeys = {}): Promise<Check[]> {
  const kind = documentKind(document);
  if (kind.kind !== 'evidence') {
    return [
      {
        name: 'proof-format',
        ok: false,
        detail: kind.kind === 'invalid' ? kind.problem : `not an evidence file: no "format": "${EVIDENCE_FORMAT}"`,
      },
    ];
  }
  const evidence = document as Evidence;
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
      policyMarkdown: async (_site, version, locale) => {
        const policy = record(notice.policy);
        if (typeof policy.markdown !== 'string') throw new Error('the file holds no policy Markdown');
        // The file names the version it carries: it must be the one the receipt cites, or an auditor reads another.
        if (policy.version !== version || policy.locale !== locale) {
          throw new Error(
            `the file's policy says version ${JSON.stringify(policy.version)} (${String(policy.locale)}), the receipt cites version ${version} (${locale})`,
          );
        }
        return utf8(policy.markdown);
      },
    })),
  );
  return checks;
}
