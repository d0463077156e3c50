// C2SP tlog-tiles, the format only: tile paths, which tree nodes a tile holds, and entry bundles. Shared by the log
// that serves tiles and the monitor that reads them (no storage, no HTTP here).

/** Tile height: a full tile holds 2^8 = 256 hashes (or entries), as the spec fixes it. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;

/** A hash tile (`level` a number) or an entry bundle (`level` 'entries'); `width` null: a full tile. */
export interface TileName {
  level: number | 'entries';
  index: number;
  width: number | null;
}

/** Longest tile path accepted (level, 7 index elements, partial suffix): anything longer is not a tile. */
export const MAX_TILE_PATH = 64;
const TILE_PATH = /^(0|[1-9]\d?|entries)\/((?:x\d{3}\/){0,6}\d{3})(?:\.p\/([1-9]\d{0,2}))?$/;

/** `N` as zero-padded 3-digit elements, all but the last prefixed with `x`: 1234067 → `x001/x234/067`. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('a tile index is a non-negative safe integer');
  const parts: string[] = [];
  let n = index;
  do {
    parts.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join('/');
}

/** The path of a tile under `<prefix>/tile/`: `0/x001/234`, `entries/005.p/17`. */
export function tilePath(tile: TileName): string {
  return `${tile.level}/${encodeTileIndex(tile.index)}${tile.width === null ? '' : `.p/${tile.width}`}`;
}

/**
 * The tile a path under `<prefix>/tile/` names, or null when it is not one in canonical form (a level 0–63 without
 * leading zeroes, the index as `tilePath` writes it, a width 1–255): one name per tile, so caches hold one copy.
 */
export function parseTilePath(path: string): TileName | null {
  if (path.length > MAX_TILE_PATH) return null;
  const match = TILE_PATH.exec(path);
  if (!match) return null;
  const level: TileName['level'] = match[1] === 'entries' ? 'entries' : Number(match[1]);
  if (level !== 'entries' && level > 63) return null;
  const index = Number(match[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = match[3] === undefined ? null : Number(match[3]);
  if (!Number.isSafeInteger(index) || (width !== null && width > 255)) return null;
  const tile: TileName = { level, index, width };
  return tilePath(tile) === path ? tile : null;
}

/**
 * How many hashes (or entries) the tile at `index` of `level` holds in a tree of `size` leaves, 0 to 256: each is
 * the root of a perfect subtree of 256^level leaves, and only complete ones exist.
 */
export function tileWidthAt(size: number, level: number, index: number): number {
  const nodes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/** An entry bundle: each entry as a big-endian uint16 length, then its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of entries) {
    if (e.length > 0xffff) throw new RangeError('a tlog-tiles entry is at most 65535 bytes');
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** The entries of a bundle; throws when a length runs past the end. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new RangeError('entry bundle ends inside a length');
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw new RangeError('entry bundle ends inside an entry');
    entries.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/** A hash tile's hashes, in order; throws when its length is not a whole number of hashes. */
export function splitHashTile(tile: Uint8Array): Uint8Array[] {
  if (tile.length % HASH_SIZE !== 0) throw new RangeError('a hash tile is a whole number of 32-byte hashes');
  const hashes: Uint8Array[] = [];
  for (let at = 0; at < tile.length; at += HASH_SIZE) hashes.push(tile.slice(at, at + HASH_SIZE));
  return hashes;
}
