// What a verified proof says, in the words a verifier prints after its checks: what was shown, when and how consent
// was asked, confirmed and withdrawn, each SMS and delivery report as logged, and the status as of the checkpoint
// (proven by the log); then what only the receipt states (the masked number, controller, purposes, retention, page,
// address prefix, browser), which rests on the service's signature alone. Only shown when no check failed: an
// INVALID proof states nothing. A later source of facts adds rows here; the printers only walk the list.
import { parseCheckpoint } from '../crypto/note.ts';
import { deriveFacts, type LeafFacts } from './leaf-facts.ts';

export interface Fact {
  /** A short label, e.g. `confirmed`. */
  label: string;
  value: string;
  /**
   * `log`: recomputed from the consent's leaves (receipt-facts) or hashed against what they hold; `receipt`: stated
   * by the receipt alone, which anyone holding the service's signing key can re-sign saying otherwise.
   */
  source: 'log' | 'receipt';
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string =>
  typeof value === 'string' ? value : value === null || value === undefined ? '—' : JSON.stringify(value);
/** A localized text (`"…"` or `{fr: "…", en: "…"}`) in the receipt's language when it has one. */
const localized = (value: unknown, language: string): string => {
  if (typeof value === 'string') return value;
  const byLocale = record(value);
  const chosen = byLocale[language] ?? Object.values(byLocale)[0];
  return typeof chosen === 'string' ? chosen : text(value);
};

/**
 * Where the owner says an import's consent was given: the text and the SHA-256 the log holds (notice-texts hashed one
 * against the other), the hash alone once erased, or the text alone where an earlier leaf logged it in clear.
 */
const importSource = (im: Record<string, unknown>): string =>
  !('sourceSha256' in im)
    ? `source "${text(im.source)}"`
    : typeof im.source === 'string'
      ? `source "${im.source}", SHA-256 ${text(im.sourceSha256)}`
      : `source erased, SHA-256 ${text(im.sourceSha256)}`;

/** The facts of a proof or evidence document whose checks passed (or only wait for a checkpoint). */
export function verifiedFacts(document: unknown): Fact[] {
  const doc = record(document);
  const receipt = record(doc.receipt);
  const log = record(doc.log);
  const language = String(receipt.language ?? '');
  const facts: Fact[] = [];
  const add = (label: string, value: string) => facts.push({ label, value, source: 'log' });
  const stated = (label: string, value: string) => facts.push({ label, value, source: 'receipt' });

  add('consent', `${text(receipt.consentId)} (site ${text(receipt.site)})`);
  const subject = record(receipt.subject);
  stated(
    'subject',
    subject.erased === true
      ? `${text(subject.phone)} (erased)`
      : `${text(subject.phone)}${subject.country ? ` (${text(subject.country)})` : ''}`,
  );
  const controller = record(receipt.controller);
  stated(
    'controller',
    receipt.controller
      ? [controller.name, controller.address, controller.email].filter((v) => typeof v === 'string' && v).join(', ')
      : '—',
  );
  const purposes = Array.isArray(receipt.purposes) ? receipt.purposes.map(record) : [];
  for (const p of purposes)
    stated(
      'purpose',
      `${text(p.id)} (${text(p.legalBasis)})${p.description !== undefined ? `: ${localized(p.description, language)}` : ''}`,
    );
  if (receipt.basis === 'existing_customer') {
    const ec = record(receipt.existingCustomer);
    add(
      'basis',
      `existing customer (article L34-5 CPCE): sale of ${text(ec.saleDate)}, purpose ${text(ec.purpose)} only, notice SHA-256 ${text(ec.noticeSha256)}`,
    );
  }
  if (receipt.imported) {
    const im = record(receipt.imported);
    add(
      'imported',
      `declared by the site owner, not proven by the subscriber: consent given ${text(im.consentedAt)} (${importSource(im)}), wording SHA-256 ${text(im.wordingSha256)}`,
    );
  }
  const notice = record(receipt.notice);
  add('policy', `version ${text(notice.policyVersion)} (${text(notice.locale)}), SHA-256 ${text(notice.policySha256)}`);
  add('widget texts', `SHA-256 ${text(notice.widgetTextSha256)} (JCS of the texts shown)`);

  // Times and methods: the receipt's, which receipt-facts held equal to the leaves; SMS and deliveries: the leaves'.
  const collection = record(receipt.collection);
  add('requested', `${text(collection.at)} by ${text(collection.method)}`);
  if (collection.pageUrl) stated('page', text(collection.pageUrl));
  const from = (what: Record<string, unknown>) =>
    [what.ipPrefix, what.browser].filter((v) => typeof v === 'string' && v).join(', ');
  if (from(collection)) stated('requested from', from(collection));
  const entries = [
    ...(Array.isArray(log.entries) ? log.entries : []),
    ...(Array.isArray(log.pending) ? log.pending : []),
  ]
    .map(record)
    .sort((a, b) => Number(a.index) - Number(b.index));
  const leaves = deriveFacts(entries.map((e) => record(e.leaf)));
  const derived: LeafFacts | null = typeof leaves === 'string' ? null : leaves;
  for (const sms of derived?.messages ?? []) {
    const delivery = sms.delivery.map((d) => `${d.status} ${d.at}`).join(', ');
    add(
      'sms sent',
      `${sms.at} ${sms.kind ?? ''} via ${sms.provider ?? '?'} (message ${sms.providerMessageId ?? '?'}), body SHA-256 ${sms.bodySha256 ?? '?'}${delivery ? `; ${delivery}` : ''}`.replace(
        / {2,}/g,
        ' ',
      ),
    );
  }
  const confirmation = receipt.confirmation ? record(receipt.confirmation) : null;
  add(
    'confirmed',
    !confirmation
      ? receipt.basis === 'existing_customer'
        ? 'not asked: the existing-customer exception needs no confirmation'
        : receipt.basis === 'imported'
          ? 'never: an imported consent is only declared by the site owner'
          : 'not confirmed'
      : confirmation.method === 'link'
        ? `${text(confirmation.at)} by SMS link, ${confirmation.sameDeviceAsRequest === true ? 'on the device that asked' : 'on another device than the one that asked'}`
        : `${text(confirmation.at)} by reply${confirmation.channel ? ` via ${text(confirmation.channel)}` : ''}`,
  );
  if (confirmation && from(confirmation)) stated('confirmed from', from(confirmation));
  for (const r of derived?.renewals ?? []) add('renewed', `${r.at} for policy version ${r.policyVersion}`);
  const withdrawal = receipt.withdrawal ? record(receipt.withdrawal) : null;
  add(
    'withdrawn',
    withdrawal
      ? `${text(withdrawal.at)} by ${text(withdrawal.method)}${withdrawal.keyword ? ` (${text(withdrawal.keyword)})` : ''}`
      : 'not withdrawn',
  );
  if (derived?.expiredAt) add('expired', `${derived.expiredAt} (never confirmed)`);
  if (derived?.erasure)
    add('erased', `${derived.erasure.at}${derived.erasure.reason ? ` (${derived.erasure.reason})` : ''}`);

  let asOf = 'as of no signed checkpoint yet';
  try {
    if (typeof log.checkpoint === 'string') {
      const cp = parseCheckpoint(log.checkpoint);
      asOf = `as of checkpoint ${cp.size} (${cp.origin}, size ${cp.size})`;
    }
  } catch {
    // An unreadable checkpoint already failed its check; no facts are printed then.
  }
  const status = String(receipt.status);
  const waiting =
    Array.isArray(log.pending) && log.pending.length > 0
      ? `; ${log.pending.length} later event(s) not yet in a checkpoint`
      : '';
  // Offline, a leaf logged after the file's last one cannot be seen: say which leaf the status holds as of.
  const last = entries.at(-1);
  const lastLeaf = last ? `; the consent's last leaf in this file is ${String(last.index)}` : '';
  add('status', `${status === 'confirmed' ? 'confirmed, not withdrawn' : status} ${asOf}${lastLeaf}${waiting}`);
  const retention = record(receipt.retention);
  for (const [kind, period] of Object.entries(retention)) stated(`kept (${kind})`, localized(period, language));
  if (typeof notice.policyUrl === 'string') stated('policy URL', notice.policyUrl);
  return facts;
}

/**
 * The facts as printed: those the log proves under `heading`, then those the receipt alone states, under a heading
 * that says what they rest on and where controller, purposes and retention can be checked (the policy text the log
 * names by its hash).
 */
export function formatFactSections(facts: readonly Fact[], heading: string, policy: string): string[] {
  const width = Math.max(...facts.map((f) => f.label.length));
  const line = (f: Fact) => `  ${f.label.padEnd(width)}  ${f.value}`;
  const own = facts.filter((f) => f.source === 'receipt');
  return [
    heading,
    ...facts.filter((f) => f.source === 'log').map(line),
    ...(own.length
      ? [
          `Stated by the receipt only, resting on the service's signature alone (not in the log; controller, purposes and retention must be those of ${policy}: read it to check them):`,
          ...own.map(line),
        ]
      : []),
  ];
}

/** The facts as printed lines, labels aligned. */
export function formatFacts(facts: readonly Fact[]): string[] {
  const width = Math.max(...facts.map((f) => f.label.length));
  return facts.map((f) => `  ${f.label.padEnd(width)}  ${f.value}`);
}
