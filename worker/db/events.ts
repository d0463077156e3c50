// Consent events and their Merkle log leaves, appended in the same batch as the state change they record.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Statement, Store } from './client.ts';
import { chainAtOf, chainHeadIs, changedOf, lastOpIs } from './consents.ts';
import { sentHere } from './outbox.ts';
import { bind, prepareRaw, preparedFor } from './prepared.ts';
import { consentEvents, logLeaves } from './schema.ts';
import { webhooksRepo } from './webhooks.ts';

export interface EventRecord {
  id: string;
  siteId: string;
  consentId: string | null;
  type: string;
  at: number;
  /** The logged object (no personal data); its JCS bytes are the Merkle leaf. */
  data: Record<string, unknown>;
  /** base64 of SHA-256(0x00 ‖ JCS(data)). */
  leafHash: string;
}

const p = sql.placeholder;

/** The append's two inserts, built once per database: unguarded, and guarded by a consent change (consentsRepo.changed). */
function appendStatements(db: Db) {
  const event = (where: SQL) =>
    prepareRaw(
      db.run(sql`INSERT INTO consent_events (id, site_id, consent_id, type, at, data)
        SELECT ${p('id')}, ${p('siteId')}, ${p('consentId')}, ${p('type')}, ${p('at')}, ${p('data')} WHERE ${where}`),
    );
  return {
    event: event(sql`1`),
    guardedEvent: event(lastOpIs(p('guardId'), p('guardOpId'))),
    // consentsRepo.chainAt's guard, alone and with outboxRepo.markSentWith's condition: the same SQL, prepared.
    chainEvent: event(chainHeadIs(p('chainId'), p('chainHash'))),
    sentChainEvent: event(
      and(chainHeadIs(p('chainId'), p('chainHash')), sentHere(p('sentId'), p('sentToken'), p('sentAt')))!,
    ),
    leaf: prepareRaw(
      db.run(sql`INSERT INTO log_leaves (site_id, idx, event_id, consent_id, leaf, leaf_hash)
        SELECT ${p('siteId')}, COALESCE((SELECT MAX(idx) + 1 FROM log_leaves WHERE site_id = ${p('siteId')}), 0),
          ${p('id')}, ${p('consentId')}, ${p('data')}, ${p('leafHash')}
        WHERE EXISTS (SELECT 1 FROM consent_events WHERE id = ${p('id')})`),
    ),
    chain: prepareRaw(db.run(chainUpdate(p('id'), p('consentId'), p('leafHash')))),
  };
}

/** Moves the consent's chain head to the leaf just appended (its index is known only once inserted). */
const chainUpdate = (id: unknown, consentId: unknown, hash: unknown) =>
  sql`UPDATE consents SET chain_idx = (SELECT idx FROM log_leaves WHERE event_id = ${id}), chain_hash = ${hash}
    WHERE id = ${consentId} AND EXISTS (SELECT 1 FROM log_leaves WHERE event_id = ${id})`;

export function eventsRepo(store: Store) {
  const { db } = store;
  const webhooks = webhooksRepo(store);
  /** Every logged change a webhook announces is announced from here, the one place every writer passes. */
  const announced = (event: EventRecord): Statement[] => {
    const fanOut = webhooks.fanOut(event);
    return fanOut ? [fanOut] : [];
  };
  return {
    /**
     * Two statements: the event, and its leaf at the next index of the site's log. `guard` (an SQL
     * condition evaluated inside the batch) lets a state change that lost a race write nothing.
     * The leaf index comes from MAX(idx)+1 inside the insert, and (site, idx) is the primary key,
     * so two writers can never share an index: the loser's batch fails and is retried.
     * A consent's event has a third statement: the consent's chain head moves to this leaf, and, when the event is
     * one webhooks announce (webhooks.ts), a fourth: its deliveries, written only if the event was.
     */
    append(event: EventRecord, guard?: SQL, options: { chained?: boolean } = {}): Statement[] {
      // `chained`: the consent was inserted by this batch with this leaf as its chain head (consents.insert with
      // chainHash): the head needs no moving.
      const moveChain = Boolean(event.data.consentId) && !options.chained;
      const data = JSON.stringify(event.data);
      const changed = changedOf(guard);
      const chain = chainAtOf(guard);
      if (guard && !changed && !chain) {
        return [
          db.run(sql`INSERT INTO consent_events (id, site_id, consent_id, type, at, data)
            SELECT ${event.id}, ${event.siteId}, ${event.consentId}, ${event.type}, ${event.at}, ${data} WHERE ${guard}`),
          db.run(sql`INSERT INTO log_leaves (site_id, idx, event_id, consent_id, leaf, leaf_hash)
            SELECT ${event.siteId}, COALESCE((SELECT MAX(idx) + 1 FROM log_leaves WHERE site_id = ${event.siteId}), 0),
              ${event.id}, ${event.consentId}, ${data}, ${event.leafHash}
            WHERE EXISTS (SELECT 1 FROM consent_events WHERE id = ${event.id})`),
          ...(moveChain ? [db.run(chainUpdate(event.id, event.consentId, event.leafHash))] : []),
          ...announced(event),
        ];
      }
      const statements = preparedFor(store, appendStatements);
      const values = {
        id: event.id,
        siteId: event.siteId,
        consentId: event.consentId,
        type: event.type,
        at: event.at,
        data,
        leafHash: event.leafHash,
      };
      return [
        changed
          ? bind(store, statements.guardedEvent, { ...values, guardId: changed.id, guardOpId: changed.opId })
          : chain
            ? bind(store, chain.sent ? statements.sentChainEvent : statements.chainEvent, {
                ...values,
                chainId: chain.id,
                chainHash: chain.hash,
                ...(chain.sent ? { sentId: chain.sent.id, sentToken: chain.sent.token, sentAt: chain.sent.at } : {}),
              })
            : bind(store, statements.event, values),
        bind(store, statements.leaf, values),
        ...(moveChain
          ? [bind(store, statements.chain, { id: event.id, consentId: event.consentId, leafHash: event.leafHash })]
          : []),
        ...announced(event),
      ];
    },
    /** Sites whose log does not announce the key `ref` (`key:<kid>`) yet. */
    async sitesWithout(ref: string): Promise<string[]> {
      const rows = await db.all<{ id: string }>(
        sql`SELECT s.id FROM sites s WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.site_id = s.id AND l.consent_id = ${ref})`,
      );
      return rows.map((r) => r.id);
    },
    async forConsent(consentId: string) {
      return db
        .select()
        .from(consentEvents)
        .where(eq(consentEvents.consentId, consentId))
        .orderBy(asc(consentEvents.at));
    },
    /** A consent's few leaves through the (site, consent) index, sorted here: ORDER BY idx made SQLite walk the log. */
    async leavesForConsent(siteId: string, consentId: string) {
      const rows = await db
        .select()
        .from(logLeaves)
        .where(and(eq(logLeaves.siteId, siteId), eq(logLeaves.consentId, consentId)));
      return rows.sort((a, b) => a.idx - b.idx);
    },
  };
}
export type EventsRepo = ReturnType<typeof eventsRepo>;
