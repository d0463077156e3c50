// One pass of a log monitor over C2SP tlog-tiles: fetch and verify the checkpoint, then recompute the tree from the
// entry bundles, carrying on from the last verified checkpoint's right edge, so a rewritten or shrunk log is caught.
// Web fetch and WebCrypto only.
import { bytesEqual, fromBase64, fromUtf8, toBase64 } from '../crypto/encoding.ts';
import { leafHash, nodeHash } from '../crypto/merkle.ts';
import { parseCheckpoint, verifyCheckpoint, type ParsedCheckpoint } from '../crypto/note.ts';
import { decodeEntryBundle, splitHashTile, tilePath, TILE_HEIGHT, TILE_WIDTH, type TileName } from '../crypto/tiles.ts';

/** What a monitor keeps between passes: the last checkpoint it verified and the tree's right edge at that size. */
export interface MonitorState {
  format: 'assent-monitor/1';
  log: string;
  origin: string;
  verifierKey: string;
  checkpoint: string;
  /**
   * The roots (base64) of the perfect subtrees that make up the tree at the checkpoint's size, left to right (at
   * most one per bit of the size): with them and the new entries alone, the next tree's root can be recomputed.
   */
  edge: string[];
}

export interface ConsentEvent {
  index: number;
  type: string;
  at: string;
}

export type PassResult =
  | { ok: true; state: MonitorState; from: number; size: number; read: number; events: ConsentEvent[] }
  | {
      ok: false;
      problem: 'signature' | 'origin' | 'fork' | 'entries';
      detail: string;
      saved?: string;
      served?: string;
    };

export interface PassInput {
  /** The log's URL prefix, e.g. https://host/log/demo (its origin line is that without the scheme). */
  log: string;
  verifierKey: string;
  state: MonitorState | null;
  /** List this consent's events: reads every entry from index 0 (and checks them all again). */
  consent?: string;
  fetch: typeof fetch;
  /** Bundles fetched at once. */
  parallel?: number;
}

/** The checkpoint origin a log URL stands for: the URL without its scheme or a trailing slash. */
export const originOf = (log: string) => log.replace(/^https?:\/\//i, '').replace(/\/+$/, '');

/** A tree's right edge, grown one leaf hash at a time; `root()` folds it as RFC 9162's MTH nests the subtrees. */
export class RightEdge {
  /** [level, hash] of each perfect subtree, left to right, levels strictly decreasing. */
  private readonly nodes: [number, Uint8Array][] = [];
  constructor(
    public size = 0,
    hashes: readonly Uint8Array[] = [],
  ) {
    let bits = size;
    const levels: number[] = [];
    for (let level = 0; bits > 0; level++, bits = Math.floor(bits / 2)) if (bits % 2 === 1) levels.unshift(level);
    if (levels.length !== hashes.length)
      throw new Error(`a tree of ${size} leaves has ${levels.length} edge hashes, not ${hashes.length}`);
    levels.forEach((level, i) => {
      this.nodes.push([level, hashes[i]!]);
    });
  }
  push(leaf: Uint8Array): Promise<void> {
    return this.pushSubtree(0, leaf);
  }
  /** Adds a whole perfect subtree of 2^level leaves; the tree's size must be a multiple of that. */
  async pushSubtree(level: number, hash: Uint8Array): Promise<void> {
    if (this.size % 2 ** level !== 0) throw new Error(`a subtree of 2^${level} leaves cannot start at ${this.size}`);
    let node: [number, Uint8Array] = [level, hash];
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]![0] === node[0]) {
      const [l, left] = this.nodes.pop()!;
      node = [l + 1, await nodeHash(left, node[1])];
    }
    this.nodes.push(node);
    this.size += 2 ** level;
  }
  hashes(): Uint8Array[] {
    return this.nodes.map(([, hash]) => hash);
  }
  async root(): Promise<Uint8Array> {
    if (this.nodes.length === 0) return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(0)));
    let acc = this.nodes[this.nodes.length - 1]![1];
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = await nodeHash(this.nodes[i]![1], acc);
    return acc;
  }
}

