// What a subscriber sees and may do from the unsubscribe link in their SMS (the link proves they hold the phone):
// their consents for this site with proofs and evidence, withdrawal, and erasure (GDPR Art. 17).
import type { ConsentRow } from '../../db/consents.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { proofUrl, withdrawAll } from '../consent/lifecycle.ts';
import type { DomainContext } from '../context.ts';
import { loadSite, type Site } from '../site/sites.ts';
import { eraseSubject } from './rights.ts';
import { recordContact, retainedUntil } from './last-contact.ts';

const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The consent a link in an SMS stands for (only its hash is stored), with its site; null for an unknown token. */
export async function byLinkToken(
  ctx: DomainContext,
  token: string,
  kind: 'confirm' | 'unsubscribe',
  /**
   * Whether this request is a contact the subscriber initiated: a button pressed on their page (a POST), not the page
   * shown (a GET, which a link scanner or a messaging app's preview also makes). False as well where the caller's own
   * write records the contact (a confirmation), saving a round trip.
   */
  contact: boolean,
): Promise<{ consent: ConsentRow; site: Site } | null> {
  if (!LINK_TOKEN.test(token)) return null;
  const hash = await sha256Hex(token);
  const consent =
    kind === 'confirm' ? await ctx.consents.byConfirmToken(hash) : await ctx.consents.byUnsubscribeToken(hash);
  if (!consent) return null;
  // Pressing a button behind a link of their own is a contact the subscriber initiated (the CNIL counts a click): the
  // number's retention starts again. No consent changes: only the retention clock moves. Only a POST counts: a GET
  // is made as well by link scanners and message previews, which the subscriber did not initiate.
  if (contact) await recordContact(ctx, consent.subjectId);
  return { consent, site: await loadSite(ctx, consent.siteId) };
}

export interface OwnConsent {
  id: string;
  status: ConsentRow['status'];
  policyVersion: number;
  requestedAt: number;
  confirmedAt: number | null;
  withdrawnAt: number | null;
  proofUrl: string;
  /** The self-contained file that verifies offline, years later, even without this service. */
  evidenceUrl: string;
}

export interface OwnView {
  /** The masked number ("+33 6 •• •• •• 78"), or null once erased. */
  maskedPhone: string | null;
  erasedAt: number | null;
  /** Newest first. */
  consents: OwnConsent[];
  /** A consent that still lets the site text this number (the unsubscribe button is shown). */
  active: boolean;
  /** When the number is erased at the latest unless the subscriber initiates a contact before; null once erased. */
  retainedUntil: number | null;
}

/** Everything the link's holder may see: the consents of the same subject (a subject belongs to one site). */
export async function ownView(ctx: DomainContext, consent: ConsentRow, site: Site): Promise<OwnView> {
  const subject = await ctx.subjects.byId(consent.subjectId);
  const rows = subject ? await ctx.consents.allForSubject(subject.id) : [consent];
  const consents = rows
    .filter((row) => row.siteId === consent.siteId)
    .map((row) => ({
      id: row.id,
      status: row.status,
      policyVersion: row.policyVersion,
      requestedAt: row.requestedAt,
      confirmedAt: row.confirmedAt,
      withdrawnAt: row.withdrawnAt,
      proofUrl: proofUrl(ctx, row.id),
      evidenceUrl: `${proofUrl(ctx, row.id)}/evidence`,
    }))
    .reverse();
  const erasedAt = subject?.erasedAt ?? null;
  return {
    maskedPhone: subject && !erasedAt ? subject.masked : null,
    erasedAt,
    consents,
    active:
      !erasedAt && consents.some((c) => c.status === 'confirmed' || c.status === 'pending' || c.status === 'imported'),
    retainedUntil: subject && !erasedAt ? retainedUntil(site.config, subject.lastContactAt ?? subject.createdAt) : null,
  };
}

/**
 * Erasure on the subscriber's own request: the number's key is destroyed (the ciphertext becomes unreadable), every
 * consent is marked erased in the signed log, queued messages are cancelled; the proofs stay with the number masked,
 * and the number stays suppressed so it is never texted again. Idempotent.
 */
export async function eraseOwnNumber(ctx: DomainContext, consent: ConsentRow): Promise<{ erased: boolean }> {
  const subject = await ctx.subjects.byId(consent.subjectId);
  if (!subject || subject.erasedAt) return { erased: false };
  await eraseSubject(ctx, subject, { reason: 'request', suppress: true });
  return { erased: true };
}

/** Unsubscribe from the link: every consent of the number is withdrawn and the number suppressed. Idempotent. */
export async function withdrawOwn(ctx: DomainContext, consent: ConsentRow): Promise<void> {
  const subject = await ctx.subjects.byId(consent.subjectId);
  if (subject && !subject.erasedAt) await withdrawAll(ctx, subject, { method: 'link' });
}

/** What a confirmation link stands for now: confirmable until it expires, else what became of the consent. */
export type ConfirmLinkStatus =
  | { kind: 'confirm'; expiresAt: number }
  | { kind: 'confirmed'; proofUrl: string; confirmedAt: number }
  | { kind: 'withdrawn' }
  | { kind: 'expired' };

export function confirmLinkStatus(
  ctx: Pick<DomainContext, 'clock' | 'publicUrl'>,
  consent: ConsentRow,
): ConfirmLinkStatus {
  if (consent.status === 'confirmed')
    return { kind: 'confirmed', proofUrl: proofUrl(ctx, consent.id), confirmedAt: consent.confirmedAt ?? ctx.clock() };
  if (consent.status === 'pending' && consent.expiresAt >= ctx.clock())
    return { kind: 'confirm', expiresAt: consent.expiresAt };
  return consent.status === 'withdrawn' ? { kind: 'withdrawn' } : { kind: 'expired' };
}
