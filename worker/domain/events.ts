// Builds the logged form of an event (a JSON object without personal data, and its RFC 9162 leaf hash), and the
// statements of a consent state change with its event.
import type { SQL } from 'drizzle-orm';
import type { Statement } from '../db/client.ts';
import type { ConsentStatus } from '../db/consents.ts';
import type { EventRecord } from '../db/events.ts';
import type { consents } from '../db/schema.ts';
import { toBase64 } from '../crypto/encoding.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { leafHash } from '../crypto/merkle.ts';
import { newId } from '../crypto/tokens.ts';
import type { DomainContext } from './context.ts';

type ConsentInsert = typeof consents.$inferInsert;

export type EventType =
  | 'requested'
  | 'resent'
  | 'confirmed'
  | 'withdrawn'
  | 'expired'
  | 'erased'
  | 'policy-published';

export async function newEvent(
  ctx: Pick<DomainContext, 'random'>,
  input: { siteId: string; consentId: string | null; type: EventType; at: number; details?: Record<string, unknown> },
): Promise<EventRecord> {
  const id = newId(ctx.random);
  const data: Record<string, unknown> = {
    v: 1,
    id,
    site: input.siteId,
    ...(input.consentId ? { consentId: input.consentId } : {}),
    type: input.type,
    at: new Date(input.at).toISOString(),
    ...input.details,
  };
  return {
    id,
    siteId: input.siteId,
    consentId: input.consentId,
    type: input.type,
    at: input.at,
    data,
    leafHash: toBase64(await leafHash(jcsBytes(data))),
  };
}

/**
 * One consent state change as batch statements: the compare-and-set (from `from`, with an optional extra SQL
 * condition) and its logged event, which is written only if the change happened. `guard` lets the caller add more
 * statements under the same condition; `opId` tells afterwards whether this change is the one that won.
 */
export async function consentChange(
  ctx: Pick<DomainContext, 'random' | 'consents' | 'events'>,
  consent: { id: string; siteId: string },
  change: {
    from: ConsentStatus[];
    set: Omit<Partial<ConsentInsert>, 'lastOpId'>;
    event: EventType;
    at: number;
    details?: Record<string, unknown>;
    when?: SQL;
  },
): Promise<{ opId: string; guard: SQL; statements: Statement[] }> {
  const opId = newId(ctx.random);
  const guard = ctx.consents.changed(consent.id, opId);
  const event = await newEvent(ctx, {
    siteId: consent.siteId,
    consentId: consent.id,
    type: change.event,
    at: change.at,
    ...(change.details ? { details: change.details } : {}),
  });
  return {
    opId,
    guard,
    statements: [
      ctx.consents.transition(consent.id, change.from, { ...change.set, updatedAt: change.at, lastOpId: opId }, change.when),
      ...ctx.events.append(event, guard),
    ],
  };
}
