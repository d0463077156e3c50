import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../worker/crypto/encoding.ts';
import {
  consistencyProof,
  emptyRoot,
  inclusionPlan,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeKey,
  type NodeReader,
} from '../../worker/crypto/merkle.ts';
import { createMemoryNodeStore } from './memory-node-store.ts';

// Reference data from RFC 6962 / certificate-transparency (transparency-dev/merkle testonly).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: { index: number; size: number; path: string[] }[] = [
  { index: 0, size: 1, path: [] },
  { index: 0, size: 2, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CONSISTENCY: { from: number; to: number; path: string[] }[] = [
  { from: 1, to: 1, path: [] },
  {
    from: 1,
    to: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 2,
    to: 5,
    path: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 8,
    path: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

async function referenceStore() {
  const store = createMemoryNodeStore();
  const roots: string[] = [toHex(await emptyRoot())];
  for (const leaf of LEAVES) roots.push(toHex(await (await store.append(await leafHash(fromHex(leaf)))).root()));
  return { store, roots };
}

describe('RFC 6962 reference vectors', () => {
  it('computes the published roots for sizes 0..8, both when appending and from the store', async () => {
    const { store, roots } = await referenceStore();
    expect(roots).toEqual(ROOTS);
    for (let n = 0; n <= 8; n++) expect(toHex(await rootHash(n, store))).toBe(ROOTS[n]);
  });

  it('produces and verifies the published inclusion paths', async () => {
    const { store } = await referenceStore();
    for (const tc of INCLUSION) {
      const proof = await inclusionProof(tc.index, tc.size, store);
      expect(proof.map(toHex)).toEqual(tc.path);
      const leaf = await leafHash(fromHex(LEAVES[tc.index]!));
      expect(await verifyInclusion(leaf, tc.index, tc.size, proof, fromHex(ROOTS[tc.size]!))).toBe(true);
    }
  });

  it('produces and verifies the published consistency paths', async () => {
    const { store } = await referenceStore();
    for (const tc of CONSISTENCY) {
      const proof = await consistencyProof(tc.from, tc.to, store);
      expect(proof.map(toHex)).toEqual(tc.path);
      const ok = await verifyConsistency(tc.from, tc.to, proof, fromHex(ROOTS[tc.from]!), fromHex(ROOTS[tc.to]!));
      expect(ok).toBe(true);
    }
  });
});

// Naive MTH straight from the RFC's definition (RFC 6962 §2.1: SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the
// largest power of two below n), used as the oracle. Its node hash is node:crypto's, synchronous and apart from the
// code under test: recomputing every tree of 1..300 leaves is 45,000 digests, seconds through WebCrypto's promises.
function naiveRoot(leaves: Hash[]): Hash {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const digest = createHash('sha256').update(Uint8Array.of(1));
  return new Uint8Array(
    digest
      .update(naiveRoot(leaves.slice(0, k)))
      .update(naiveRoot(leaves.slice(k)))
      .digest(),
  );
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at % copy.length]! ^= 1 << (at % 8);
  return copy;
}

/**
 * Positions 0..n-1 checked in a tree of n leaves: every one up to 128 leaves (every shape of a tree seven levels
 * deep), then a sample beyond (both ends, powers of two and their neighbours, one position in nine), so the test
 * fits its time on a loaded two-core machine.
 */
function positions(n: number): number[] {
  if (n <= 128) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set([0, 1, n - 2, n - 1]);
  for (let p = 1; p < n; p *= 2) for (const q of [p - 1, p, p + 1]) if (q < n) picked.add(q);
  for (let i = n % 9; i < n; i += 9) picked.add(i);
  return [...picked].sort((a, b) => a - b);
}

describe('proofs for trees of 1..300 leaves (every size to 160 and around 256, sampled beyond; every position up to 128, sampled beyond)', () => {
  const N = 300;
  /** The tree sizes checked: every one to 160 and from 250 to 262 (the 256 boundary), every fifth elsewhere. */
  const SIZES = Array.from({ length: N }, (_, i) => i + 1).filter(
    (n) => n <= 160 || (n >= 250 && n <= 262) || n % 5 === 0,
  );
  const PAIRS = SIZES.map((n) => positions(n).length).reduce((a, b) => a + b, 0);
  let leaves: Hash[] = [];
  let roots: Hash[] = [];
  let store: ReturnType<typeof createMemoryNodeStore>;
  // Collected rather than asserted one by one: tens of thousands of expect() calls dominate the run.
  let failures: string[] = [];
  let checked = 0;
  const must = (actual: boolean, wanted: boolean) => {
    checked++;
    if (actual !== wanted) failures.push(new Error().stack?.split('\n')[2] ?? '?');
  };

  it('matches the naive root at every size', async () => {
    store = createMemoryNodeStore();
    leaves = [];
    roots = [await emptyRoot()];
    for (let i = 0; i < N; i++) {
      const leaf = await leafHash(new TextEncoder().encode(`leaf ${i}`));
      leaves.push(leaf);
      const appended = await (await store.append(leaf)).root();
      const naive = naiveRoot(leaves);
      expect(toHex(appended)).toBe(toHex(naive));
      roots.push(naive);
    }
  });

  it('verifies the inclusion proofs and rejects sampled flips of leaf, path and root', async () => {
    let flips = 0;
    failures = [];
    checked = 0;
    for (const n of SIZES) {
      const checks = positions(n).map(async (m) => {
        const proof = await inclusionProof(m, n, store);
        must(await verifyInclusion(leaves[m]!, m, n, proof, roots[n]!), true);
        // Sample: tamper checks on every 23rd pair keep the test fast while covering all shapes.
        if ((n * 31 + m) % 23 !== 0) return 0;
        const at = (n + m) % 256;
        must(await verifyInclusion(flip(leaves[m]!, at), m, n, proof, roots[n]!), false);
        must(await verifyInclusion(leaves[m]!, m, n, proof, flip(roots[n]!, at)), false);
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.slice();
          bad[p] = flip(proof[p]!, at + p);
          must(await verifyInclusion(leaves[m]!, m, n, bad, roots[n]!), false);
        }
        if (n > 1) must(await verifyInclusion(leaves[m]!, (m + 1) % n, n, proof, roots[n]!), false);
        return 1;
      });
      // Concurrent digests: WebCrypto on Node pays a thread hop per call, so batches run far faster.
      for (const count of await Promise.all(checks)) flips += count;
    }
    expect(failures).toEqual([]);
    expect(flips).toBeGreaterThan(PAIRS / 30);
    expect(checked).toBeGreaterThan(PAIRS);
  });

  it('verifies the consistency proofs and rejects sampled flips of path and roots', async () => {
    let flips = 0;
    failures = [];
    checked = 0;
    for (const n of SIZES) {
      const checks = positions(n).map(async (i) => {
        const m = i + 1;
        const proof = await consistencyProof(m, n, store);
        must(await verifyConsistency(m, n, proof, roots[m]!, roots[n]!), true);
        if ((n * 17 + m) % 23 !== 0) return 0;
        const at = (n * m) % 256;
        must(await verifyConsistency(m, n, proof, flip(roots[m]!, at), roots[n]!), false);
        must(await verifyConsistency(m, n, proof, roots[m]!, flip(roots[n]!, at)), false);
        for (let p = 0; p < proof.length; p++) {
          const bad = proof.slice();
          bad[p] = flip(proof[p]!, at + p);
          must(await verifyConsistency(m, n, bad, roots[m]!, roots[n]!), false);
        }
        return 1;
      });
      for (const count of await Promise.all(checks)) flips += count;
    }
    expect(failures).toEqual([]);
    expect(flips).toBeGreaterThan(PAIRS / 30);
    expect(checked).toBeGreaterThan(PAIRS);
  });
});

describe('lookups', () => {
  function counting(inner: NodeReader) {
    const counter = { reads: 0, batches: 0 };
    const reader: NodeReader = {
      get: (l, i) => {
        counter.reads++;
        return inner.get(l, i);
      },
      getMany: (keys: readonly NodeKey[]) => {
        counter.batches++;
        counter.reads += keys.length;
        return Promise.all(keys.map((k) => inner.get(k.level, k.index)));
      },
    };
    return { reader, counter };
  }

  it('reads at most 2·log2(n) nodes in one batch per proof', async () => {
    const store = createMemoryNodeStore();
    for (let i = 0; i < 1000; i++) await store.append(await leafHash(new Uint8Array([i & 255, i >> 8])));
    const { reader, counter } = counting(store);
    for (const [m, n] of [
      [0, 1000],
      [999, 1000],
      [513, 777],
    ] as const) {
      counter.reads = 0;
      counter.batches = 0;
      await inclusionProof(m, n, reader);
      expect(counter.batches).toBe(1);
      expect(counter.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
    }
    expect(inclusionPlan(0, 1024).every((item) => item.length === 1)).toBe(true);
  });

  it('rejects an index outside the tree and a consistency proof to a smaller tree', async () => {
    const store = createMemoryNodeStore();
    await store.append(await leafHash(new Uint8Array()));
    await expect(inclusionProof(1, 1, store)).rejects.toThrow(RangeError);
    await expect(consistencyProof(2, 1, store)).rejects.toThrow(RangeError);
    expect(await verifyConsistency(2, 1, [], new Uint8Array(32), new Uint8Array(32))).toBe(false);
  });
});
