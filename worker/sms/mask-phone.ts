// Masks a number for receipts, pages and the console provider's log: enough to recognise it, not to dial it.
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

/** `+33 6•• •• •• 78`: calling code, first national digit and last two digits; the rest masked. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? maskParsed(parsed) : '•••';
}

/** maskPhone of a number already parsed (normalisePhone's), without parsing its E.164 form again. */
export function maskParsed(parsed: PhoneNumber): string {
  const formatted = parsed.formatInternational();
  const prefix = `+${parsed.countryCallingCode}`;
  const national = formatted.slice(prefix.length);
  const digits = [...national].filter((c) => /\d/.test(c)).length;
  let seen = 0;
  const masked = [...national]
    .map((c) => {
      if (!/\d/.test(c)) return c;
      seen += 1;
      return seen === 1 || seen > digits - 2 ? c : '•';
    })
    .join('');
  return prefix + masked;
}
