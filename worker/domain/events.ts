// Builds the logged form of an event: a JSON object without personal data, and its RFC 9162 leaf hash.
import type { EventRecord } from '../db/events.ts';
import { toBase64 } from '../crypto/encoding.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { leafHash } from '../crypto/merkle.ts';
import { newId } from '../crypto/tokens.ts';
import type { DomainContext } from './context.ts';

export type EventType =
  | 'requested'
  | 'resent'
  | 'confirmed'
  | 'withdrawn'
  | 'expired'
  | 'erased'
  | 'superseded'
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
