// The consent receipt (fields after ISO/IEC TS 27560 and the Kantara Consent Receipt) and the proof document:
// receipt + its JWS + the log entries of the consent with inclusion paths to a signed checkpoint.
import type { ConsentRow } from '../../db/consents.ts';
import { notFound } from '../../errors.ts';
import { signReceipt } from '../../crypto/signing.ts';
import type { PolicyFacts } from '../../policy/facts.ts';
import { localizeFacts } from '../../policy/render.ts';
import type { DomainContext } from '../context.ts';
import { browserFamily, pageOriginAndPath } from '../consent/client-info.ts';
import { inclusions, latestHead, logOrigin, logSigner } from './transparency-log.ts';
import type { LogHead } from '../../db/log.ts';
import { fromBase64 } from '../../crypto/encoding.ts';
import { parseNote, signCheckpoint } from '../../crypto/note.ts';
import { appendSignatureLines, parseSignatureLines } from '../../crypto/cosignature.ts';
import type { ProofRows } from '../../db/proofs.ts';
import { deriveFacts, type ImportedFacts, type LeafFacts } from '../../verify/leaf-facts.ts';
import { announceKeys, keyRef } from './key-leaves.ts';
import { ID_PATTERN } from '../../crypto/tokens.ts';
import { ERASED_PHONE, KNOWN_SCHEMAS } from '../../verify/receipt-shape.ts';

export const RECEIPT_SCHEMA = KNOWN_SCHEMAS[0];

/**
 * The receipt states what the consent's leaves say (status, times, methods, what was shown: the same derivation
 * every verifier runs), plus what the log must not hold: the masked number, and the request's and confirmation's
 * IP prefix, browser family and page (gone once erased). Controller, purposes and retention are those of the cited
 * policy version, whose hash the first leaf holds. Erasure appends a leaf, so every earlier fact stays as signed.
 */
export function buildReceipt(
  ctx: DomainContext,
  consent: ConsentRow,
  read: Pick<ProofRows, 'subject' | 'policy' | 'leaves'>,
) {
  const facts = deriveFacts(read.leaves.map((l) => JSON.parse(l.leaf) as Record<string, unknown>));
  if (typeof facts === 'string') throw new Error(`consent ${consent.id}: ${facts}`);
  const { subject, policy } = read;
  const policyFacts = policy ? (localizeFacts(JSON.parse(policy.facts), facts.locale) as PolicyFacts) : null;
  const erased = facts.erasure !== null;
  return {
    schemaVersion: RECEIPT_SCHEMA,
    receiptId: facts.consentId,
    consentId: facts.consentId,
    site: facts.site,
    language: facts.locale,
    controller: policyFacts
      ? {
          name: policyFacts.controller.name,
          address: policyFacts.controller.address,
          email: policyFacts.controller.email,
        }
      : null,
    subject: { phone: erased ? ERASED_PHONE : (subject?.masked ?? null), country: subject?.country ?? null, erased },
    // An existing customer's record allows one purpose only: the receipt lists that one.
    purposes: policyFacts
      ? policyFacts.purposes
          .filter((p) => !facts.existingCustomer || p.id === facts.existingCustomer.purpose)
          .map((p) => ({ id: p.id, description: p.description, legalBasis: p.legalBasis }))
      : [],
    // Only in receipts of the exception and of renewed consents: a plain consent's receipt reads as it always did.
    ...(facts.existingCustomer
      ? {
          basis: 'existing_customer' as const,
          existingCustomer: { ...facts.existingCustomer, noticeText: consent.noticeText ?? null },
        }
      : {}),
    // An import says what the site owner declared, never a confirmation: `basis: "imported"` until the subscriber
    // confirms (a re-permission campaign), the declaration itself for ever (the leaves hold it).
    ...(facts.basis === 'imported' ? { basis: 'imported' as const } : {}),
    ...(facts.imported ? { imported: importedDeclaration(facts.imported, consent) } : {}),
    ...(facts.renewals.length > 0 ? { renewals: facts.renewals } : {}),
    notice: {
      policyVersion: facts.notice.policyVersion,
      policySha256: facts.notice.policySha256,
      policyUrl: `${ctx.publicUrl}/p/${facts.site}/${facts.notice.policyVersion}`,
      widgetTextSha256: facts.notice.widgetTextSha256,
      locale: facts.notice.locale,
    },
    // Public: the page's origin and path and a browser family only, never a query string or a full user agent
    // (reduced again here for consents stored before they were reduced at collection).
    collection: {
      method: facts.collection.method,
      at: facts.collection.at,
      pageUrl: pageOriginAndPath(consent.pageUrl),
      ipPrefix: consent.ipPrefix,
      browser: browserFamily(consent.userAgent),
    },
    confirmation: confirmation(consent, facts),
    withdrawal: facts.withdrawal
      ? { method: facts.withdrawal.method, at: facts.withdrawal.at, keyword: facts.withdrawal.keyword }
      : null,
    status: facts.status,
    retention: policyFacts?.retention ?? null,
    log: { origin: logOrigin(ctx, facts.site) },
  };
}

/**
 * What the owner declared, with the texts the log holds only by hash: the wording, and the source where its leaf logs
 * `sourceSha256` (the text from the consent's row, null once erased). A leaf logged before holds the source itself:
 * its receipt reads as it always did, with that text and no `sourceSha256`.
 */
