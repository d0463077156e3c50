// RFC 9162 Merkle tree hashing, proofs and their verification, computed from stored
// hashes of completed perfect subtrees so every operation reads O(log n) nodes.

import { bytesEqual, concatBytes, sha256 } from './encoding.ts';

export type Hash = Uint8Array;

/** Node (level, index) is the root of the perfect subtree over leaves [index·2^level, (index+1)·2^level). */
export interface NodeKey {
  level: number;
  index: number;
}

export interface StoredNode extends NodeKey {
  hash: Hash;
}

/** Read access to completed subtree hashes. A reader throws when asked for a node it lacks. */
export interface NodeReader {
  get(level: number, index: number): Promise<Hash>;
  /** Optional batch read (one DB query); results in the order of `keys`. */
  getMany?(keys: readonly NodeKey[]): Promise<Hash[]>;
}

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export function leafHash(data: Uint8Array): Promise<Hash> {
  return sha256(concatBytes(LEAF_PREFIX, data));
}

export function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Promise<Hash> {
  return sha256(new Uint8Array(0));
}

function assertSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

/** Largest level such that 2^level <= n (n >= 1). */
function floorLog2(n: number): number {
  let level = 0;
  while (2 ** (level + 1) <= n) level++;
  return level;
}

/**
 * Perfect subtrees, left to right, whose fold is MTH(D[start:end]). Valid for the
 * ranges the RFC recursion produces: start is a multiple of a power of two >= end-start.
 */
export function rangeKeys(start: number, end: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let pos = start;
  while (pos < end) {
    const level = floorLog2(end - pos);
    keys.push({ level, index: pos / 2 ** level });
    pos += 2 ** level;
  }
  return keys;
}

/** Left-to-right subtree hashes folded right to left, as MTH nests them. */
async function fold(hashes: Hash[]): Promise<Hash> {
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = await nodeHash(hashes[i]!, acc);
  return acc;
}

async function readAll(reader: NodeReader, keys: readonly NodeKey[]): Promise<Hash[]> {
  if (keys.length === 0) return [];
  if (reader.getMany) {
    const hashes = await reader.getMany(keys);
    if (hashes.length !== keys.length) throw new Error('NodeReader.getMany returned the wrong number of nodes');
    return hashes;
  }
  return Promise.all(keys.map((k) => reader.get(k.level, k.index)));
}

/** Resolve a plan (each item a list of subtree keys to fold) with one batched read. */
async function resolvePlan(plan: NodeKey[][], reader: NodeReader): Promise<Hash[]> {
  const unique = new Map<string, NodeKey>();
  for (const item of plan) for (const k of item) unique.set(`${k.level}:${k.index}`, k);
  const keys = [...unique.values()];
  const hashes = await readAll(reader, keys);
  const byKey = new Map<string, Hash>();
  keys.forEach((k, i) => {
    byKey.set(`${k.level}:${k.index}`, hashes[i]!);
  });
  const out: Hash[] = [];
  for (const item of plan) out.push(await fold(item.map((k) => byKey.get(`${k.level}:${k.index}`)!)));
  return out;
}

/** Root hash MTH(D[0:size]). */
export async function rootHash(size: number, reader: NodeReader): Promise<Hash> {
  assertSize(size, 'size');
  if (size === 0) return emptyRoot();
  const [root] = await resolvePlan([rangeKeys(0, size)], reader);
  return root!;
}

/** Which subtrees make up PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), deepest first. */
export function inclusionPlan(index: number, size: number): NodeKey[][] {
  assertSize(size, 'size');
  assertSize(index, 'index');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
  const items: NodeKey[][] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      items.push(rangeKeys(start + k, end));
      end = start + k;
    } else {
      items.push(rangeKeys(start, start + k));
      start += k;
    }
  }
  return items.reverse();
}

/** Which subtrees make up PROOF(from, D[0:to]) = SUBPROOF(from, D[0:to], true) (RFC 9162 §2.1.4.1). */
export function consistencyPlan(from: number, to: number): NodeKey[][] {
  assertSize(from, 'from');
  assertSize(to, 'to');
  if (from > to) throw new RangeError(`from ${from} is larger than to ${to}`);
  if (from === 0 || from === to) return [];
  const items: NodeKey[][] = [];
  let start = 0;
  let end = to;
  let m = from;
  let haveRoot = true;
  for (;;) {
    if (m === end - start) {
      if (!haveRoot) items.push(rangeKeys(start, end));
      break;
    }
    const k = splitPoint(end - start);
    if (m <= k) {
      items.push(rangeKeys(start + k, end));
      end = start + k;
    } else {
      items.push(rangeKeys(start, start + k));
      start += k;
      m -= k;
      haveRoot = false;
    }
  }
  return items.reverse();
}

export async function inclusionProof(index: number, size: number, reader: NodeReader): Promise<Hash[]> {
  return resolvePlan(inclusionPlan(index, size), reader);
}

export async function consistencyProof(from: number, to: number, reader: NodeReader): Promise<Hash[]> {
  return resolvePlan(consistencyPlan(from, to), reader);
}

export interface AppendResult {
  /** Nodes completed by this leaf (the leaf itself at level 0 first); store them all. */
  nodes: StoredNode[];
  /**
   * Root of the tree of size + 1, from nodes already read in the same batch. Lazy because
   * it costs ~log n hashes and a log only needs it when it writes a checkpoint.
   */
  root(): Promise<Hash>;
}

/**
 * Add the leaf at index `size`. Like incrementing a binary counter: each trailing 1 bit
 * of `size` completes one more subtree whose left half is read back from the store.
 */
export async function appendLeaf(size: number, leaf: Hash, reader: NodeReader): Promise<AppendResult> {
  assertSize(size, 'size');
  let completes = 0;
  for (let x = size; x % 2 === 1; x = (x - 1) / 2) completes++;
  const siblings: NodeKey[] = [];
  for (let level = 0; level < completes; level++) {
    siblings.push({ level, index: Math.floor(size / 2 ** level) - 1 });
  }
  // The other subtrees of the new root lie left of the new top node and are already stored.
  const others = rangeKeys(0, size + 1).slice(0, -1);
  const fetched = await readAll(reader, [...siblings, ...others]);
  const nodes: StoredNode[] = [{ level: 0, index: size, hash: leaf }];
  let top = leaf;
  for (let level = 0; level < completes; level++) {
    top = await nodeHash(fetched[level]!, top);
    nodes.push({ level: level + 1, index: Math.floor(size / 2 ** (level + 1)), hash: top });
  }
  const rootParts = [...fetched.slice(completes), top];
  return {
    nodes,
    root() {
      return fold(rootParts);
    },
  };
}

/** RFC 9162 §2.1.3.2. */
export async function verifyInclusion(
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2, plus the trivial cases (equal sizes, empty first tree). */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Hash[],
  root1: Hash,
  root2: Hash,
): Promise<boolean> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
