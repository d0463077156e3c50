// The existing-customer exception of article L34-5 of the French Postal and Electronic Communications Code (CPCE):
// a customer may be texted about the seller's own similar products or services without prior consent, when the
// number was collected at a sale, the customer was told so and could refuse for free, at collection and in every
// message. The CNIL rests it on legitimate interests and refuses it where no sale took place (an account alone is
// not enough): https://www.cnil.fr/fr/la-prospection-commerciale-par-sms-mms. The owner records it through the API,
// with the sale (its reference kept only as a keyed HMAC, its date) and the exact notice the customer was shown; it
// is logged as a `recorded` leaf and allows only the purpose the published policy declares for it.
import type { Statement } from '../../db/client.ts';
import type { SubjectRow } from '../../db/subjects.ts';
import { AppError, type ProblemCode } from '../../errors.ts';
import { toHex } from '../../crypto/encoding.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import type { PolicyFacts } from '../../policy/facts.ts';
import type { DomainContext } from '../context.ts';
import { newEvent } from '../proof-log/events.ts';
import { erasedMark } from '../subscribers/erased-mark.ts';
import type { Site } from '../site/sites.ts';
import { allowedCountries } from '../site/config.ts';
import { proofUrl } from './lifecycle.ts';
import { normalisePhone } from './phone.ts';

export interface ExistingCustomerRecord {
  phone: string;
  country?: string | undefined;
  purpose: string;
  /** The sale that makes the person a customer: the owner's reference (order or invoice number) and its date. */
  sale: { reference: string; date: string };
  /** What the customer was shown when the number was collected (with the free opt-out), in its locale. */
  notice: { text: string; locale: string };
}

export interface ExistingCustomerOutcome {
  consentId: string;
  subscriberId: string;
  status: 'confirmed';
  basis: 'existing_customer';
  purpose: string;
  maskedPhone: string;
  proofUrl: string;
}

/**
 * The CNIL keeps a customer's data for prospecting at most three years from the end of the commercial relationship
 * (référentiel « gestion commerciale », https://www.cnil.fr/fr/la-prospection-commerciale-par-sms-mms): a sale older
 * than that no longer makes the person a customer who may be texted.
 */
const MAX_SALE_AGE_MS = 3 * 366 * 86_400_000;

const invalid = (path: string, message: string, code: ProblemCode = 'validation_failed', status = 422) =>
  new AppError(code, status, message, { errors: [{ path, message }] });

/** The sale's reference, keyed like the blind index (HMAC under the master key), never stored or logged as given. */
export const saleReferenceHmac = (ctx: Pick<DomainContext, 'sealer'>, siteId: string, reference: string) =>
  ctx.sealer.blindIndex(siteId, `sale-reference\n${reference}`);

/** The purpose the latest published policy declares for the exception, with that version's number and hash. */
async function declaredPurpose(ctx: DomainContext, site: Site, locale: string, purpose: string) {
  const version = await ctx.policies.latestVersion(site.id);
  const row = version === null ? null : await ctx.policies.get(site.id, version, locale);
  if (!row) throw invalid('notice.locale', `No published policy in "${locale}" for this site.`);
  const facts = JSON.parse(row.facts) as PolicyFacts;
  const declared = facts.purposes.find((p) => p.existingCustomer === true);
  if (!declared)
    throw invalid(
      'purpose',
      'The published policy declares no existing-customer purpose (policy.purposes[].existingCustomer).',
    );
  if (declared.id !== purpose)
    throw invalid('purpose', `The existing-customer exception allows only the purpose "${declared.id}".`);
  return { version: row.version, sha256: row.sha256 };
}

