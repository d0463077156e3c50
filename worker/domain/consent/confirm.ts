// Confirming a pending consent (link page POST or reply) with the evidence of how and from where, and expiring
// those past their deadline. Each change is one guarded batch, as every other consent change.
import type { Statement } from '../../db/client.ts';
import type { ConsentRow } from '../../db/consents.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import { systemMessage } from '../../sms/template.ts';
import { browserFamily, truncateIp } from './client-info.ts';
import type { DomainContext } from '../context.ts';
import { consentChange } from '../proof-log/events.ts';
import type { Site } from '../site/sites.ts';

/** How a confirmation arrived: a link opened from some browser, or a reply through an inbound channel. */
export type ConfirmHow =
  | { method: 'link'; ip?: string | undefined; userAgent?: string | undefined }
  | { method: 'reply'; channel: InboundChannel; messageId?: string; textSha256?: string };

/** The inbound routes a reply can come through (recorded as the confirmation's channel). */
export type InboundChannel = 'twilio' | 'generic' | 'vonage' | 'sinch' | 'brevo' | 'octopush' | 'ovh';

/**
 * What the confirmation records. A link confirmation from the same address prefix and browser family as the
 * request is the visitor's own device; a different one may be the phone (a link opened from the SMS) or anyone
 * who saw the link, such as the endpoint of a webhook provider. A reply comes from the number itself.
 */
function confirmationEvidence(consent: ConsentRow, how: ConfirmHow) {
  if (how.method === 'reply') {
    const reply = {
      ...(how.messageId ? { messageId: how.messageId } : {}),
      ...(how.textSha256 ? { textSha256: how.textSha256 } : {}),
    };
    return {
      set: { confirmMethod: 'reply', confirmChannel: how.channel },
      details: { method: 'reply', channel: how.channel, ...reply },
    };
  }
  const ipPrefix = truncateIp(how.ip);
  const browser = browserFamily(how.userAgent);
  const sameDeviceAsRequest =
    ipPrefix !== null &&
    browser !== null &&
    ipPrefix === consent.ipPrefix &&
    browser === browserFamily(consent.userAgent);
  return {
    set: { confirmMethod: 'link', confirmIpPrefix: ipPrefix, confirmBrowser: browser },
    details: { method: 'link', sameDeviceAsRequest },
  };
}

export type ConfirmOutcome =
  | { kind: 'confirmed' | 'already-confirmed' | 'expired' | 'withdrawn'; consent: ConsentRow }
  | { kind: 'unknown' };

/**
 * Confirms a pending consent from its token (link page POST or reply). Idempotent. The "confirmed" SMS is committed
 * with the change; ctx.onQueued sends it on its way.
 */
export async function confirmConsent(
  ctx: DomainContext,
  consent: ConsentRow,
  how: ConfirmHow,
  site: Site,
): Promise<ConfirmOutcome> {
  const outcome = await confirmChange(ctx, consent, how, site);
  if (outcome.kind === 'confirmed') ctx.onQueued();
  return outcome;
}

async function confirmChange(
  ctx: DomainContext,
  consent: ConsentRow,
  how: ConfirmHow,
  site: Site,
): Promise<ConfirmOutcome> {
  const now = ctx.clock();
  if (consent.status === 'confirmed') return { kind: 'already-confirmed', consent };
  if (consent.status === 'withdrawn' || consent.status === 'erased') return { kind: 'withdrawn', consent };
  if (consent.status === 'expired') return { kind: 'expired', consent };
  if (consent.expiresAt < now) {
    await expireConsent(ctx, consent);
    return { kind: 'expired', consent: (await ctx.consents.byId(consent.id)) ?? consent };
  }
  const subject = await ctx.subjects.byId(consent.subjectId);
  if (!subject?.wrappedKey) return { kind: 'withdrawn', consent };
  const unsubscribeToken = newToken(ctx.random);
  const evidence = confirmationEvidence(consent, how);
  const { opId, guard, statements } = await consentChange(ctx, consent, {
    from: ['pending'],
    set: {
      status: 'confirmed',
      confirmedAt: now,
      ...evidence.set,
      unsubscribeTokenHash: await sha256Hex(unsubscribeToken),
    },
    event: 'confirmed',
    at: now,
    details: evidence.details,
    when: ctx.consents.notExpiredAt(now),
  });
  const body = systemMessage('confirmed', consent.locale, {
    program: site.config.program.name,
    unsubscribeUrl: `${ctx.publicUrl}/u/${unsubscribeToken}`,
    shortCode: site.config.program.shortCode,
  });
  const results = await ctx.store.batch([
    ...(statements as [Statement, ...Statement[]]),
    ctx.subjects.unsuppress(consent.siteId, subject.phoneIndex, guard),
    ctx.outbox.enqueue(
      {
        id: newId(ctx.random, ctx.clock()),
        siteId: consent.siteId,
        subjectId: subject.id,
        consentId: consent.id,
        kind: 'confirmed',
        bodyCiphertext: await ctx.sealer.seal(subject.wrappedKey, subject.id, body),
        status: 'queued',
        nextAttemptAt: now,
        createdAt: now,
      },
      guard,
    ),
    // Confirming (by link or reply) is a contact the subscriber initiated: the number's retention starts again.
    ctx.subjects.contact(subject.id, now),
    // Read back in the same round trip: whether this change is the one that won.
    ctx.consents.row(consent.id),
  ]);
  const after = (results.at(-1) as ConsentRow[])[0] ?? consent;
  if (after.lastOpId === opId) return { kind: 'confirmed', consent: after };
  // Lost a race: report whatever won (a STOP wins over a confirm).
  return confirmChange(ctx, after, how, site);
}

async function expireConsent(ctx: DomainContext, consent: ConsentRow): Promise<void> {
  const now = ctx.clock();
  const { statements } = await consentChange(ctx, consent, {
    from: ['pending'],
    set: { status: 'expired' },
    event: 'expired',
    at: now,
    when: ctx.consents.expiredAt(now),
  });
  await ctx.store.batch(statements as [Statement, ...Statement[]]);
}

/** Expires pending consents past their deadline; returns how many. */
export async function expireDue(ctx: DomainContext, limit = 100): Promise<number> {
  const due = await ctx.consents.expiredPending(ctx.clock(), limit);
  for (const consent of due) await expireConsent(ctx, consent);
  return due.length;
}
