// Phone numbers: parse and normalise to E.164 with libphonenumber-js, and mask for receipts and pages.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../errors.ts';

export interface NormalisedPhone {
  e164: string;
  country: string;
  callingCode: string;
}

const SMS_CAPABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);

/** Throws a 422 naming `field` when the input is not a valid mobile number. */
export function normalisePhone(input: string, defaultCountry: string, field = 'phone'): NormalisedPhone {
  const invalid = (message: string) =>
    new AppError('invalid_phone', 422, message, { errors: [{ path: field, message }] });
  const trimmed = input.trim();
  if (trimmed.length < 3 || trimmed.length > 32 || /[^\d\s+().\-/]/.test(trimmed)) {
    throw invalid('Enter a phone number with digits only, e.g. +33 6 12 34 56 78.');
  }
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed || !parsed.isValid()) throw invalid('This is not a valid phone number.');
  const type = parsed.getType();
  if (type !== undefined && !SMS_CAPABLE.has(type)) throw invalid('This number cannot receive text messages.');
  return { e164: parsed.number, country: parsed.country ?? defaultCountry, callingCode: parsed.countryCallingCode };
}

/** `+33 6•• •• •• 78`: calling code, first national digit and last two digits; the rest masked. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return '•••';
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
