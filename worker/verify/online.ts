// Online, after an evidence file verified on its own: asks the log what happened to the consent since the file's
// checkpoint. The proof served now must verify with the same keys, its checkpoint must extend the file's (a
// consistency proof), and its leaves must continue the file's chain; then its facts say the status now, such as
// "withdrawn since …", which a file kept from before the withdrawal cannot say.
import { fromBase64 } from '../crypto/encoding.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { verifyConsistency } from '../crypto/merkle.ts';
import { parseCheckpoint } from '../crypto/note.ts';
import type { KeySet } from './jws.ts';
import { deriveFacts, describeFacts } from './leaf-facts.ts';
import { parseProof } from './proof-format.ts';
import { verdict, verifyProof, type Check } from './verify-proof.ts';

export interface NowOptions {
  /** The evidence file (already verified offline). */
  evidence: { proofUrl?: unknown; log?: unknown; receipt?: unknown };
  jwks: KeySet;
  verifierKey: string;
  getJson(url: string): Promise<unknown>;
}

const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });
const fail = (name: string, detail: string): Check => ({ name, ok: false, detail });

/** The checks of the log as it is now, or null when there is no proof URL to ask (the caller says so). */
export async function checkNow(options: NowOptions): Promise<Check[] | null> {
  const { evidence } = options;
  if (typeof evidence.proofUrl !== 'string') return null;
  const then = parseProof(evidence);
  if (typeof then === 'string' || then.log.checkpoint === null) return null;
  const url = new URL(evidence.proofUrl);
  const current = await options.getJson(url.href);
  const now = parseProof(current);
  if (typeof now === 'string') return [fail('log-now', `the proof served now is not a proof: ${now}`)];
  if (now.receipt.consentId !== then.receipt.consentId)
    return [fail('log-now', 'the proof served now is about another consent')];
  const checks = await verifyProof({ proof: current, jwks: options.jwks, verifierKey: options.verifierKey });
  const result = verdict(checks);
  if (result === 'INVALID') {
    const failed = checks.filter((c) => !c.ok && !c.pending).map((c) => `${c.name} (${c.detail})`);
    return [fail('log-now', `the proof served now does not verify with the same keys: ${failed.join('; ')}`)];
  }
  if (now.log.checkpoint === null) return [fail('log-now', 'the proof served now has no checkpoint')];
  const a = parseCheckpoint(then.log.checkpoint);
  const b = parseCheckpoint(now.log.checkpoint);
  if (a.origin !== b.origin) return [fail('log-now', `the log now is ${b.origin}, the file's is ${a.origin}`)];
  if (b.size < a.size) return [fail('log-now', `the log shrank from ${a.size} to ${b.size} leaves`)];
  let hashes: string[] = [];
  if (a.size > 0 && b.size > a.size) {
    const site = encodeURIComponent(then.receipt.site);
    const body = (await options.getJson(
      `${url.origin}/v1/sites/${site}/log/consistency?from=${a.size}&to=${b.size}`,
    )) as { hashes?: unknown };
    hashes = Array.isArray(body.hashes) ? body.hashes.map(String) : [];
  }
  let consistent = false;
  try {
    consistent = await verifyConsistency(a.size, b.size, hashes.map(fromBase64), a.rootHash, b.rootHash);
  } catch {
    consistent = false;
  }
  if (!consistent)
    return [
      fail('log-now', `the log of ${b.size} leaves does not extend the file's log of ${a.size}: history was rewritten`),
    ];
  // The file's leaves must be the first ones of the consent's chain now, byte for byte.
  const key = (e: { index: number; leaf: Record<string, unknown> }) =>
    `${e.index}:${new TextDecoder().decode(jcsBytes(e.leaf))}`;
  const before = [...then.log.entries].sort((x, y) => x.index - y.index).map(key);
  const after = [...now.log.entries].sort((x, y) => x.index - y.index);
  if (before.some((k, i) => after[i] === undefined || key(after[i]!) !== k)) {
    return [fail('log-now', "the consent's leaves now do not begin with the file's leaves")];
  }
  // A leaf of this consent that the file's own checkpoint already covered, yet the file left out: the file was
  // incomplete when made (a withdrawal left out under a receipt re-signed as "confirmed", say), not merely older.
  const left = after.slice(before.length).find((e) => e.index < a.size);
  if (left) {
    return [
      fail(
        'log-now',
        `the file leaves out leaf ${left.index} (${String(left.leaf.type)}) of this consent, logged before its own checkpoint of size ${a.size}`,
      ),
    ];
  }
  const facts = deriveFacts(after.map((e) => e.leaf));
  if (typeof facts === 'string') return [fail('log-now', facts)];
  const added = after.length - before.length;
  const out = [
    pass(
      'log-now',
      `the log grew from ${a.size} to ${b.size} leaves without rewriting; ${added} later event${added === 1 ? '' : 's'} of this consent`,
    ),
  ];
  const since = facts.withdrawal
    ? `withdrawn since ${facts.withdrawal.at}`
    : facts.erasure
      ? `erased since ${facts.erasure.at}`
      : facts.expiredAt
        ? `expired since ${facts.expiredAt}`
        : describeFacts(facts, b.size)
            .at(-1)!
            .replace(/^status: /, '');
  out.push(
    pass('status-now', `${since} (checkpoint ${b.size}${result === 'PENDING' ? ', later events still pending' : ''})`),
  );
  return out;
}
