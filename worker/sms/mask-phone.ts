// Masks a number for receipts, pages and the console provider's log: enough to recognise it, not to dial it.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';
import { metadata } from './phone-metadata.ts';

/** `+33 6•• •• •• 78`: calling code, first national digit and last two digits; the rest masked. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? maskParsed(parsed) : '•••';
}

/** maskPhone of a number already parsed (normalisePhone's), without parsing its E.164 form again. */
export function maskParsed(parsed: PhoneNumber): string {
  const formatted = formatInternational(parsed);
  const prefix = `+${parsed.countryCallingCode}`;
  const national = formatted.slice(prefix.length);
  let digits = 0;
  for (let i = 0; i < national.length; i++) if (isDigit(national.charCodeAt(i))) digits++;
  let seen = 0;
  let masked = prefix;
  for (let i = 0; i < national.length; i++) {
    const c = national[i]!;
    if (!isDigit(national.charCodeAt(i))) masked += c;
    else {
      seen += 1;
      masked += seen === 1 || seen > digits - 2 ? c : '•';
    }
  }
  return masked;
}
const isDigit = (code: number) => code >= 48 && code <= 57;

interface CompiledFormat {
  /** The last leading-digits pattern, which the number must match from its first digit (none: any number). */
  leading: RegExp | null;
  entire: RegExp;
  pattern: RegExp;
  international: string;
}
const formatsByPlan = new Map<string, { callingCode: string; formats: CompiledFormat[] }>();

function formatsOf(key: string) {
  let plan = formatsByPlan.get(key);
  if (!plan) {
    metadata.selectNumberingPlan(key);
    plan = {
      callingCode: metadata.countryCallingCode(),
      formats: metadata.formats().map((format) => {
        const leading = format.leadingDigitsPatterns();
        return {
          leading: leading.length > 0 ? new RegExp(leading[leading.length - 1]!) : null,
          entire: new RegExp(`^(?:${format.pattern()})$`),
          pattern: new RegExp(format.pattern()),
          international: format.internationalFormat(),
        };
      }),
    };
    formatsByPlan.set(key, plan);
  }
  return plan;
}

/** libphonenumber-js's separator style for international formats (applyInternationalSeparatorStyle.js). */
const PUNCTUATION =
  /[-\u2010-\u2015\u2212\u30FC\uFF0D\uFF0F/\uFF0E. \xA0\xAD\u200B\u2060\u3000()\uFF08\uFF09\uFF3B\uFF3D[\]~\u2053\u223C\uFF5E]+/g;

/**
 * PhoneNumber.formatInternational() with each numbering plan's formats compiled once: libphonenumber-js builds a
 * Format object for every format of the plan and compiles up to three RegExps for each it tries, on every call
 * (format.js chooseFormatForNumber, matchesEntirely.js, formatNationalNumberUsingFormat.js). The same steps in the
 * same order; test/domain/phone.test.ts holds both equal over the corpus. A number with an extension (which
 * normalisePhone never accepts) is formatted by the library.
 */
export function formatInternational(phone: PhoneNumber): string {
  // Non-geographic numbers carry "001" as their country in the library's data, though its type omits it.
  const country = phone.country && (phone.country as string) !== '001' ? phone.country : undefined;
  if (phone.ext || (!country && !phone.countryCallingCode) || (country && !metadata.hasCountry(country)))
    return phone.formatInternational();
  const { callingCode, formats } = formatsOf(country ?? phone.countryCallingCode);
  const national = phone.nationalNumber;
  if (!national) return `+${callingCode}`;
  const format = formats.find((f) => (!f.leading || national.search(f.leading) === 0) && f.entire.test(national));
  const number = format
    ? national.replace(format.pattern, format.international).replace(PUNCTUATION, ' ').trim()
    : national;
  return `+${callingCode} ${number}`;
}
