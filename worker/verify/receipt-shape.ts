// The receipt's exact shape (docs/formats.md §1): exactly the members the format defines, at every level, so a
// receipt re-signed with the service's key cannot carry a member the format does not have (a made-up `doubleOptIn`,
// a "confirmation" of nulls with a note) or a number in clear. Hand-written, no library: it runs in verify.mjs.

/** The receipt formats this verifier reads; another `schemaVersion` is refused, never guessed at. */
export const KNOWN_SCHEMAS = ['https://assent.dev/schemas/consent-receipt/v1'] as const;

/** How an erased subject's number reads: three U+2022. */
export const ERASED_PHONE = '•••';

/** The lawful bases of GDPR art. 6(1), as the receipt and the policy facts name them. */
export const LEGAL_BASES = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;
const STATUSES = ['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported'] as const;

type Rule = (value: unknown, path: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Rule = (v, p) => (typeof v === 'string' ? null : `${p} is not a string`);
const int: Rule = (v, p) => (Number.isSafeInteger(v) ? null : `${p} is not an integer`);
const bool: Rule = (v, p) => (typeof v === 'boolean' ? null : `${p} is not true or false`);
const nullable =
  (rule: Rule): Rule =>
  (v, p) =>
    v === null ? null : rule(v, p);
const oneOf =
  (values: readonly string[]): Rule =>
  (v, p) =>
    typeof v === 'string' && values.includes(v) ? null : `${p} is not one of ${values.join(', ')}`;
/** A text, or a `{locale: text}` object (policy wording in several languages). */
const localized: Rule = (v, p) =>
  typeof v === 'string' || (isObject(v) && Object.values(v).every((t) => typeof t === 'string'))
    ? null
    : `${p} is not a text or an object of texts by locale`;

/** An object with exactly these members (`optional` ones may be absent), each checked by its rule. */
function object(required: Record<string, Rule>, optional: Record<string, Rule> = {}): Rule {
  return (v, p) => {
    if (!isObject(v)) return `${p} is not an object`;
    for (const key of Object.keys(v))
      if (!(key in required) && !(key in optional))
        return `${p} has a member ${JSON.stringify(key)} the format does not define`;
    for (const [key, rule] of Object.entries(required)) {
      if (!(key in v)) return `${p}.${key} is missing`;
      const problem = rule(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    for (const [key, rule] of Object.entries(optional)) {
      if (!(key in v)) continue;
      const problem = rule(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
}
const array =
  (rule: Rule): Rule =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} is not an array`;
    for (let i = 0; i < v.length; i++) {
      const problem = rule(v[i], `${p}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };

const link = object({
  method: oneOf(['link']),
  at: str,
  ipPrefix: nullable(str),
  browser: nullable(str),
  sameDeviceAsRequest: bool,
});
const reply = object({ method: oneOf(['reply']), at: str, channel: nullable(str) });
/** `null`, or a confirmation by link or by reply: never an object of nulls. */
const confirmation: Rule = (v, p) => {
  if (v === null) return null;
  if (!isObject(v)) return `${p} is not an object or null`;
  if (v.method === 'link') return link(v, p);
  if (v.method === 'reply') return reply(v, p);
  return `${p}.method is not link or reply (a receipt with no confirmation says "confirmation": null)`;
};

const receipt = object(
  {
    schemaVersion: oneOf(KNOWN_SCHEMAS),
    receiptId: str,
    consentId: str,
    site: str,
    language: str,
    controller: nullable(object({ name: str, address: str, email: str })),
    subject: object({ phone: nullable(str), country: nullable(str), erased: bool }),
    purposes: array(object({ id: str, description: localized, legalBasis: oneOf(LEGAL_BASES) })),
    notice: object({ policyVersion: int, policySha256: str, policyUrl: str, widgetTextSha256: str, locale: str }),
    collection: object({
      method: str,
      at: str,
      pageUrl: nullable(str),
      ipPrefix: nullable(str),
      browser: nullable(str),
    }),
    confirmation,
    withdrawal: nullable(object({ method: str, at: str, keyword: nullable(str) })),
    status: oneOf(STATUSES),
    retention: nullable((v, p) =>
      isObject(v)
        ? (Object.entries(v)
            .map(([k, t]) => localized(t, `${p}.${k}`))
            .find(Boolean) ?? null)
        : `${p} is not an object or null`,
    ),
    log: object({ origin: str }),
  },
  {
    basis: oneOf(['existing_customer', 'imported']),
    // `sourceSha256` where the leaf logs the source's hash (the text then null once erased); absent where an earlier
    // leaf holds the text itself.
    imported: object(
      {
        declaredBy: oneOf(['site-owner']),
        consentedAt: str,
        source: nullable(str),
        wordingSha256: str,
        wording: nullable(str),
      },
      { sourceSha256: str },
    ),
    existingCustomer: object({
      purpose: str,
      saleDate: str,
      saleReference: str,
      noticeSha256: str,
      noticeText: nullable(str),
    }),
    renewals: array(object({ at: str, policyVersion: int, policySha256: str })),
  },
);

/**
 * A masked number as the service writes it (`+33 6 •• •• •• 78`): `+`, the calling code, a space, then digits,
 * U+2022 and spaces or hyphens, at least one digit masked and at most three shown (the first and the last two).
 * `•••` alone is a number the service could not parse, masked whole.
 */
export function isMaskedPhone(phone: string): boolean {
  if (phone === ERASED_PHONE) return true;
  const match = /^\+[0-9]{1,3} ([0-9•\- ]{1,40})$/.exec(phone);
  if (!match) return false;
  const national = match[1]!;
  const shown = national.replace(/[^0-9]/g, '').length;
  return national.includes('•') && shown <= 3;
}

/** What is wrong with the receipt's shape (the first problem), or null when it is exactly what §1 defines. */
export function receiptShapeProblem(value: unknown): string | null {
  const problem = receipt(value, 'receipt');
  if (problem) return problem;
  const r = value as Record<string, unknown>;
  if (r.receiptId !== r.consentId) return `receipt.receiptId ${JSON.stringify(r.receiptId)} is not its consentId`;
  const subject = r.subject as { phone: string | null; erased: boolean };
  if (subject.erased && subject.phone !== ERASED_PHONE)
    return `receipt.subject.phone of an erased subject is ${JSON.stringify(subject.phone)}, not "${ERASED_PHONE}"`;
  if (!subject.erased && subject.phone !== null && !isMaskedPhone(subject.phone))
    return `receipt.subject.phone ${JSON.stringify(subject.phone)} is not a masked number`;
  return null;
}