async function getBytes(fetcher: typeof fetch, url: string): Promise<Uint8Array> {
  const response = await fetcher(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function monitorPass(input: PassInput): Promise<PassResult> {
  const log = input.log.replace(/\/+$/, '');
  const origin = originOf(log);
  const text = fromUtf8(await getBytes(input.fetch, `${log}/checkpoint`));
  let served: ParsedCheckpoint;
  try {
    served = await verifyCheckpoint(text, input.verifierKey);
  } catch (error) {
    return {
      ok: false,
      problem: 'signature',
      detail: `the checkpoint does not verify with ${input.verifierKey}: ${(error as Error).message}`,
      served: text,
    };
  }
  if (served.origin !== origin) {
    return {
      ok: false,
      problem: 'origin',
      detail: `the checkpoint names origin ${served.origin}, not ${origin}`,
      served: text,
    };
  }
  const saved = input.state ? parseCheckpoint(input.state.checkpoint) : null;
  const fork = (detail: string): PassResult => ({
    ok: false,
    problem: 'fork',
    detail,
    saved: input.state!.checkpoint,
    served: text,
  });
  if (saved && served.size < saved.size) return fork(`the log shrank from ${saved.size} to ${served.size} entries`);
  if (saved && served.size === saved.size && !bytesEqual(served.rootHash, saved.rootHash)) {
    return fork(`two different trees of ${served.size} entries, both signed`);
  }

  // From the saved right edge (only the new entries), or from the first entry when listing a consent or on first use.
  const resume = saved !== null && input.consent === undefined;
  const edge = resume ? new RightEdge(saved.size, input.state!.edge.map(fromBase64)) : new RightEdge();
  const from = edge.size;
  const events: ConsentEvent[] = [];
  const bundles: TileName[] = [];
  for (let n = Math.floor(from / TILE_WIDTH); n * TILE_WIDTH < served.size; n++) {
    const width = Math.min(TILE_WIDTH, served.size - n * TILE_WIDTH);
    bundles.push({ level: 'entries', index: n, width: width === TILE_WIDTH ? null : width });
  }
  const parallel = input.parallel ?? 8;
  for (let i = 0; i < bundles.length; i += parallel) {
    const group = bundles.slice(i, i + parallel);
    // Each bundle with its level-0 hash tile: the hashes a tile client proves with must be the entries' own.
    const fetched = await Promise.all(
      group.map((b) =>
        Promise.all([
          getBytes(input.fetch, `${log}/tile/${tilePath(b)}`),
          getBytes(input.fetch, `${log}/tile/${tilePath({ ...b, level: 0 })}`),
        ]),
      ),
    );
    for (const [g, [bundle, tile]] of fetched.entries()) {
      const name = group[g]!;
      const entries = decodeEntryBundle(bundle);
      const hashes = splitHashTile(tile);
      const width = name.width ?? TILE_WIDTH;
      if (entries.length !== width || hashes.length !== width) {
        return {
          ok: false,
          problem: 'entries',
          detail: `tile ${tilePath(name)} holds ${entries.length} entries and ${hashes.length} hashes, not ${width}`,
        };
      }
      // WebCrypto digests are asynchronous: a bundle's are asked for at once, not one after the other.
      const leaves = await Promise.all(entries.map((e) => leafHash(e)));
      for (let k = 0; k < width; k++) {
        if (!bytesEqual(leaves[k]!, hashes[k]!)) {
          return {
            ok: false,
            problem: 'entries',
            detail: `entry ${name.index * TILE_WIDTH + k} does not hash to the level-0 tile's hash ${toBase64(hashes[k]!)}`,
          };
        }
        if (input.consent !== undefined) collect(events, input.consent, name.index * TILE_WIDTH + k, entries[k]!);
      }
      const start = name.index * TILE_WIDTH;
      // A whole bundle at the edge goes in as one 256-leaf subtree, hashed level by level; unless the saved size
      // falls inside it, where the tree must be seen passing through the saved root.
      const checkInside = saved !== null && !resume && saved.size > start && saved.size < start + width;
      if (width === TILE_WIDTH && edge.size === start && !checkInside) {
        await edge.pushSubtree(TILE_HEIGHT, await subtreeRoot(leaves));
      } else {
        for (let k = Math.max(0, from - start); k < width; k++) {
          await edge.push(leaves[k]!);
          if (checkInside && edge.size === saved.size) break;
        }
        if (checkInside && edge.size === saved.size) {
          if (!bytesEqual(await edge.root(), saved.rootHash))
            return fork(`the entries give another tree of ${saved.size} entries than the saved checkpoint`);
          for (let k = saved.size - start; k < width; k++) await edge.push(leaves[k]!);
        }
      }
      // Read from the first entry with a saved checkpoint: the tree passes through the saved one on the way.
      if (
        saved &&
        !resume &&
        edge.size === saved.size &&
        !checkInside &&
        !bytesEqual(await edge.root(), saved.rootHash)
      ) {
        return fork(`the entries give another tree of ${saved.size} entries than the saved checkpoint`);
      }
    }
  }
  if (!bytesEqual(await edge.root(), served.rootHash)) {
    return saved
      ? fork(
          `the ${served.size - from} entries after index ${from - 1} do not lead from the saved tree to the served root`,
        )
      : { ok: false, problem: 'entries', detail: `the ${served.size} entries do not hash to the checkpoint's root` };
  }
  const state: MonitorState = {
    format: 'assent-monitor/1',
    log,
    origin,
    verifierKey: input.verifierKey,
    checkpoint: text,
    edge: edge.hashes().map(toBase64),
  };
  return { ok: true, state, from: saved?.size ?? 0, size: served.size, read: served.size - from, events };
}

/** The root of a perfect subtree over `leaves` (a power of two of them), each level's hashes asked for at once. */
async function subtreeRoot(leaves: Uint8Array[]): Promise<Uint8Array> {
  let level = leaves;
  while (level.length > 1)
    level = await Promise.all(
      Array.from({ length: level.length / 2 }, (_, i) => nodeHash(level[2 * i]!, level[2 * i + 1]!)),
    );
  return level[0]!;
}

/** Notes an entry of `consentId`: entries are JSON leaves; one that is not JSON belongs to no consent. */
function collect(events: ConsentEvent[], consentId: string, index: number, entry: Uint8Array): void {
  let leaf: unknown;
  try {
    leaf = JSON.parse(fromUtf8(entry));
  } catch {
    return;
  }
  const l = leaf as { consentId?: unknown; type?: unknown; at?: unknown };
  if (l && l.consentId === consentId) events.push({ index, type: String(l.type), at: String(l.at) });
}
