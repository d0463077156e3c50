// Phone numbers: parse and normalise to E.164 with libphonenumber-js (masking: sms/mask-phone.ts).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../../errors.ts';

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
  // With the full ("max") metadata every country has type patterns, and isValid() is exactly getType() !==
  // undefined (libphonenumber-js isValid.js): one type match instead of the same matching done twice.
  const type = parsed?.getType();
  if (!parsed || type === undefined) throw invalid('This is not a valid phone number.');
  if (!SMS_CAPABLE.has(type)) throw invalid('This number cannot receive text messages.');
  return { e164: parsed.number, country: parsed.country ?? defaultCountry, callingCode: parsed.countryCallingCode };
}
