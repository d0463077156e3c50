// What a consent's logged leaves say happened, and whether a receipt says the same. The server builds receipts from
// these facts and every verifier recomputes them, so a receipt re-signed with the operator's key cannot state what
// the log does not: the log is the truth, the receipt its signed summary.
import { toBase64 } from '../crypto/encoding.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { leafHash } from '../crypto/merkle.ts';

export type ConsentStatus = 'pending' | 'confirmed' | 'withdrawn' | 'expired' | 'erased' | 'imported';

/** One SMS of the consent's own (the confirmation request, the confirmation) as logged, with its delivery reports. */
export interface LoggedSms {
  at: string;
  kind: string | null;
  provider: string | null;
  providerMessageId: string | null;
  bodySha256: string | null;
  messageId: string | null;
  delivery: { at: string; status: string }[];
}

/**
 * What an existing-customer record says (article L34-5 CPCE): the one purpose it allows, the sale's date, the keyed
 * HMAC of the sale's reference (the reference itself is never logged), and the SHA-256 of the notice the customer
 * was shown at collection (with the free opt-out it offered).
 */
export interface ExistingCustomerFacts {
  purpose: string;
  saleDate: string;
  saleReference: string;
  noticeSha256: string;
}

/**
 * What an import says (an `imported` first leaf): a consent the site owner declared when bringing an existing list in,
 * never confirmed by a double opt-in — when and where the owner says it was given, and the SHA-256 of the wording.
 * Where: leaves logged since the source could name a person hold only its SHA-256 (`sourceSha256`, `source` null; the
 * receipt carries the text until erasure); earlier leaves hold the text itself (`source`, `sourceSha256` null).
 */
