// Builds the logged form of an event (a JSON object without personal data, and its RFC 9162 leaf hash), and the
// statements of a consent state change with its event.
import type { SQL } from 'drizzle-orm';
import type { Statement } from '../../db/client.ts';
import type { ConsentRow, ConsentStatus } from '../../db/consents.ts';
import type { EventRecord } from '../../db/events.ts';
import type { consents } from '../../db/schema.ts';
import { toBase64 } from '../../crypto/encoding.ts';
import { jcsBytes } from '../../crypto/jcs.ts';
import { leafHashSync } from '../../crypto/sha256.ts';
import { newId } from '../../crypto/tokens.ts';
import type { DomainContext } from '../context.ts';

type ConsentInsert = typeof consents.$inferInsert;

export type EventType =
  | 'requested'
  | 'recorded'
  | 'imported'
  | 'renewed'
  | 'resent'
  | 'confirmed'
  | 'withdrawn'
  | 'expired'
  | 'erased'
  | 'sms-sent'
  | 'delivery'
  | 'policy-published'
  | 'key-announced';

/** A consent's last leaf, which its next leaf names (index in the site's log, base64 leaf hash). */
export interface ChainHead {
  index: number;
  hash: string;
}

/** The chain head a consent row holds (null before its first leaf). */
export const chainOf = (consent: { chainIdx: number | null; chainHash: string | null }): ChainHead | null =>
  consent.chainIdx === null || consent.chainHash === null ? null : { index: consent.chainIdx, hash: consent.chainHash };

export async function newEvent(
  ctx: Pick<DomainContext, 'random'>,
  input: {
    siteId: string;
    consentId: string | null;
    type: EventType;
    at: number;
    details?: Record<string, unknown>;
    /** The consent's previous leaf: every leaf of a consent after the first names it. */
    prev?: ChainHead | null;
  },
): Promise<EventRecord> {
  const id = newId(ctx.random, input.at);
  const data: Record<string, unknown> = {
    v: 1,
    id,
    site: input.siteId,
    ...(input.consentId ? { consentId: input.consentId } : {}),
    type: input.type,
    at: new Date(input.at).toISOString(),
    ...(input.prev ? { prev: { index: input.prev.index, hash: input.prev.hash } } : {}),
    ...input.details,
  };
  return {
    id,
    siteId: input.siteId,
    consentId: input.consentId,
    type: input.type,
    at: input.at,
    data,
    // RFC 9162 leaf hash, synchronously (the verifier recomputes it with WebCrypto's digest).
    leafHash: toBase64(leafHashSync(jcsBytes(data))),
  };
}

/**
 * One consent state change as batch statements: the compare-and-set (from `from`, with an optional extra SQL
 * condition) and its logged event, which is written only if the change happened. `guard` lets the caller add more
 * statements under the same condition; `opId` tells afterwards whether this change is the one that won.
 */
export async function consentChange(
  ctx: Pick<DomainContext, 'random' | 'consents' | 'events'>,
  consent: { id: string; siteId: string; chainIdx: number | null; chainHash: string | null },
  change: {
    from: ConsentStatus[];
    set: Omit<Partial<ConsentInsert>, 'lastOpId'>;
    event: EventType;
    at: number;
    details?: Record<string, unknown>;
    when?: SQL;
  },
): Promise<{ opId: string; guard: SQL; statements: Statement[] }> {
  const opId = newId(ctx.random, change.at);
  const guard = ctx.consents.changed(consent.id, opId);
  const event = await newEvent(ctx, {
    siteId: consent.siteId,
    consentId: consent.id,
    type: change.event,
    at: change.at,
    prev: chainOf(consent),
    ...(change.details ? { details: change.details } : {}),
  });
  return {
    opId,
    guard,
    statements: [
      // Compare-and-set on the state and on the chain head: a leaf appended since the read makes this change lose.
      ctx.consents.transition(
        consent.id,
        change.from,
        { ...change.set, updatedAt: change.at, lastOpId: opId },
        change.when,
        {
          hash: consent.chainHash,
        },
      ),
      ...ctx.events.append(event, guard),
    ],
  };
}

/**
 * Appends a leaf to a consent's chain outside a state change (an SMS sent, a delivery report): guarded by the chain
 * head read, and read again and retried when another leaf of the consent won the race. False when the consent is
 * gone or the retries ran out (then nothing was written).
 */
export async function appendConsentLeaf(
  ctx: Pick<DomainContext, 'random' | 'consents' | 'events' | 'store'>,
  consentId: string,
  leaf: { type: EventType; at: number; details: Record<string, unknown> },
  attempts = 5,
): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const consent = await ctx.consents.byId(consentId);
    if (!consent) return false;
    const event = await newEvent(ctx, { siteId: consent.siteId, consentId, ...leaf, prev: chainOf(consent) });
    const [, , , read] = await ctx.store.batch([
      ...(ctx.events.append(event, ctx.consents.chainAt(consentId, consent.chainHash)) as [
        Statement,
        Statement,
        Statement,
      ]),
      ctx.consents.row(consentId),
    ]);
    if ((read as ConsentRow[])[0]?.chainHash === event.leafHash) return true;
  }
  return false;
}
