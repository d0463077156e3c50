// The Merkle log's storage: leaves (appended with events), completed subtree nodes, and each site's head.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { bind, exec, preparedFor } from './prepared.ts';
import { logHeads, logLeaves, logNodes } from './schema.ts';
import type { NodeKey } from '../crypto/merkle.ts';

export type LogHead = typeof logHeads.$inferSelect;

const p = sql.placeholder;

/** What integration reads and writes on every run, built once per database. */
function hot(db: Db) {
  const head = {
    size: p('size'),
    rootHash: p('rootHash'),
    checkpoint: p('checkpoint'),
    updatedAt: p('updatedAt'),
  } as unknown as Omit<LogHead, 'siteId'>;
  return {
    head: db
      .select()
      .from(logHeads)
      .where(eq(logHeads.siteId, p('siteId')))
      .limit(1)
      .prepare(),
    leavesFrom: db
      .select({ idx: logLeaves.idx, leafHash: logLeaves.leafHash })
      .from(logLeaves)
      .where(and(eq(logLeaves.siteId, p('siteId')), gte(logLeaves.idx, p('from'))))
      .orderBy(asc(logLeaves.idx))
      .limit(p('limit'))
      .prepare(),
    // The leaves after the head, the head's size read in SQL: goes into one batch with the head itself.
    unintegrated: db
      .select({ idx: logLeaves.idx, leafHash: logLeaves.leafHash })
      .from(logLeaves)
      .where(
        and(
          eq(logLeaves.siteId, p('siteId')),
          gte(
            logLeaves.idx,
            sql`COALESCE((SELECT ${logHeads.size} FROM ${logHeads} WHERE ${logHeads.siteId} = ${p('siteId')}), 0)`,
          ),
        ),
      )
      .orderBy(asc(logLeaves.idx))
      .limit(p('limit'))
      .prepare(),
    // A tile's node hashes (one level, an index range) and an entry bundle's leaves: primary-key range scans.
    nodeRange: db
      .select({ idx: logNodes.idx, hash: logNodes.hash })
      .from(logNodes)
      .where(
        and(
          eq(logNodes.siteId, p('siteId')),
          eq(logNodes.level, p('level')),
          gte(logNodes.idx, p('from')),
          lt(logNodes.idx, p('to')),
        ),
      )
      .orderBy(asc(logNodes.idx))
      .prepare(),
    leafRange: db
      .select({ idx: logLeaves.idx, leaf: logLeaves.leaf })
      .from(logLeaves)
      .where(and(eq(logLeaves.siteId, p('siteId')), gte(logLeaves.idx, p('from')), lt(logLeaves.idx, p('to'))))
      .orderBy(asc(logLeaves.idx))
      .prepare(),
    insertHead: db
      .insert(logHeads)
      .values({ siteId: p('siteId'), ...head } as unknown as LogHead)
      .onConflictDoNothing()
      .prepare(),
    advanceHead: db
      .update(logHeads)
      .set(head)
      .where(and(eq(logHeads.siteId, p('siteId')), eq(logHeads.size, p('fromSize'))))
      .prepare(),
  };
}

export function logRepo(store: Store) {
  const { db } = store;
  const prepared = () => preparedFor(store, hot);
  const withHead = async <Row>(siteId: string, range: Statement) => {
    const [heads, rows] = (await store.batch([bind(store, prepared().head, { siteId }), range])) as [LogHead[], Row[]];
    return { head: heads[0] ?? null, rows };
  };
  return {
    head: async (siteId: string): Promise<LogHead | null> =>
      (await exec(store, () => prepared().head.all({ siteId })))[0] ?? null,
    leavesFrom: (siteId: string, from: number, limit: number) =>
      exec(store, () => prepared().leavesFrom.all({ siteId, from, limit })),
    /**
     * One round trip to start an integration run: `first` (the integrator's lease), then the head and up to `limit`
     * leaves after it, in one batch (so they are read after the lease is taken).
     */
    async startRun(siteId: string, first: Statement, limit: number) {
      const [taken, heads, leaves] = (await store.batch([
        first,
        bind(store, prepared().head, { siteId }),
        bind(store, prepared().unintegrated, { siteId, limit }),
      ])) as [unknown, LogHead[], { idx: number; leafHash: string }[]];
      return { taken, head: heads[0] ?? null, leaves };
    },
    /**
     * One round trip for a hash tile: the head (its size says what may be served) and the stored node hashes (base64)
     * of one tree level over the index range [from, to).
     */
    nodeTile: (siteId: string, level: number, from: number, to: number) =>
      withHead<{ idx: number; hash: string }>(siteId, bind(store, prepared().nodeRange, { siteId, level, from, to })),
    /** One round trip for an entry bundle: the head and the leaves (their stored JSON) of [from, to). */
    entryTile: (siteId: string, from: number, to: number) =>
      withHead<{ idx: number; leaf: string }>(siteId, bind(store, prepared().leafRange, { siteId, from, to })),
    /**
     * Stored node hashes (base64) for the given keys. A row-value IN list makes each key a primary-key lookup
     * (an OR of pairs made SQLite scan every node of the site); two parameters a key, chunked by the driver's limit.
     */
    async nodes(siteId: string, keys: readonly NodeKey[]): Promise<Map<string, string>> {
      const found = new Map<string, string>();
      const perQuery = Math.max(1, Math.floor((store.maxBoundParameters - 1) / 2));
      for (let i = 0; i < keys.length; i += perQuery) {
        const pairs = sql.join(
          keys.slice(i, i + perQuery).map((k) => sql`(${k.level}, ${k.index})`),
          sql`, `,
        );
        const rows = await db
          .select()
          .from(logNodes)
          .where(and(eq(logNodes.siteId, siteId), sql`(${logNodes.level}, ${logNodes.idx}) IN (VALUES ${pairs})`));
        for (const row of rows) found.set(`${row.level}:${row.idx}`, row.hash);
      }
      return found;
    },
    /** Insert-or-ignore statements for completed nodes, four parameters a row, chunked by the driver's limit. */
    insertNodes(siteId: string, nodes: readonly { level: number; index: number; hash: string }[]): Statement[] {
      const perStatement = Math.max(1, Math.floor(store.maxBoundParameters / 4));
      const statements: Statement[] = [];
      for (let i = 0; i < nodes.length; i += perStatement) {
        const rows = nodes
          .slice(i, i + perStatement)
          .map((n) => ({ siteId, level: n.level, idx: n.index, hash: n.hash }));
        statements.push(db.insert(logNodes).values(rows).onConflictDoNothing());
      }
      return statements;
    },
    /** Moves the head from `fromSize` (null: no head yet) to the new size: a compare-and-set. */
    advanceHead: (siteId: string, fromSize: number | null, head: Omit<LogHead, 'siteId'>) =>
      fromSize === null
        ? bind(store, prepared().insertHead, { siteId, ...head })
        : bind(store, prepared().advanceHead, { siteId, fromSize, ...head }),
    /** Sites whose log has leaves not yet integrated into the tree (MAX(idx) per site is a primary-key lookup). */
    sitesBehind: async (): Promise<string[]> => {
      const rows = await db.all<{ id: string }>(sql`SELECT s.id FROM sites s
        WHERE (SELECT MAX(l.idx) FROM log_leaves l WHERE l.site_id = s.id)
          >= COALESCE((SELECT h.size FROM log_heads h WHERE h.site_id = s.id), 0)`);
      return rows.map((r) => r.id);
    },
  };
}
export type LogRepo = ReturnType<typeof logRepo>;
