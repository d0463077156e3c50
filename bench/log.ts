// Merkle log cost at 10^5 and 10^6 leaves: append rate, inclusion/consistency proof rates and
// node reads per operation (median of rounds), with the 10^6 / 10^5 ratios (O(log n) predicts ~1.2x reads, not 10x).
// Run: npx tsx bench/log.ts

import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  appendLeaf,
  consistencyProof,
  inclusionProof,
  leafHash,
  rootHash,
  type NodeKey,
  type NodeReader,
} from '../worker/crypto/merkle.ts';
import { createMemoryNodeStore } from '../test/crypto/memory-node-store.ts';

const SIZES = [100_000, 1_000_000];
const WINDOW = 20_000; // appends timed just below each size, through the real code path
const PROOFS = 18_000;

const store = createMemoryNodeStore();
const counter = { reads: 0 };
const counted: NodeReader = {
  get(level, index) {
    counter.reads++;
    return store.get(level, index);
  },
  getMany(keys: readonly NodeKey[]) {
    counter.reads += keys.length;
    return store.getMany!(keys);
  },
};

let seed = 42;
function random(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return Math.floor((seed / 2 ** 32) * n);
}

async function leafBatch(from: number, count: number) {
  // Leaf hashes are computed concurrently, as independent requests would; appends stay serial.
  return Promise.all(Array.from({ length: count }, (_, i) => leafHash(new TextEncoder().encode(leafText(from + i)))));
}

const leafText = (i: number) => `{"event":"confirmed","seq":${i}}`;
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

let size = 0;

/**
 * Untimed set-up: fills the store up to `target` with node:crypto's synchronous SHA-256
 * (the same hashes, ~30x cheaper per call than WebCrypto's async hop on Node), keeping the
 * right edge of the tree in `pending` like a binary counter.
 */
async function fastFill(target: number): Promise<void> {
  const pending: Uint8Array[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    if (Math.floor(size / 2 ** level) % 2 === 1)
      pending[level] = await store.get(level, Math.floor(size / 2 ** level) - 1);
  }
  const encoder = new TextEncoder();
  for (; size < target; size++) {
    let carry = sha(LEAF, encoder.encode(leafText(size)));
    store.put([{ level: 0, index: size, hash: carry }]);
    let level = 0;
    while (Math.floor(size / 2 ** level) % 2 === 1) {
      carry = sha(NODE, pending[level]!, carry);
      level++;
      store.put([{ level, index: Math.floor(size / 2 ** level), hash: carry }]);
    }
    pending[level] = carry;
  }
}

/** Root straight from the leaves with node:crypto, to cross-check the store's root. */
function referenceRoot(n: number): Uint8Array {
  const encoder = new TextEncoder();
  const stack: { hash: Uint8Array; count: number }[] = [];
  for (let i = 0; i < n; i++) {
    let node = { hash: sha(LEAF, encoder.encode(leafText(i))), count: 1 };
    while (stack.length > 0 && stack[stack.length - 1]!.count === node.count) {
      const left = stack.pop()!;
      node = { hash: sha(NODE, left.hash, node.hash), count: left.count * 2 };
    }
    stack.push(node);
  }
  let acc = stack.pop()!.hash;
  while (stack.length > 0) acc = sha(NODE, stack.pop()!.hash, acc);
  return acc;
}

// Collect the set-up garbage before each timed phase so a major GC does not land in it.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

// Timed: appendLeaf + put through a counting reader, the path a database-backed log takes.
async function growTo(target: number): Promise<{ rate: number; readsPerAppend: number }> {
  await fastFill(target - WINDOW);
  collect();
  let timed = 0;
  let reads = 0;
  const chunkRates: number[] = [];
  while (size < target) {
    const count = Math.min(2_000, target - size);
    const leaves = await leafBatch(size, count);
    const before = counter.reads;
    const start = performance.now();
    for (const leaf of leaves) {
      const { nodes } = await appendLeaf(size, leaf, counted);
      store.put(nodes);
      size++;
    }
    chunkRates.push((count / (performance.now() - start)) * 1000);
    timed += count;
    reads += counter.reads - before;
  }
  return { rate: median(chunkRates), readsPerAppend: reads / timed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median rate over rounds: the machine may be shared, and one slow round should not decide. */
async function timedRounds(rounds: number, perRound: number, task: () => Promise<unknown>): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < perRound; i++) await task();
    rates.push((perRound / (performance.now() - start)) * 1000);
  }
  return median(rates);
}

async function proofRate(size: number) {
  collect();
  counter.reads = 0;
  let maxReads = 0;
  let proofs = 0;
  const proofsPerSec = await timedRounds(9, PROOFS / 9, async () => {
    const before = counter.reads;
    await inclusionProof(random(size), size, counted);
    maxReads = Math.max(maxReads, counter.reads - before);
    proofs++;
  });
  const avgReads = counter.reads / proofs;
  counter.reads = 0;
  let consistencies = 0;
  const consistencyPerSec = await timedRounds(9, PROOFS / 18, async () => {
    await consistencyProof(1 + random(size - 1), size, counted);
    consistencies++;
  });
  return { proofsPerSec, avgReads, maxReads, consistencyPerSec, consistencyReads: counter.reads / consistencies };
}

const rows: Record<string, number>[] = [];
const t0 = performance.now();
for (const size of SIZES) {
  const append = await growTo(size);
  const root = Buffer.from(await rootHash(size, store)).toString('hex');
  if (root !== Buffer.from(referenceRoot(size)).toString('hex')) throw new Error(`root mismatch at ${size}`);
  const proofs = await proofRate(size);
  const row = {
    leaves: size,
    log2n: Math.log2(size),
    appendsPerSec: append.rate,
    readsPerAppend: append.readsPerAppend,
    inclusionPerSec: proofs.proofsPerSec,
    readsPerInclusion: proofs.avgReads,
    maxReadsPerInclusion: proofs.maxReads,
    consistencyPerSec: proofs.consistencyPerSec,
    readsPerConsistency: proofs.consistencyReads,
  };
  rows.push(row);
  console.log(`n=${size.toLocaleString('en')} done after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(v < 100 ? 2 : 0));
console.log(`\nMerkle log (in-memory NodeStore, WebCrypto SHA-256, Node ${process.version})`);
const keys = Object.keys(rows[0]!);
console.log(['metric'.padEnd(22), ...rows.map((r) => `n=${r.leaves}`.padStart(12)), 'ratio'.padStart(8)].join(' '));
for (const key of keys.slice(1)) {
  const [a, b] = [rows[0]![key]!, rows[1]![key]!];
  console.log([key.padEnd(22), fmt(a).padStart(12), fmt(b).padStart(12), (b / a).toFixed(2).padStart(8)].join(' '));
}
console.log(
  `\nratio = value at 10^6 / value at 10^5 (log2 ratio ${(Math.log2(1e6) / Math.log2(1e5)).toFixed(2)}); total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
