// A site's log as C2SP tlog-tiles: the hash tiles and entry bundles the current checkpoint covers, read from the
// stored tree (completed subtree hashes, leaf JSON) in one round trip each.
import { fromBase64 } from '../../crypto/encoding.ts';
import { jcsBytes } from '../../crypto/jcs.ts';
import {
  encodeEntryBundle,
  HASH_SIZE,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
  tileWidthAt,
  type TileName,
} from '../../crypto/tiles.ts';
import { notFound } from '../../errors.ts';
import type { DomainContext } from '../context.ts';

/**
 * The bytes of a tile the site's current tree holds. A full tile exists once the tree covers all 256 of its hashes; a
 * partial tile `.p/W` exists for every W up to the hashes the tree has there, because a tile of width W is the first W
 * hashes of the wider one: each is a completed subtree, fixed once stored. So a partial tile fetched for an older
 * checkpoint still answers, and any tile, once answered, answers the same bytes forever. Anything else is a 404.
 */
export async function readTile(ctx: DomainContext, siteId: string, tile: TileName): Promise<Uint8Array> {
  const width = tile.width ?? TILE_WIDTH;
  const from = tile.index * TILE_WIDTH;
  const missing = () => notFound(`The log of "${siteId}" has no tile ${tilePath(tile)} yet.`);
  if (tile.level === 'entries') {
    const { head, rows } = await ctx.log.entryTile(siteId, from, from + width);
    if (tileWidthAt(head?.size ?? 0, 0, tile.index) < width) throw missing();
    assertRows(siteId, rows, from, width);
    return encodeEntryBundle(rows.map((row) => jcsBytes(JSON.parse(row.leaf))));
  }
  // The level-L tile holds the tree's nodes at level 8·L: node (8·L, N·256 + i) is MTH of 256^L leaves.
  const { head, rows } = await ctx.log.nodeTile(siteId, TILE_HEIGHT * tile.level, from, from + width);
  if (tileWidthAt(head?.size ?? 0, tile.level, tile.index) < width) throw missing();
  assertRows(siteId, rows, from, width);
  const bytes = new Uint8Array(width * HASH_SIZE);
  rows.forEach((row, i) => {
    bytes.set(fromBase64(row.hash), i * HASH_SIZE);
  });
  return bytes;
}

/** Every row a covered tile needs is stored (integration writes nodes and moves the head in one batch). */
function assertRows(siteId: string, rows: readonly { idx: number }[], from: number, width: number): void {
  if (rows.length !== width || rows.some((row, i) => row.idx !== from + i)) {
    throw new Error(`log ${siteId} lacks rows ${from}…${from + width - 1} its head covers`);
  }
}
