// The shape of a proof document, checked by hand (no schema library, so the standalone verifier stays one small
// file). Events the latest checkpoint does not cover yet are listed in `log.pending`, without inclusion paths.

export interface ProofEntry {
  index: number;
  leaf: Record<string, unknown> & { consentId?: unknown; type?: unknown };
  /** Base64 sibling hashes up to the checkpoint root; null while no signed checkpoint covers the leaf. */
  inclusion: string[] | null;
}

export interface ProofDocument {
  receipt: Record<string, unknown> & { consentId: string; site: string };
  jws: string;
  log: { checkpoint: string | null; entries: ProofEntry[]; keys: ProofEntry[] | null };
}

const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The proof, or a message naming the first field that is wrong (`log.entries.0.inclusion.2: …`). */
export function parseProof(value: unknown): ProofDocument | string {
  if (!isObject(value)) return 'proof: expected an object';
  const { receipt, jws, log } = value;
  if (!isObject(receipt)) return 'receipt: expected an object';
  for (const field of ['consentId', 'site'] as const) {
    if (typeof receipt[field] !== 'string' || receipt[field] === '')
      return `receipt.${field}: expected a non-empty string`;
  }
  if (typeof jws !== 'string' || jws === '') return 'jws: expected a non-empty string';
  if (!isObject(log)) return 'log: expected an object';
  // Missing parts only make the verdict PENDING, never VALID, so accepting them here cannot hide a forgery.
  const checkpoint = log.checkpoint ?? null;
  if (checkpoint !== null && (typeof checkpoint !== 'string' || checkpoint === '')) {
    return 'log.checkpoint: expected a signed checkpoint';
  }
  if (!Array.isArray(log.entries)) return 'log.entries: expected an array';
  if (log.pending !== undefined && !Array.isArray(log.pending)) return 'log.pending: expected an array';
  // `pending` lists events logged after the latest checkpoint: same shape, no inclusion path yet.
  const listed = [
    ...log.entries.map((entry, i) => ({ entry, at: `log.entries.${i}` })),
    ...((log.pending as unknown[] | undefined) ?? []).map((entry, i) => ({
      entry: isObject(entry) ? { ...entry, inclusion: null } : entry,
      at: `log.pending.${i}`,
    })),
  ];
  if (listed.length === 0) return 'log.entries: expected at least one entry';
  const entries = readEntries(listed);
  if (typeof entries === 'string') return entries;
  // `keys`: the log's announcement of the receipt's signing key, with its inclusion path (null while pending).
  let keys: ProofEntry[] | null = null;
  if (log.keys !== undefined) {
    if (!Array.isArray(log.keys)) return 'log.keys: expected an array';
    const read = readEntries(log.keys.map((entry, i) => ({ entry, at: `log.keys.${i}` })));
    if (typeof read === 'string') return read;
    keys = read;
  }
  return {
    receipt: receipt as ProofDocument['receipt'],
    jws,
    log: { checkpoint: checkpoint as string | null, entries, keys },
  };
}

function readEntries(listed: { entry: unknown; at: string }[]): ProofEntry[] | string {
  const entries: ProofEntry[] = [];
  for (const { entry, at } of listed) {
    if (!isObject(entry)) return `${at}: expected an object`;
    if (!Number.isSafeInteger(entry.index) || (entry.index as number) < 0)
      return `${at}.index: expected a non-negative integer`;
    if (!isObject(entry.leaf)) return `${at}.leaf: expected an object`;
    const inclusion = entry.inclusion ?? null;
    if (inclusion !== null && !Array.isArray(inclusion)) {
      return `${at}.inclusion: expected an array of base64 hashes`;
    } else if (inclusion !== null) {
      const bad = inclusion.findIndex((h) => typeof h !== 'string' || !BASE64_HASH.test(h));
      if (bad >= 0) return `${at}.inclusion.${bad}: expected a base64 SHA-256 hash`;
    }
    entries.push({ index: entry.index as number, leaf: entry.leaf, inclusion: inclusion as string[] | null });
  }
  return entries;
}
