// An in-memory Merkle node store for tests and benchmarks (the service keeps its nodes in the database).
import {
  appendLeaf,
  type AppendResult,
  type Hash,
  type NodeReader,
  type StoredNode,
} from '../../worker/crypto/merkle.ts';

/** In-memory node store. */
export interface MemoryNodeStore extends NodeReader {
  readonly size: number;
  put(nodes: readonly StoredNode[]): void;
  append(leaf: Hash): Promise<AppendResult>;
}

export function createMemoryNodeStore(): MemoryNodeStore {
  // One growable byte slab per level rather than an object per node: millions of small
  // ArrayBuffers make every garbage collection slower in proportion to their count.
  const levels: { bytes: Uint8Array; filled: Uint8Array }[] = [];
  let size = 0;
  function get(level: number, index: number): Promise<Hash> {
    const slab = levels[level];
    if (!slab || index < 0 || index >= slab.filled.length || slab.filled[index] !== 1) {
      return Promise.reject(new Error(`missing node ${level}:${index}`));
    }
    return Promise.resolve(slab.bytes.subarray(index * 32, index * 32 + 32));
  }
  function put(level: number, index: number, hash: Hash): void {
    if (hash.length !== 32) throw new RangeError('node hashes are 32 bytes');
    let slab = levels[level];
    if (!slab || index >= slab.filled.length) {
      const capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(index + 1)));
      const grown = { bytes: new Uint8Array(capacity * 32), filled: new Uint8Array(capacity) };
      if (slab) {
        grown.bytes.set(slab.bytes);
        grown.filled.set(slab.filled);
      }
      slab = levels[level] = grown;
    }
    slab.bytes.set(hash, index * 32);
    slab.filled[index] = 1;
  }
  const store: MemoryNodeStore = {
    get size() {
      return size;
    },
    get,
    getMany(keys) {
      return Promise.all(keys.map((k) => get(k.level, k.index)));
    },
    put(nodes) {
      for (const n of nodes) put(n.level, n.index, n.hash);
    },
    async append(leaf) {
      const result = await appendLeaf(size, leaf, store);
      store.put(result.nodes);
      size++;
      return result;
    },
  };
  return store;
}