export interface ImportedFacts {
  declaredBy: 'site-owner';
  consentedAt: string;
  source: string | null;
  sourceSha256: string | null;
  wordingSha256: string;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Where an `imported` leaf says the consent was given: its hash (current leaves) or its text (earlier ones), never both. */
function importedSource(leaf: Leaf): { source: string | null; sourceSha256: string | null } {
  const hasHash = 'sourceSha256' in leaf;
  const hasText = 'source' in leaf;
  if (hasHash === hasText) throw new Error('imported leaf: holds neither or both of source and sourceSha256');
  if (hasHash) {
    if (typeof leaf.sourceSha256 !== 'string' || !HEX_SHA256.test(leaf.sourceSha256))
      throw new Error('imported leaf: sourceSha256 is not a hex SHA-256');
    return { source: null, sourceSha256: leaf.sourceSha256 };
  }
  if (typeof leaf.source !== 'string') throw new Error('imported leaf: source is not a string');
  return { source: leaf.source, sourceSha256: null };
}

/** A renewal: the subscriber agreed to a later policy version (a new confirmation in the same chain). */
export interface RenewalFacts {
  at: string;
  policyVersion: number;
  policySha256: string;
}

export interface LeafFacts {
  consentId: string;
  site: string;
  status: ConsentStatus;
  /**
   * `consent` (a `requested` first leaf), `existing_customer` (a `recorded` first leaf), or `imported` (an `imported`
   * first leaf, until the subscriber confirms it: then `consent`, proven from then on).
   */
  basis: 'consent' | 'existing_customer' | 'imported';
  existingCustomer: ExistingCustomerFacts | null;
  imported: ImportedFacts | null;
  renewals: RenewalFacts[];
  locale: string;
  collection: { method: string; at: string };
  notice: { policyVersion: number; policySha256: string; widgetTextSha256: string; locale: string };
  /** The deadline to confirm (a `resent` leaf moves it). */
  expiresAt: string | null;
  confirmation:
    | { method: 'link'; at: string; sameDeviceAsRequest: boolean }
    | { method: 'reply'; at: string; channel: string | null; messageId: string | null; textSha256: string | null }
    | null;
  withdrawal: {
    method: string;
    at: string;
    keyword: string | null;
    messageId: string | null;
    textSha256: string | null;
  } | null;
  expiredAt: string | null;
  erasure: { at: string; reason: string | null; previousStatus: string | null } | null;
  messages: LoggedSms[];
  /** The time of the last leaf: the facts hold as of then (and of the checkpoint covering it). */
  lastAt: string;
}

type Leaf = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The facts of one consent from its leaves in log order, or a message naming what makes them unreadable (a first
 * leaf that is not `requested`, a second `requested`, a state change from a state that cannot have it).
 */
export function deriveFacts(leaves: readonly Leaf[]): LeafFacts | string {
  const first = leaves[0];
  if (!first) return 'no leaf';
  if (first.type !== 'requested' && first.type !== 'recorded' && first.type !== 'imported')
    return `the first leaf is ${String(first.type)}, not requested, recorded or imported`;
  const recorded = first.type === 'recorded';
  const imported = first.type === 'imported';
  const text = (leaf: Leaf, field: string): string => {
    const value = leaf[field];
    if (typeof value !== 'string') throw new Error(`${String(leaf.type)} leaf: ${field} is not a string`);
    return value;
  };
  try {
    const policyVersion = first.policyVersion;
    if (!Number.isSafeInteger(policyVersion)) return `${String(first.type)} leaf: policyVersion is not an integer`;
    if (recorded && first.basis !== 'existing_customer') return 'recorded leaf: basis is not existing_customer';
    // An import is a declaration by the site owner, never a double opt-in: a leaf saying otherwise is unreadable.
    if (imported && (first.basis !== 'imported' || first.declaredBy !== 'site-owner' || first.doubleOptIn !== false))
      return 'imported leaf: not declared by the site owner (basis imported, declaredBy site-owner, doubleOptIn false)';
    const facts: LeafFacts = {
      consentId: text(first, 'consentId'),
      site: text(first, 'site'),
      // An existing customer is not asked: the record itself is the basis, in force from the start.
      status: recorded ? 'confirmed' : imported ? 'imported' : 'pending',
      basis: recorded ? 'existing_customer' : imported ? 'imported' : 'consent',
      existingCustomer: recorded
        ? {
            purpose: text(first, 'purpose'),
            saleDate: text(first, 'saleDate'),
            saleReference: text(first, 'saleReference'),
            noticeSha256: text(first, 'noticeSha256'),
          }
        : null,
      imported: imported
        ? {
            declaredBy: 'site-owner',
            consentedAt: text(first, 'consentedAt'),
            ...importedSource(first),
            wordingSha256: text(first, 'wordingSha256'),
          }
        : null,
      renewals: [],
      locale: text(first, 'locale'),
      collection: {
        method: recorded ? 'existing-customer' : imported ? 'import' : text(first, 'method'),
        at: text(first, 'at'),
      },
      notice: {
        policyVersion: policyVersion as number,
        policySha256: text(first, 'policySha256'),
        widgetTextSha256: text(first, recorded ? 'noticeSha256' : imported ? 'wordingSha256' : 'textSha256'),
        locale: text(first, 'locale'),
      },
      expiresAt: str(first.expiresAt),
      confirmation: null,
      withdrawal: null,
      expiredAt: null,
      erasure: null,
      messages: [],
      lastAt: text(first, 'at'),
    };
    const moveFrom = (leaf: Leaf, from: ConsentStatus[], to: ConsentStatus) => {
      if (!from.includes(facts.status))
        throw new Error(`a ${String(leaf.type)} leaf follows the state ${facts.status}`);
      facts.status = to;
    };
    for (const leaf of leaves.slice(1)) {
      const at = text(leaf, 'at');
      facts.lastAt = at;
      switch (leaf.type) {
        case 'requested':
        case 'recorded':
        case 'imported':
          throw new Error(`a ${leaf.type} leaf after the first`);
        case 'renewed': {
          moveFrom(leaf, ['confirmed'], 'confirmed');
          const version = leaf.policyVersion;
          if (!Number.isSafeInteger(version)) throw new Error('renewed leaf: policyVersion is not an integer');
          facts.renewals.push({ at, policyVersion: version as number, policySha256: text(leaf, 'policySha256') });
          break;
        }
        case 'resent':
          moveFrom(leaf, ['pending'], 'pending');
          facts.expiresAt = str(leaf.expiresAt);
          break;
        case 'confirmed': {
          const wasImported = facts.status === 'imported';
          moveFrom(leaf, ['pending', 'imported'], 'confirmed');
          if (wasImported) {
            // Re-permission: the subscriber confirmed, from the link sent to the number, what the owner declared, for
            // the campaign's policy version. From then on the consent is proven like any other.
            const version = leaf.policyVersion;
            if (!Number.isSafeInteger(version))
              throw new Error('confirmed leaf of an import: policyVersion is not an integer');
            facts.basis = 'consent';
            facts.renewals.push({ at, policyVersion: version as number, policySha256: text(leaf, 'policySha256') });
          }
          facts.confirmation =
            leaf.method === 'reply'
              ? {
                  method: 'reply',
                  at,
                  channel: str(leaf.channel),
                  messageId: str(leaf.messageId),
                  textSha256: str(leaf.textSha256),
                }
              : { method: 'link', at, sameDeviceAsRequest: leaf.sameDeviceAsRequest === true };
          break;
        }
        case 'withdrawn':
          moveFrom(leaf, ['pending', 'confirmed', 'imported'], 'withdrawn');
          facts.withdrawal = {
            method: text(leaf, 'method'),
            at,
            keyword: str(leaf.keyword),
            messageId: str(leaf.messageId),
            textSha256: str(leaf.textSha256),
          };
          break;
        case 'expired':
          moveFrom(leaf, ['pending', 'imported'], 'expired');
          facts.expiredAt = at;
          break;
        case 'erased':
          moveFrom(leaf, ['pending', 'confirmed', 'withdrawn', 'expired', 'imported'], 'erased');
          facts.erasure = { at, reason: str(leaf.reason), previousStatus: str(leaf.previousStatus) };
          break;
        case 'sms-sent':
          facts.messages.push({
            at,
            kind: str(leaf.kind),
            provider: str(leaf.provider),
            providerMessageId: str(leaf.providerMessageId),
            bodySha256: str(leaf.bodySha256),
            messageId: str(leaf.messageId),
            delivery: [],
          });
          break;
        case 'delivery': {
          const sms = facts.messages.find((m) => m.messageId !== null && m.messageId === leaf.messageId);
          if (!sms) throw new Error('a delivery leaf names no SMS logged before it');
          sms.delivery.push({ at, status: text(leaf, 'status') });
          break;
        }
        default:
          throw new Error(`unknown leaf type ${String(leaf.type)}`);
      }
    }
    return facts;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Checks that the leaves (in index order) form one chain: the first names no predecessor, every later one names the
 * one before it (`prev: {index, hash}`, hash the base64 leaf hash). Null when they do, else what breaks it.
 */
export async function chainBreak(entries: readonly { index: number; leaf: Leaf }[]): Promise<string | null> {
  let previous: { index: number; hash: string } | null = null;
  for (const entry of entries) {
    const prev = entry.leaf.prev as { index?: unknown; hash?: unknown } | undefined;
    if (previous === null) {
      if (prev !== undefined)
        return `leaf ${entry.index} names a previous leaf ${String(prev?.index)} that the proof does not hold`;
    } else if (prev === undefined || typeof prev !== 'object' || prev === null) {
      return `leaf ${entry.index} names no previous leaf (expected ${previous.index})`;
    } else if (prev.index !== previous.index || prev.hash !== previous.hash) {
      return `leaf ${entry.index} follows leaf ${String(prev.index)}, but the proof's previous leaf is ${previous.index}: a leaf is missing`;
    }
    previous = { index: entry.index, hash: toBase64(await leafHash(jcsBytes(entry.leaf))) };
  }
  return null;
}

/** One receipt field and what the leaves say it must be. */
export interface FactMismatch {
  field: string;
  receipt: unknown;
  leaves: unknown;
}

const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);

/** The receipt fields the leaves determine, each with the value they give it. */
export function expectedReceiptFields(facts: LeafFacts): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    consentId: facts.consentId,
    site: facts.site,
    language: facts.locale,
    status: facts.status,
    'subject.erased': facts.erasure !== null,
    'notice.policyVersion': facts.notice.policyVersion,
    'notice.policySha256': facts.notice.policySha256,
    'notice.widgetTextSha256': facts.notice.widgetTextSha256,
    'notice.locale': facts.notice.locale,
    'collection.method': facts.collection.method,
    'collection.at': facts.collection.at,
    'confirmation.method': facts.confirmation?.method ?? null,
    'confirmation.at': facts.confirmation?.at ?? null,
    'withdrawal.method': facts.withdrawal?.method ?? null,
    'withdrawal.at': facts.withdrawal?.at ?? null,
    'withdrawal.keyword': facts.withdrawal?.keyword ?? null,
  };
  if (facts.confirmation?.method === 'link')
    fields['confirmation.sameDeviceAsRequest'] = facts.confirmation.sameDeviceAsRequest;
  if (facts.confirmation?.method === 'reply') fields['confirmation.channel'] = facts.confirmation.channel;
  // Receipts of plain consents carry neither member (their format predates both): a receipt claiming the
  // exception, or a renewal, that the leaves do not hold is refused all the same (expected: absent).
  fields.basis = facts.basis === 'consent' ? undefined : facts.basis;
  const ec = facts.existingCustomer;
  if (ec) {
    fields['existingCustomer.purpose'] = ec.purpose;
    fields['existingCustomer.saleDate'] = ec.saleDate;
    fields['existingCustomer.saleReference'] = ec.saleReference;
    fields['existingCustomer.noticeSha256'] = ec.noticeSha256;
  } else fields.existingCustomer = undefined;
  // An import's declaration: a receipt that drops it, or claims one the leaves do not hold, is refused.
  const im = facts.imported;
  if (im) {
    fields['imported.declaredBy'] = im.declaredBy;
    fields['imported.consentedAt'] = im.consentedAt;
    // The source: a current leaf binds the receipt's text by its hash (the notice check hashes it; the text is null once
    // erased); an earlier leaf holds the text, which the receipt repeats, with no hash beside it.
    if (im.sourceSha256 !== null) fields['imported.sourceSha256'] = im.sourceSha256;
    else {
      fields['imported.source'] = im.source;
      fields['imported.sourceSha256'] = undefined;
    }
    fields['imported.wordingSha256'] = im.wordingSha256;
  } else fields.imported = undefined;
  fields['renewals.length'] = facts.renewals.length > 0 ? facts.renewals.length : undefined;
  facts.renewals.forEach((r, i) => {
    fields[`renewals.${i}.at`] = r.at;
    fields[`renewals.${i}.policyVersion`] = r.policyVersion;
    fields[`renewals.${i}.policySha256`] = r.policySha256;
  });
  return fields;
}

