// Subscriber rights for site owners: list (the controller's own data), access export, and erasure.
// Erasure destroys the subject key; the blind index stays on the suppression list so a STOP keeps holding.
import type { Statement } from '../../db/client.ts';
import type { ConsentRow } from '../../db/consents.ts';
import type { SubjectRow } from '../../db/subjects.ts';
import { notFound } from '../../errors.ts';
import { proofUrl } from '../consent/lifecycle.ts';
import type { DomainContext } from '../context.ts';
import { consentChange } from '../proof-log/events.ts';
import { SUBSCRIBER_ID } from '../messaging/send-gate.ts';
import type { Site } from '../site/sites.ts';
import { erasedMark } from './erased-mark.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface SubscriberRow {
  phone: string | null;
  subscriberId: string;
  status: ConsentRow['status'];
  consentId: string;
  proofUrl: string;
  locale: string;
  policyVersion: number;
  requestedAt: string;
  confirmedAt: string | null;
  withdrawnAt: string | null;
  renewalRequired: boolean;
}

export async function listSubscribers(
  ctx: DomainContext,
  site: Site,
  options: { status?: ConsentRow['status']; cursor?: string; limit: number },
): Promise<{ rows: SubscriberRow[]; nextCursor: string | null }> {
  const page = await ctx.consents.listPage(site.id, options.status, options.cursor ?? '', options.limit);
  const rows = await Promise.all(
    page.map(async ({ consent, subject }) => ({
      phone:
        subject.wrappedKey && subject.phoneCiphertext
          ? await ctx.sealer.open(subject.wrappedKey, subject.id, subject.phoneCiphertext)
          : null,
      subscriberId: subject.id,
      status: consent.status,
      consentId: consent.id,
      proofUrl: proofUrl(ctx, consent.id),
      locale: consent.locale,
      policyVersion: consent.policyVersion,
      requestedAt: iso(consent.requestedAt)!,
      confirmedAt: iso(consent.confirmedAt),
      withdrawnAt: iso(consent.withdrawnAt),
      renewalRequired: consent.renewalRequired,
    })),
  );
  return { rows, nextCursor: page.length === options.limit ? page[page.length - 1]!.consent.id : null };
}

/** A live subscriber of this site by its id; another site's id, an unknown or an erased one is a 404. */
async function subjectOf(ctx: DomainContext, site: Site, subscriberId: string) {
  const subject = SUBSCRIBER_ID.test(subscriberId) ? await ctx.subjects.byId(subscriberId) : null;
  if (!subject || subject.siteId !== site.id || subject.erasedAt || !subject.wrappedKey || !subject.phoneCiphertext) {
    throw notFound('No subscriber with this id for this site.');
  }
  return subject;
}

/** Everything held about one number (GDPR Art. 15): consents with their events, messages, suppression. */
export async function exportSubscriber(ctx: DomainContext, site: Site, subscriberId: string) {
  const subject = await subjectOf(ctx, site, subscriberId);
  const consents = await ctx.consents.allForSubject(subject.id);
  return {
    subscriberId: subject.id,
    phone: await ctx.sealer.open(subject.wrappedKey!, subject.id, subject.phoneCiphertext!),
    site: site.id,
    firstSeenAt: iso(subject.createdAt),
    suppressed: await ctx.subjects.isSuppressed(site.id, subject.phoneIndex),
    consents: await Promise.all(
      consents.map(async (c) => ({
        consentId: c.id,
        proofUrl: proofUrl(ctx, c.id),
        // The same proof as standard records (ISO/IEC TS 27560 in DPV JSON-LD; Kantara Consent Receipt v1.1).
        standardRecords: {
          iso27560: `${proofUrl(ctx, c.id)}?format=iso27560`,
          kantara: `${proofUrl(ctx, c.id)}?format=kantara`,
        },
        status: c.status,
        locale: c.locale,
        policyVersion: c.policyVersion,
        collection: {
          method: c.collectionMethod,
          at: iso(c.requestedAt),
          pageUrl: c.pageUrl,
          ipPrefix: c.ipPrefix,
          browser: c.userAgent,
        },
        confirmation: c.confirmedAt
          ? {
              method: c.confirmMethod,
              at: iso(c.confirmedAt),
              ipPrefix: c.confirmIpPrefix,
              browser: c.confirmBrowser,
              channel: c.confirmChannel,
            }
          : null,
        withdrawal: c.withdrawnAt
          ? { method: c.withdrawMethod, at: iso(c.withdrawnAt), keyword: c.withdrawKeyword }
          : null,
        events: (await ctx.events.forConsent(c.id)).map((e) => JSON.parse(e.data) as unknown),
        messages: (await ctx.outbox.forConsent(c.id)).map((m) => ({
          kind: m.kind,
          status: m.status,
          deliveryStatus: m.deliveryStatus,
          createdAt: iso(m.createdAt),
          sentAt: iso(m.sentAt),
        })),
      })),
    ),
  };
}

/** Erasure (Art. 17) on request: the subject is erased and the number stays suppressed (the request is an objection). */
export async function eraseSubscriber(
  ctx: DomainContext,
  site: Site,
  subscriberId: string,
): Promise<{ erased: number }> {
  const subject = await subjectOf(ctx, site, subscriberId);
  return eraseSubject(ctx, subject, { reason: 'request', suppress: true });
}

/**
 * Every consent of the subject marked erased (logged, with the reason), its key, ciphertexts and blind index destroyed,
 * its queued messages cancelled; with `suppress` (or when it was suppressed already) the number stays suppressed as
 * a mark shared by many numbers.
 */
export async function eraseSubject(
  ctx: DomainContext,
  subject: SubjectRow,
  how: { reason: 'request' | 'retention'; suppress: boolean },
): Promise<{ erased: number }> {
  let total = 0;
  // A change loses only to another leaf of the same consent written since the read: read again, erase again.
  for (let round = 0; ; round++) {
    const now = ctx.clock();
    const consents = await ctx.consents.allForSubject(subject.id);
    if (round === 0) total = consents.length;
    const left = consents.filter((c) => c.status !== 'erased');
    if (round > 0 && left.length === 0) return { erased: total };
    if (round >= 20) throw new Error('erasure kept losing to concurrent changes');
    // Nothing kept may single the number out (erased-mark.ts): its index goes, and its suppression, asked for or from
    // an earlier STOP, becomes a mark that many numbers share. (An erased subject has no index left to act on.)
    const statements: Statement[] = [
      ...(subject.erasedAt ? [] : ctx.subjects.erase(subject, erasedMark(subject.phoneIndex), how.suppress, now)),
      ctx.outbox.cancelForSubject(subject.id),
    ];
    for (const consent of left) {
      const change = await consentChange(ctx, consent, {
        from: ['pending', 'confirmed', 'withdrawn', 'expired', 'imported'],
        set: {
          status: 'erased',
          userAgent: null,
          pageUrl: null,
          ipPrefix: null,
          confirmIpPrefix: null,
          confirmBrowser: null,
          // An import's source, in the owner's words, may name a person: it goes, its SHA-256 stays in the log.
          importSource: null,
        },
        event: 'erased',
        at: now,
        details: { previousStatus: consent.status, reason: how.reason },
      });
      statements.push(...change.statements);
    }
    await ctx.store.batch(statements as [Statement, ...Statement[]]);
    if (left.length === 0) return { erased: total };
  }
}
