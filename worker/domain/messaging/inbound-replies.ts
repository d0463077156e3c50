// Inbound SMS: keywords in every form (STOP, START, OUI/YES, HELP…) act on the sender's consents for the site.
// STOP withdraws everything and suppresses the number at once; replays (same message id) change nothing.
import type { SubjectRow } from '../../db/subjects.ts';
import { AppError } from '../../errors.ts';
import { decideInbound, type InboundDecision } from '../../sms/reply-effects.ts';
import { systemMessage } from '../../sms/template.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { confirmConsent, withdrawAll } from '../consent/lifecycle.ts';
import type { InboundChannel } from '../consent/confirm.ts';
import type { DomainContext } from '../context.ts';
import { normalisePhone } from '../consent/phone.ts';
import type { Site } from '../site/sites.ts';
import { recordContact } from '../subscribers/last-contact.ts';

export interface InboundMessage {
  from: string;
  body: string;
  messageId: string;
  /** The route it came through: recorded when a reply confirms an opt-in. */
  channel?: InboundChannel;
}

export interface InboundResult {
  replay: boolean;
  action: InboundDecision['effect'] | 'replay';
  keyword: string | null;
  /** The answer to send back, in the subscriber's language; null for free text or a replay. */
  reply: string | null;
}

export async function handleInbound(ctx: DomainContext, site: Site, msg: InboundMessage): Promise<InboundResult> {
  if (!(await ctx.inbound.claim(site.id, msg.messageId, ctx.clock()))) {
    return { replay: true, action: 'replay', keyword: null, reply: null };
  }
  try {
    const result = await apply(ctx, site, msg);
    await ctx.inbound.record(site.id, msg.messageId, result.action);
    // A change queues its messages (a withdrawal's notice); a confirmation kicked the send itself (confirmConsent).
    if (result.action !== 'none' && result.action !== 'confirm-pending') ctx.onQueued();
    return result;
  } catch (error) {
    // Not giving the claim back leaves it to go stale (inboundRepo.claim), so a retry is handled a minute later.
    await ctx.inbound.release(site.id, msg.messageId).catch((releaseError: unknown) => {
      ctx.logger.warn('inbound claim not released; a retry is handled once it goes stale', {
        error: releaseError instanceof Error ? releaseError.name : 'unknown',
      });
    });
    throw error;
  }
}

async function apply(ctx: DomainContext, site: Site, msg: InboundMessage): Promise<InboundResult> {
  let e164: string;
  try {
    e164 = normalisePhone(msg.from, site.config.defaultCountry, 'From').e164;
  } catch (error) {
    if (error instanceof AppError) return { replay: false, action: 'none', keyword: null, reply: null };
    throw error;
  }
  const phoneIndex = await ctx.sealer.blindIndex(site.id, e164);
  const subject: SubjectRow | null = await ctx.subjects.byIndex(site.id, phoneIndex);
  const [pending, suppressed, latest] = subject
    ? await Promise.all([
        ctx.consents.pendingForSubject(subject.id),
        ctx.subjects.isSuppressed(site.id, phoneIndex),
        ctx.consents.latestForSubject(subject.id),
      ])
    : [null, await ctx.subjects.isSuppressed(site.id, phoneIndex), null];
  const now = ctx.clock();
  // A reply is a contact the subscriber initiated, whatever it says: the number's retention starts again.
  if (subject && !subject.erasedAt) await recordContact(ctx, subject.id);
  const decision = decideInbound(msg.body, { pending: Boolean(pending && pending.expiresAt >= now), suppressed });
  const locale = latest?.locale ?? site.config.defaultLocale;
  const keyword = decision.match?.keyword ?? null;
  // What the log keeps of a reply that changes a consent: the provider's message id and the hash of the raw text.
  const evidence = { messageId: msg.messageId, textSha256: await sha256Hex(msg.body) };

  switch (decision.effect) {
    case 'withdraw-all-and-suppress':
      if (subject) await withdrawAll(ctx, subject, { method: 'sms', keyword: keyword ?? 'STOP', evidence });
      else await ctx.subjects.suppress(site.id, phoneIndex, 'withdrawn:sms', now);
      break;
    case 'lift-suppression':
      // START lifts the block but restores no consent: a new explicit opt-in (link in the reply) is needed.
      if (suppressed) await ctx.store.batch([ctx.subjects.unsuppress(site.id, phoneIndex)]);
      break;
    case 'confirm-pending': {
      // The "confirmed" SMS (with its unsubscribe link) leaves through the outbox, as after a link confirmation.
      const outcome = await confirmConsent(
        ctx,
        pending!,
        { method: 'reply', channel: msg.channel ?? 'generic', ...evidence },
        site,
      );
      if (outcome.kind !== 'confirmed' && outcome.kind !== 'already-confirmed') {
        return { replay: false, action: 'none', keyword, reply: reply(site, 'no-pending', locale, ctx) };
      }
      return { replay: false, action: 'confirm-pending', keyword, reply: null };
    }
    case 'none':
      break;
  }
  return {
    replay: false,
    action: decision.effect,
    keyword,
    reply: decision.reply ? reply(site, decision.reply, locale, ctx) : null,
  };
}

function reply(site: Site, kind: Parameters<typeof systemMessage>[0], locale: string, ctx: DomainContext): string {
  const { program } = site.config;
  return systemMessage(kind, locale, {
    program: program.name,
    shortCode: program.shortCode,
    helpContact: program.helpContact,
    frequency: program.frequency[locale] ?? program.frequency[site.config.defaultLocale] ?? '',
    url: `${ctx.publicUrl}/s/${site.id}`,
  });
}
