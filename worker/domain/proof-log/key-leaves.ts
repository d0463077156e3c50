// Keys are announced in each site's log: one `key-announced` leaf per receipt signing key (and the log key derived
// from it), so a receipt signed by a key the log never announced, such as a swapped one, is refused by verifiers.
import type { Statement } from '../../db/client.ts';
import type { EventRecord } from '../../db/events.ts';
import type { DomainContext } from '../context.ts';
import { newEvent } from './events.ts';
import { logOrigin } from './transparency-log.ts';
import { makeVerifierKey } from '../../crypto/note.ts';
import { fromBase64Url } from '../../crypto/encoding.ts';

/** Where a key's announcements are found in a site's log (an index entry; the leaf itself names no consent). */
export const keyRef = (kid: string) => `key:${kid}`;

/**
 * Appends a `key-announced` leaf for the current signing key to every site log that lacks one: a new site, or every
 * site after a rotation. One indexed read a pass when nothing is missing. Retired keys were announced while current.
 */
export async function announceKeys(ctx: DomainContext): Promise<number> {
  const key = ctx.keys.ring.current;
  const sites = await ctx.events.sitesWithout(keyRef(key.kid));
  for (const site of sites) {
    const event = await keyEvent(ctx, site, key);
    await ctx.store.batch(ctx.events.append(event) as [Statement, ...Statement[]]);
  }
  return sites.length;
}

/** The leaf, built as every event is (newEvent), indexed under the key's reference: the leaf names no consent. */
async function keyEvent(ctx: DomainContext, site: string, key: { kid: string; x: string }): Promise<EventRecord> {
  const event = await newEvent(ctx, {
    siteId: site,
    consentId: null,
    type: 'key-announced',
    at: ctx.clock(),
    details: {
      kid: key.kid,
      jwk: { kty: 'OKP', crv: 'Ed25519', x: key.x },
      verifierKey: await makeVerifierKey(logOrigin(ctx, site), fromBase64Url(key.x)),
    },
  });
  return { ...event, consentId: keyRef(key.kid) };
}