export async function recordExistingCustomer(
  ctx: DomainContext,
  site: Site,
  record: ExistingCustomerRecord,
): Promise<ExistingCustomerOutcome> {
  if (!site.config.locales.includes(record.notice.locale))
    throw invalid('notice.locale', `The site does not offer the locale "${record.notice.locale}".`);
  const now = ctx.clock();
  const saleAt = Date.parse(`${record.sale.date}T00:00:00Z`);
  if (Number.isNaN(saleAt)) throw invalid('sale.date', 'Not a calendar date (YYYY-MM-DD).');
  if (saleAt > now) throw invalid('sale.date', 'The sale is in the future.');
  if (now - saleAt > MAX_SALE_AGE_MS)
    throw invalid('sale.date', 'The sale is more than three years old: the person is no longer a customer to text.');
  const phone = normalisePhone(record.phone, record.country ?? site.config.defaultCountry);
  if (!allowedCountries(site.config).includes(phone.country))
    throw invalid('phone', `Numbers from ${phone.country} are not accepted by this site.`, 'country_not_allowed');
  const policy = await declaredPurpose(ctx, site, record.notice.locale, record.purpose);
  const phoneIndex = await ctx.sealer.blindIndex(site.id, phone.e164);
  // An objection holds: a number that said STOP (or was erased on request) is not put back by its seller.
  if (await ctx.subjects.isSuppressed(site.id, phoneIndex, erasedMark(phoneIndex)))
    throw invalid('phone', 'This number opted out: it cannot be recorded again.', 'suppressed', 409);
  let subject = await ctx.subjects.byIndex(site.id, phoneIndex);
  if (subject?.wrappedKey && (await ctx.consents.activeForSubject(subject.id)).length > 0)
    throw invalid('phone', 'This number has a consent in force already.', 'already_subscribed', 409);
  const statements: Statement[] = [];
  const revived = Boolean(subject && !subject.wrappedKey);
  if (!subject?.wrappedKey) {
    const id = subject?.id ?? newId(ctx.random, ctx.clock());
    const {
      wrappedKey,
      sealed: [phoneCiphertext],
    } = await ctx.sealer.newSubject(id, [phone.e164]);
    const fresh: SubjectRow = {
      id,
      siteId: site.id,
      phoneIndex,
      phoneCiphertext: phoneCiphertext!,
      wrappedKey,
      country: phone.country,
      masked: phone.mask(),
      createdAt: now,
      erasedAt: null,
      // The retention clock starts at the sale, the last contact the customer initiated.
      lastContactAt: saleAt,
    };
    statements.push(subject ? ctx.subjects.revive(fresh) : ctx.subjects.insert(fresh));
    subject = fresh;
  }
  const consentId = newId(ctx.random, ctx.clock());
  const opId = newId(ctx.random, ctx.clock());
  const saleReference = await saleReferenceHmac(ctx, site.id, record.sale.reference);
  const noticeSha256 = await sha256Hex(record.notice.text);
  const event = await newEvent(ctx, {
    siteId: site.id,
    consentId,
    type: 'recorded',
    at: now,
    prev: null,
    details: {
      basis: 'existing_customer',
      purpose: record.purpose,
      locale: record.notice.locale,
      policyVersion: policy.version,
      policySha256: policy.sha256,
      saleDate: record.sale.date,
      saleReference,
      noticeSha256,
    },
  });
  const row: Parameters<typeof ctx.consents.insert>[0] = {
    id: consentId,
    siteId: site.id,
    subjectId: subject.id,
    status: 'confirmed',
    basis: 'existing_customer',
    purpose: record.purpose,
    saleRefHmac: saleReference,
    saleDate: record.sale.date,
    noticeText: record.notice.text,
    locale: record.notice.locale,
    policyVersion: policy.version,
    policySha256: policy.sha256,
    textSha256: noticeSha256,
    collectionMethod: 'existing-customer',
    // No link confirms a record: a random stand-in no token hashes to, as for an unconfirmed request's unsubscribe.
    confirmTokenHash: toHex(ctx.random(32)),
    unsubscribeTokenHash: await sha256Hex(newToken(ctx.random)),
    requestedAt: now,
    expiresAt: now,
    confirmedAt: now,
    updatedAt: now,
    lastOpId: opId,
  };
  statements.push(
    revived ? ctx.consents.insertIfSubjectKey(row, subject.id, subject.wrappedKey!) : ctx.consents.insert(row),
  );
  statements.push(...ctx.events.append(event, ctx.consents.changed(consentId, opId)));
  await ctx.store.batch(statements as [Statement, ...Statement[]]);
  return {
    consentId,
    subscriberId: subject.id,
    status: 'confirmed',
    basis: 'existing_customer',
    purpose: record.purpose,
    maskedPhone: subject.masked,
    proofUrl: proofUrl(ctx, consentId),
  };
}
