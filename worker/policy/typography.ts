// French typography for text a French reader sees: a narrow no-break space (U+202F) before ; ! ?, a no-break space
// (U+00A0) before : and inside « », and one apostrophe (’). Applied to what owners type (policy facts, program
// texts) when a French page is rendered; the shipped templates are written this way already. Never applied to SMS
// (they stay GSM-7) nor to addresses: a URL or an e-mail is left as it is.
const NBSP = '\u00a0';
const NNBSP = '\u202f';
const ADDRESS = /^(?:https?:\/\/|mailto:)\S*$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/u;

/** `text` with French spacing and apostrophes; idempotent. Bounded: texts here are at most a few thousand characters. */
export function frenchTypography(text: string): string {
  if (ADDRESS.test(text.trim())) return text;
  return text
    .replace(/(?<=\p{L})'(?=\p{L})/gu, '’')
    .replace(/(?<=[^\s{])[ \u00a0\u202f]*([;!?])(?=\s|$)/gu, `${NNBSP}$1`)
    .replace(/(?<=[\p{L}\p{N})»*])[ \u00a0\u202f]*:(?=[ \u00a0]|$)/gu, `${NBSP}:`)
    .replace(/«[ \u00a0\u202f]*/gu, `«${NBSP}`)
    .replace(/[ \u00a0\u202f]*»/gu, `${NBSP}»`);
}

/** Every string in `value` (objects and arrays walked) with French typography. */
export function withFrenchTypography<T>(value: T): T {
  if (typeof value === 'string') return frenchTypography(value) as T;
  if (Array.isArray(value)) return value.map((v) => withFrenchTypography(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFrenchTypography(v)])) as T;
  }
  return value;
}
