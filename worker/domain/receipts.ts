// The consent receipt (fields after ISO/IEC TS 27560 and the Kantara Consent Receipt) and the proof document:
// receipt + its JWS + the log entries of the consent with inclusion paths to a signed checkpoint.
import type { ConsentRow } from '../db/consents.ts';
import { notFound } from '../errors.ts';
import { signReceipt } from '../crypto/signing.ts';
import type { PolicyFacts } from '../policy/facts.ts';
import { localizeFacts } from '../policy/render.ts';
import type { DomainContext } from './context.ts';
import { browserFamily, pageOriginAndPath } from './client-info.ts';
import { inclusions, latestHead, logOrigin } from './log.ts';
import type { ProofRows } from '../db/proofs.ts';

export const RECEIPT_SCHEMA = 'https://assent.dev/schemas/consent-receipt/v1';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `read`: the consent's subject and policy version when the caller already has them (the proof reads all at once). */
export async function buildReceipt(ctx: DomainContext, consent: ConsentRow, read?: Pick<ProofRows, 'subject' | 'policy'>) {
  const [subject, policy] = read
    ? [read.subject, read.policy]
    : await Promise.all([ctx.subjects.byId(consent.subjectId), ctx.policies.get(consent.siteId, consent.policyVersion, consent.locale)]);
  const facts = policy ? (localizeFacts(JSON.parse(policy.facts), consent.locale) as PolicyFacts) : null;
  return {
    schemaVersion: RECEIPT_SCHEMA,
    receiptId: consent.id,
    consentId: consent.id,
    site: consent.siteId,
    language: consent.locale,
    controller: facts
      ? { name: facts.controller.name, address: facts.controller.address, email: facts.controller.email }
      : null,
    subject: { phone: subject?.masked ?? null, country: subject?.country ?? null, erased: Boolean(subject?.erasedAt) },
    purposes: facts ? facts.purposes.map((p) => ({ id: p.id, description: p.description, legalBasis: p.legalBasis })) : [],
    notice: {
      policyVersion: consent.policyVersion,
      policySha256: consent.policySha256,
      policyUrl: `${ctx.publicUrl}/p/${consent.siteId}/${consent.policyVersion}`,
      widgetTextSha256: consent.textSha256,
      locale: consent.locale,
    },
    // Public: the page's origin and path and a browser family only, never a query string or a full user agent
    // (reduced again here for consents stored before they were reduced at collection).
    collection: {
      method: consent.collectionMethod,
      at: iso(consent.requestedAt),
      pageUrl: pageOriginAndPath(consent.pageUrl),
      ipPrefix: consent.ipPrefix,
      browser: browserFamily(consent.userAgent),
    },
    confirmation: consent.confirmedAt ? confirmation(consent) : null,
    withdrawal: consent.withdrawnAt
      ? { method: consent.withdrawMethod, at: iso(consent.withdrawnAt), keyword: consent.withdrawKeyword }
      : null,
    status: consent.status,
    renewalRequired: consent.renewalRequired,
    retention: facts?.retention ?? null,
    log: { origin: logOrigin(ctx, consent.siteId) },
  };
}

export type Receipt = Awaited<ReturnType<typeof buildReceipt>>;

/**
 * How the consent was confirmed. `link`: the confirming request's IP prefix and browser family, and whether they
 * match the request's (`sameDeviceAsRequest`); `reply`: the inbound channel the reply from the number came through.
 */
function confirmation(consent: ConsentRow) {
  const at = iso(consent.confirmedAt);
  if (consent.confirmMethod === 'reply') return { method: 'reply' as const, at, channel: consent.confirmChannel };
  const browser = consent.confirmBrowser;
  const ipPrefix = consent.confirmIpPrefix;
  const sameDeviceAsRequest =
    ipPrefix !== null && browser !== null && ipPrefix === consent.ipPrefix && browser === browserFamily(consent.userAgent);
  return { method: 'link' as const, at, ipPrefix, browser, sameDeviceAsRequest };
}

export async function proofDocument(ctx: DomainContext, consentId: string) {
  return (await proofSources(ctx, consentId)).doc;
}

/** The proof document and what it was built from: the policy version and the widget texts the consent cites. */
export async function proofSources(ctx: DomainContext, consentId: string) {
  // Two round trips: the consent with its subject, policy, log head and leaves in one batch, then every node the
  // inclusion paths need in one read.
  const read = /^[A-Za-z0-9_-]{22}$/.test(consentId) ? await ctx.proofs.rows(consentId) : null;
  if (!read) throw notFound('No proof with this id.');
  const { consent, leaves } = read;
  const [head, receipt] = await Promise.all([latestHead(ctx, consent.siteId, read.head), buildReceipt(ctx, consent, read)]);
  const jws = await signReceipt(receipt, ctx.keys.ring);
  // Entries the latest checkpoint covers carry their inclusion path; newer ones wait for the next integration.
  const covered = leaves.filter((l) => l.idx < head.size);
  const paths = await inclusions(ctx, consent.siteId, covered.map((l) => l.idx), head.size);
  const entries = covered.map((l, i) => ({ index: l.idx, leaf: JSON.parse(l.leaf) as Record<string, unknown>, inclusion: paths[i]! }));
  const pending = leaves.filter((l) => l.idx >= head.size).map((l) => ({ index: l.idx, leaf: JSON.parse(l.leaf) as Record<string, unknown> }));
  const status: 'included' | 'pending' = pending.length > 0 || leaves.length === 0 ? 'pending' : 'included';
  return { doc: { receipt, jws, log: { status, checkpoint: head.checkpoint, entries, pending } }, policy: read.policy, texts: read.texts };
}

export type ProofDocument = Awaited<ReturnType<typeof proofDocument>>;