function importedDeclaration(imported: ImportedFacts, consent: ConsentRow) {
  const { declaredBy, consentedAt, wordingSha256 } = imported;
  const wording = consent.noticeText ?? null;
  if (imported.sourceSha256 === null)
    return { declaredBy, consentedAt, source: imported.source, wordingSha256, wording };
  return {
    declaredBy,
    consentedAt,
    source: consent.importSource ?? null,
    sourceSha256: imported.sourceSha256,
    wordingSha256,
    wording,
  };
}

/** How an erased subject's number reads in a receipt (the verifier holds receipts to it). */
export { ERASED_PHONE };

export type Receipt = ReturnType<typeof buildReceipt>;

/**
 * How the consent was confirmed, as logged. `link`: whether the confirming request came from the request's device
 * (logged), with its IP prefix and browser family (kept until erasure); `reply`: the inbound channel.
 */
function confirmation(consent: ConsentRow, facts: LeafFacts) {
  const c = facts.confirmation;
  if (!c) return null;
  if (c.method === 'reply') return { method: 'reply' as const, at: c.at, channel: c.channel };
  return {
    method: 'link' as const,
    at: c.at,
    ipPrefix: consent.confirmIpPrefix,
    browser: consent.confirmBrowser,
    sameDeviceAsRequest: c.sameDeviceAsRequest,
  };
}

export async function proofDocument(ctx: DomainContext, consentId: string) {
  return (await proofSources(ctx, consentId)).doc;
}

/** The proof document and what it was built from: the policy version and the widget texts the consent cites. */
/**
 * `preferCosigned` (when witnesses are configured): the proof uses the newest checkpoint witnesses cosigned that
 * covers every leaf it shows, when the latest one is not cosigned yet, so an auditor's quorum check holds at once.
 */
export async function proofSources(ctx: DomainContext, consentId: string, options: { preferCosigned?: boolean } = {}) {
  // Two round trips: the consent with its subject, policy, log head and leaves in one batch, then every node the
  // inclusion paths need in one read.
  const rows = () => ctx.proofs.rows(consentId, keyRef(ctx.keys.ring.current.kid));
  let read = ID_PATTERN.test(consentId) ? await rows() : null;
  if (!read) throw notFound('No proof with this id.');
  // A key is announced before receipts it signs can verify: right after a rotation, before the jobs' next pass, the
  // announcement is appended now (pending its checkpoint), since verifiers refuse a key the covered log never names.
  if (read.keyLeaves.length === 0) {
    await announceKeys(ctx);
    read = (await rows()) ?? read;
  }
  const { consent, leaves } = read;
  const latest = await latestHead(ctx, consent.siteId, read.head);
  const receipt = buildReceipt(ctx, consent, read);
  const jws = await signReceipt(receipt, ctx.keys.ring);
  // Entries the latest checkpoint covers carry their inclusion path; newer ones wait for the next integration.
  // The log's announcement of the key that signs the receipt (its first one) is proven the same way.
  const announcement = read.keyLeaves.slice(0, 1);
  const needed = Math.max(-1, ...leaves.map((l) => l.idx), ...announcement.map((l) => l.idx)) + 1;
  const head = options.preferCosigned ? await cosignedCovering(ctx, consent.siteId, latest, needed) : latest;
  const covered = leaves.filter((l) => l.idx < head.size);
  const coveredKeys = announcement.filter((l) => l.idx < head.size);
  const paths = await inclusions(
    ctx,
    consent.siteId,
    [...covered, ...coveredKeys].map((l) => l.idx),
    head.size,
  );
  const leafOf = (l: { leaf: string }) => JSON.parse(l.leaf) as Record<string, unknown>;
  const entries = covered.map((l, i) => ({ index: l.idx, leaf: leafOf(l), inclusion: paths[i]! }));
  const pending = leaves.filter((l) => l.idx >= head.size).map((l) => ({ index: l.idx, leaf: leafOf(l) }));
  const keys = announcement.map((l) => ({
    index: l.idx,
    leaf: leafOf(l),
    inclusion: l.idx < head.size ? paths[covered.length]! : null,
  }));
  const status: 'included' | 'pending' = pending.length > 0 || leaves.length === 0 ? 'pending' : 'included';
  return {
    doc: { receipt, jws, log: { status, checkpoint: head.checkpoint, entries, pending, keys } },
    policy: read.policy,
    texts: read.texts,
  };
}

export type ProofDocument = Awaited<ReturnType<typeof proofDocument>>;

/**
 * The newest cosigned checkpoint of at least `needed` leaves (our signature, made again: Ed25519 is deterministic,
 * plus the witnesses' stored lines), or `latest` when it is cosigned already or no witness cosigned one that large.
 */
async function cosignedCovering(ctx: DomainContext, siteId: string, latest: LogHead, needed: number): Promise<LogHead> {
  if (needed === 0 || needed > latest.size || parseNote(latest.checkpoint).signatures.length > 1) return latest;
  const rows = await ctx.witness.latestCosigned(siteId, needed, latest.size);
  const first = rows[0];
  if (!first) return latest;
  const same = rows.filter((r) => r.rootHash === first.rootHash);
  const ours = await signCheckpoint(
    { origin: logOrigin(ctx, siteId), size: first.size, rootHash: fromBase64(first.rootHash) },
    await logSigner(ctx, siteId),
  );
  const checkpoint = appendSignatureLines(
    ours,
    same.flatMap((r) => parseSignatureLines(r.lines)),
  );
  return { ...latest, size: first.size, rootHash: first.rootHash, checkpoint };
}