/** Every receipt field that says something other than the leaves (a missing object counts as null). */
export function receiptMismatches(receipt: Record<string, unknown>, facts: LeafFacts): FactMismatch[] {
  const mismatches: FactMismatch[] = [];
  for (const [field, expected] of Object.entries(expectedReceiptFields(facts))) {
    const parent = field.includes('.') ? at(receipt, field.slice(0, field.lastIndexOf('.'))) : receipt;
    const value = parent === null ? null : at(receipt, field);
    if (value !== expected) mismatches.push({ field, receipt: value, leaves: expected });
  }
  return mismatches;
}

const day = (iso: string) => iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');

/** The facts in plain words, one line each, as of the log's checkpoint size when given. */
export function describeFacts(facts: LeafFacts, checkpointSize?: number): string[] {
  const ec = facts.existingCustomer;
  const lines = [
    facts.imported
      ? `imported from the site owner's list on ${day(facts.collection.at)}: consent declared by the site owner (given ${facts.imported.consentedAt}, ${facts.imported.source !== null ? `source "${facts.imported.source}"` : `source SHA-256 ${facts.imported.sourceSha256?.slice(0, 16)}…`}), not a double opt-in (${facts.locale}, policy version ${facts.notice.policyVersion})`
      : ec
        ? `recorded as an existing customer (article L34-5 CPCE) on ${day(facts.collection.at)}: sale of ${ec.saleDate}, purpose ${ec.purpose} only (${facts.locale}, policy version ${facts.notice.policyVersion})`
        : `asked by ${facts.collection.method} on ${day(facts.collection.at)} (${facts.locale}, policy version ${facts.notice.policyVersion})`,
  ];
  for (const sms of facts.messages) {
    const delivered = sms.delivery.length ? `; ${sms.delivery.map((d) => `${d.status} ${day(d.at)}`).join(', ')}` : '';
    lines.push(
      `${sms.kind ?? 'sms'} SMS sent ${day(sms.at)} via ${sms.provider ?? '?'} (${sms.providerMessageId ?? '?'}), body SHA-256 ${sms.bodySha256?.slice(0, 16) ?? '?'}…${delivered}`,
    );
  }
  const c = facts.confirmation;
  if (c)
    lines.push(
      c.method === 'link'
        ? `confirmed by SMS link on ${day(c.at)}${c.sameDeviceAsRequest ? ' (same device as the request)' : ''}`
        : `confirmed by reply on ${day(c.at)} via ${c.channel ?? '?'}`,
    );
  for (const r of facts.renewals) lines.push(`renewed for policy version ${r.policyVersion} on ${day(r.at)}`);
  const w = facts.withdrawal;
  if (w) lines.push(`withdrawn by ${w.method}${w.keyword ? ` (${w.keyword})` : ''} on ${day(w.at)}`);
  if (facts.expiredAt) lines.push(`expired unconfirmed on ${day(facts.expiredAt)}`);
  if (facts.erasure) lines.push(`erased (${facts.erasure.reason ?? '?'}) on ${day(facts.erasure.at)}`);
  const asOf =
    checkpointSize === undefined
      ? `as of ${day(facts.lastAt)}`
      : `as of checkpoint ${checkpointSize} (last event ${day(facts.lastAt)})`;
  const standing =
    facts.status === 'confirmed'
      ? 'confirmed, not withdrawn'
      : facts.status === 'imported'
        ? 'imported (declared by the site owner, not confirmed by the subscriber)'
        : facts.status;
  lines.push(`status: ${standing} ${asOf}`);
  return lines;
}
