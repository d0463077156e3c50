// Each site's transparency log: integrates appended leaves into the tree (storing completed subtree hashes),
// signs C2SP checkpoints with strictly increasing sizes, and answers inclusion and consistency proofs in O(log n).
import type { LogHead } from '../db/log.ts';
import { bytesEqual, fromBase64, fromBase64Url, toBase64 } from '../crypto/encoding.ts';
import {
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  type Hash,
  type NodeKey,
  type NodeReader,
} from '../crypto/merkle.ts';
import { createNoteSigner, makeVerifierKey, parseNote, signCheckpoint, type NoteSigner } from '../crypto/note.ts';
import { AppError } from '../errors.ts';
import type { DomainContext } from './context.ts';

export const logOrigin = (ctx: Pick<DomainContext, 'publicUrl'>, siteId: string) => `${new URL(ctx.publicUrl).host}/log/${siteId}`;

const signers = new WeakMap<Uint8Array, Map<string, Promise<NoteSigner>>>();

/** The note signer for a site's origin, from the signing key's Ed25519 seed. */
export function logSigner(ctx: Pick<DomainContext, 'keys' | 'publicUrl'>, siteId: string): Promise<NoteSigner> {
  let perSeed = signers.get(ctx.keys.seed);
  if (!perSeed) signers.set(ctx.keys.seed, (perSeed = new Map()));
  const origin = logOrigin(ctx, siteId);
  let signer = perSeed.get(origin);
  if (!signer) perSeed.set(origin, (signer = createNoteSigner({ name: origin, seed: ctx.keys.seed })));
  return signer;
}

export async function verifierKey(ctx: DomainContext, siteId: string): Promise<string> {
  const signer = await logSigner(ctx, siteId);
  return makeVerifierKey(signer.name, signer.publicKey);
}

function dbReader(ctx: DomainContext, siteId: string, overlay = new Map<string, Hash>()): NodeReader {
  const getMany = async (keys: readonly NodeKey[]) => {
    const missing = keys.filter((k) => !overlay.has(`${k.level}:${k.index}`));
    const found = missing.length ? await ctx.log.nodes(siteId, missing) : new Map<string, string>();
    return keys.map((k) => {
      const key = `${k.level}:${k.index}`;
      const hash = overlay.get(key) ?? (found.has(key) ? fromBase64(found.get(key)!) : undefined);
      if (!hash) throw new Error(`log node ${key} missing`);
      return hash;
    });
  };
  return { getMany, get: async (level, index) => (await getMany([{ level, index }]))[0]! };
}

/**
 * Integrates leaves appended since the head into the tree and signs a new checkpoint. Safe with several
 * processes: node hashes are deterministic (insert-or-ignore) and the head moves by compare-and-set.
 */
export async function integrate(ctx: DomainContext, siteId: string, batchSize = 500): Promise<LogHead> {
  for (;;) {
    const head = await ctx.log.head(siteId);
    const from = head?.size ?? 0;
    const leaves = await ctx.log.leavesFrom(siteId, from, batchSize);
    if (head && leaves.length === 0) return (await signedByCurrentKey(ctx, siteId, head)) ? head : resign(ctx, siteId, head);
    const overlay = new Map<string, Hash>();
    const reader = dbReader(ctx, siteId, overlay);
    const nodes: { level: number; index: number; hash: string }[] = [];
    let size = from;
    let root: Hash = head ? fromBase64(head.rootHash) : await emptyRoot();
    for (const leaf of leaves) {
      if (leaf.idx !== size) throw new Error(`log ${siteId} has a gap at ${size}`);
      const appended = await appendLeaf(size, fromBase64(leaf.leafHash), reader);
      for (const n of appended.nodes) {
        overlay.set(`${n.level}:${n.index}`, n.hash);
        nodes.push({ level: n.level, index: n.index, hash: toBase64(n.hash) });
      }
      size++;
      if (size === from + leaves.length) root = await appended.root();
    }
    const checkpoint = await signCheckpoint({ origin: logOrigin(ctx, siteId), size, rootHash: root }, await logSigner(ctx, siteId));
    const next = { size, rootHash: toBase64(root), checkpoint, updatedAt: ctx.clock() };
    const statements = [];
    for (let i = 0; i < nodes.length; i += 200) statements.push(ctx.log.insertNodes(siteId, nodes.slice(i, i + 200)));
    statements.push(ctx.log.advanceHead(siteId, head ? from : null, next));
    await ctx.store.batch(statements as [ (typeof statements)[number], ...(typeof statements)[number][] ]);
    if (leaves.length < batchSize) {
      const now = await ctx.log.head(siteId);
      if (now && now.size >= size) return now;
    }
  }
}

/** Whether a head's checkpoint is signed by today's key (after a rotation it is not, until re-signed). */
async function signedByCurrentKey(ctx: DomainContext, siteId: string, head: LogHead): Promise<boolean> {
  const signer = await logSigner(ctx, siteId);
  return parseNote(head.checkpoint).signatures.some((sig) => bytesEqual(sig.keyHash, signer.keyHash));
}

/** Signs the same tree again with today's key, so proofs verify against the published log key right away. */
async function resign(ctx: DomainContext, siteId: string, head: LogHead): Promise<LogHead> {
  const checkpoint = await signCheckpoint(
    { origin: logOrigin(ctx, siteId), size: head.size, rootHash: fromBase64(head.rootHash) },
    await logSigner(ctx, siteId),
  );
  await ctx.store.batch([ctx.log.advanceHead(siteId, head.size, { ...head, checkpoint, updatedAt: ctx.clock() })]);
  return (await ctx.log.head(siteId)) ?? head;
}

/** Verifier keys of the retired signing keys: checkpoints an auditor saved before a rotation verify with these. */
export async function previousVerifierKeys(ctx: DomainContext, siteId: string): Promise<string[]> {
  const current = ctx.keys.ring.current.kid;
  const origin = logOrigin(ctx, siteId);
  return Promise.all(ctx.keys.ring.keys.filter((k) => k.kid !== current).map((k) => makeVerifierKey(origin, fromBase64Url(k.x))));
}

export async function inclusion(ctx: DomainContext, siteId: string, index: number, size: number): Promise<string[]> {
  return (await inclusionProof(index, size, dbReader(ctx, siteId))).map(toBase64);
}

export async function consistency(ctx: DomainContext, siteId: string, from: number, to: number): Promise<string[]> {
  const head = await integrate(ctx, siteId);
  if (!(from >= 1 && from <= to && to <= head.size)) {
    throw new AppError('validation_failed', 422, `Sizes must satisfy 1 ≤ from ≤ to ≤ ${head.size}.`, {
      errors: [{ path: from < 1 || from > to ? 'from' : 'to', message: `Must satisfy 1 ≤ from ≤ to ≤ ${head.size}.` }],
    });
  }
  return (await consistencyProof(from, to, dbReader(ctx, siteId))).map(toBase64);
}
