// Each site's transparency log: integrates appended leaves into the tree (storing completed subtree hashes),
// signs C2SP checkpoints with strictly increasing sizes, and answers inclusion and consistency proofs in O(log n).
import type { Statement } from '../../db/client.ts';
import type { LogHead } from '../../db/log.ts';
import { bytesEqual, fromBase64, fromBase64Url, toBase64 } from '../../crypto/encoding.ts';
import {
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionPlan,
  inclusionProof,
  type Hash,
  type NodeKey,
  type NodeReader,
} from '../../crypto/merkle.ts';
import { createNoteSigner, makeVerifierKey, parseNote, signCheckpoint, type NoteSigner } from '../../crypto/note.ts';
import { AppError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';

export const logOrigin = (ctx: Pick<DomainContext, 'publicUrl'>, siteId: string) =>
  `${new URL(ctx.publicUrl).host}/log/${siteId}`;

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

const nodeCaches = new WeakMap<object, Map<string, Map<string, Hash>>>();

/**
 * Node hashes a process read or made for a site, kept between runs (bounded): a stored subtree hash never changes,
 * so the next run usually finds every node it needs here and reads none.
 */
function nodeCache(ctx: DomainContext, siteId: string): Map<string, Hash> {
  let perSite = nodeCaches.get(ctx.log);
  if (!perSite) nodeCaches.set(ctx.log, (perSite = new Map()));
  let cache = perSite.get(siteId);
  if (!cache || cache.size > 4096) perSite.set(siteId, (cache = new Map()));
  return cache;
}

/** Reads stored nodes, remembering each one: a run of appends reads the same left subtrees again and again. */
function dbReader(ctx: DomainContext, siteId: string, known = new Map<string, Hash>()): NodeReader {
  const getMany = async (keys: readonly NodeKey[]) => {
    const missing = keys.filter((k) => !known.has(`${k.level}:${k.index}`));
    const found = missing.length ? await ctx.log.nodes(siteId, missing) : new Map<string, string>();
    for (const [key, hash] of found) known.set(key, fromBase64(hash));
    return keys.map((k) => {
      const key = `${k.level}:${k.index}`;
      const hash = known.get(key);
      if (!hash) throw new Error(`log node ${key} missing`);
      return hash;
    });
  };
  return { getMany, get: async (level, index) => (await getMany([{ level, index }]))[0]! };
}

/** A reader of the site's stored nodes, for proofs computed elsewhere (the witness submitter's consistency proofs). */
export const logProofReader = (ctx: DomainContext, siteId: string): NodeReader => dbReader(ctx, siteId);

export interface IntegrateOptions {
  /** Leaves integrated per run at most: a backlog is worked off over several runs, never in one unbounded one. */
  maxLeaves?: number;
  /** Leaves per commit: each commit moves the head, so a run cut short keeps what it did and the next resumes. */
  chunk?: number;
  /** How long the integrator's lease lasts; a run whose holder vanished blocks others this long at most. */
  leaseMs?: number;
}

export interface IntegrateReport {
  /** False when another integrator holds the site's lease (this run did nothing). */
  ran: boolean;
  /** Leaves integrated by this run. */
  integrated: number;
  /** True when leaves remain after this run (the next run goes on). */
  behind: boolean;
  head: LogHead | null;
}

/**
 * Integrates leaves appended since the head into the tree and signs a new checkpoint, bounded per run and resumable.
 * One integrator per site at a time, by a lease in the database (a dropped run's lease simply expires). Safe even
 * if a lease lapses mid-run: node hashes are deterministic (insert-or-ignore) and the head moves by compare-and-set.
 */
export async function integrate(
  ctx: DomainContext,
  siteId: string,
  options: IntegrateOptions = {},
): Promise<IntegrateReport> {
  const { maxLeaves = 512, chunk = 256, leaseMs = 30_000 } = options;
  const lease = `log:${siteId}`;
  const owner = toBase64(ctx.random(12));
  // One round trip: the lease, the head and the first chunk's leaves (one more, to know whether more wait).
  const run = await ctx.log.startRun(
    siteId,
    ctx.leases.take(lease, owner, ctx.clock(), leaseMs),
    Math.min(chunk, maxLeaves) + 1,
  );
  if (!ctx.leases.held(run.taken, owner)) return { ran: false, integrated: 0, behind: true, head: null };
  let start: { head: LogHead | null; leaves: { idx: number; leafHash: string }[] } | null = run;
  let released = false;
  let integrated = 0;
  let head: LogHead | null = null;
  try {
    const known = nodeCache(ctx, siteId);
    for (;;) {
      const want = Math.min(chunk, maxLeaves - integrated);
      let leaves: { idx: number; leafHash: string }[];
      if (start) {
        ({ head, leaves } = start);
        start = null;
      } else {
        head = await ctx.log.head(siteId);
        leaves = want > 0 ? await ctx.log.leavesFrom(siteId, head?.size ?? 0, want + 1) : [];
      }
      const from = head?.size ?? 0;
      const batch = leaves.slice(0, want);
      if (batch.length === 0) {
        if (head && !(await signedByCurrentKey(ctx, siteId, head))) head = await resign(ctx, siteId, head);
        return { ran: true, integrated, behind: leaves.length > 0, head };
      }
      const reader = dbReader(ctx, siteId, known);
      const nodes: { level: number; index: number; hash: string }[] = [];
      let size = from;
      let root: Hash = head ? fromBase64(head.rootHash) : await emptyRoot();
      for (const leaf of batch) {
        if (leaf.idx !== size) throw new Error(`log ${siteId} has a gap at ${size}`);
        const appended = await appendLeaf(size, fromBase64(leaf.leafHash), reader);
        for (const n of appended.nodes) {
          known.set(`${n.level}:${n.index}`, n.hash);
          nodes.push({ level: n.level, index: n.index, hash: toBase64(n.hash) });
        }
        size++;
        if (size === from + batch.length) root = await appended.root();
      }
      const checkpoint = await signCheckpoint(
        { origin: logOrigin(ctx, siteId), size, rootHash: root },
        await logSigner(ctx, siteId),
      );
      const next = { size, rootHash: toBase64(root), checkpoint, updatedAt: ctx.clock() };
      integrated += batch.length;
      // More than this chunk waiting (the extra leaf read says so) and budget left: keep the lease, go on.
      const last = leaves.length <= batch.length || integrated >= maxLeaves;
      const statements = [...ctx.log.insertNodes(siteId, nodes), ctx.log.advanceHead(siteId, head ? from : null, next)];
      if (last) statements.push(ctx.leases.release(lease, owner));
      await ctx.store.batch(statements as [Statement, ...Statement[]]);
      released = last;
      if (last) return { ran: true, integrated, behind: leaves.length > batch.length, head: { siteId, ...next } };
    }
  } finally {
    // A lease not given back only delays the next run until it expires (leaseMs): noted, never the run's error.
    if (!released) {
      await ctx.store.batch([ctx.leases.release(lease, owner)]).catch((error: unknown) => {
        ctx.logger.warn('log lease not released; it expires on its own', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      });
    }
  }
}

/** Integrates until nothing is left (tools, tests and benches; the jobs use bounded runs). */
export async function catchUp(ctx: DomainContext, siteId: string): Promise<LogHead> {
  for (;;) {
    const run = await integrate(ctx, siteId, { maxLeaves: Number.MAX_SAFE_INTEGER });
    if (run.ran && !run.behind) return run.head!;
    if (!run.ran) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The empty tree's checkpoint, before a site's first integration (signed, not stored: Ed25519 is deterministic). */
async function emptyHead(ctx: DomainContext, siteId: string): Promise<LogHead> {
  const root = await emptyRoot();
  const checkpoint = await signCheckpoint(
    { origin: logOrigin(ctx, siteId), size: 0, rootHash: root },
    await logSigner(ctx, siteId),
  );
  return { siteId, size: 0, rootHash: toBase64(root), checkpoint, updatedAt: ctx.clock() };
}

/**
 * The latest signed checkpoint of a site, read (never integrated) on request: integration is the jobs' work.
 * After a key rotation the head is re-signed once with today's key; before any integration, the empty tree.
 */
export async function latestHead(ctx: DomainContext, siteId: string, known?: LogHead | null): Promise<LogHead> {
  const head = known === undefined ? await ctx.log.head(siteId) : known;
  if (!head) return emptyHead(ctx, siteId);
  return (await signedByCurrentKey(ctx, siteId, head)) ? head : resign(ctx, siteId, head);
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
  return Promise.all(
    ctx.keys.ring.keys.filter((k) => k.kid !== current).map((k) => makeVerifierKey(origin, fromBase64Url(k.x))),
  );
}

export async function inclusion(ctx: DomainContext, siteId: string, index: number, size: number): Promise<string[]> {
  return (await inclusionProof(index, size, dbReader(ctx, siteId))).map(toBase64);
}

/**
 * Inclusion paths of several leaves in one tree, from one read of every node they need (a proof's leaves share most of
 * their paths): which nodes a path needs depends on the index and size only.
 */
export async function inclusions(
  ctx: DomainContext,
  siteId: string,
  indices: readonly number[],
  size: number,
): Promise<string[][]> {
  if (indices.length === 0) return [];
  const keys = new Map<string, NodeKey>();
  for (const index of indices)
    for (const item of inclusionPlan(index, size)) for (const k of item) keys.set(`${k.level}:${k.index}`, k);
  // Stored subtree hashes never change: those this process read or made already are not read again, so a proof
  // of a consent whose paths were served before needs no read of nodes at all.
  const known = nodeCache(ctx, siteId);
  const missing = [...keys].filter(([key]) => !known.has(key)).map(([, k]) => k);
  if (missing.length > 0)
    for (const [key, hash] of await ctx.log.nodes(siteId, missing)) known.set(key, fromBase64(hash));
  const reader = dbReader(ctx, siteId, known);
  return Promise.all(indices.map(async (index) => (await inclusionProof(index, size, reader)).map(toBase64)));
}

export async function consistency(ctx: DomainContext, siteId: string, from: number, to: number): Promise<string[]> {
  const head = await latestHead(ctx, siteId);
  if (!(from >= 1 && from <= to && to <= head.size)) {
    throw new AppError('validation_failed', 422, `Sizes must satisfy 1 ≤ from ≤ to ≤ ${head.size}.`, {
      errors: [{ path: from < 1 || from > to ? 'from' : 'to', message: `Must satisfy 1 ≤ from ≤ to ≤ ${head.size}.` }],
    });
  }
  return (await consistencyProof(from, to, dbReader(ctx, siteId))).map(toBase64);
}
