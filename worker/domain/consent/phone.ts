// Phone numbers: parse and normalise to E.164 with libphonenumber-js (masking: sms/mask-phone.ts).
import { PhoneNumber, type CountryCode, type E164Number, type MetadataJson } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../../errors.ts';
import { maskParsed } from '../../sms/mask-phone.ts';
import { maxMetadata, metadata } from '../../sms/phone-metadata.ts';

export interface NormalisedPhone {
  e164: string;
  country: string;
  callingCode: string;
  /** maskPhone(e164), from the parse already made (on demand: the gate's bulk check never needs it). */
  mask(): string;
}

const SMS_CAPABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);

/** ITU-T E.164: "+", a calling code that never starts with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;
/** Each country's `national_prefix_for_parsing`, compiled once (the full parse compiles it on every call). */
const prefixes = new Map<string, RegExp | null>();

function nationalPrefix(country: string): RegExp | null {
  let prefix = prefixes.get(country);
  if (prefix === undefined) {
    metadata.selectNumberingPlan(country);
    const pattern = metadata.numberingPlan.nationalPrefixForParsing();
    prefix = pattern ? new RegExp(`^(?:${pattern})`) : null;
    prefixes.set(country, prefix);
  }
  return prefix;
}

/** The number types getNumberType tries after FIXED_LINE, in its order (libphonenumber-js helpers/getNumberType.js). */
const NON_FIXED_LINE_TYPES = [
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;
interface TypeRule {
  pattern: RegExp;
  lengths: number[] | undefined;
}
interface NumberingPlan {
  national: RegExp;
  /** Types with a non-empty pattern; a type without one never matches. */
  rules: Map<string, TypeRule>;
  /** MOBILE absent, or present with an empty pattern: a fixed-line match is then FIXED_LINE_OR_MOBILE. */
  mobileUnknown: boolean;
}
const plans = new Map<string, NumberingPlan>();
const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);

function planOf(key: string): NumberingPlan {
  let plan = plans.get(key);
  if (!plan) {
    metadata.selectNumberingPlan(key);
    const rules = new Map<string, TypeRule>();
    for (const name of ['FIXED_LINE', ...NON_FIXED_LINE_TYPES]) {
      const type = metadata.type(name);
      if (type?.pattern()) rules.set(name, { pattern: entirely(type.pattern()), lengths: type.possibleLengths() });
    }
    const mobile = metadata.type('MOBILE');
    plan = {
      national: entirely(metadata.nationalNumberPattern()),
      rules,
      mobileUnknown: !mobile || mobile.pattern() === '',
    };
    plans.set(key, plan);
  }
  return plan;
}

function isType(plan: NumberingPlan, name: string, national: string): boolean {
  const rule = plan.rules.get(name);
  if (!rule || (rule.lengths && !rule.lengths.includes(national.length))) return false;
  return rule.pattern.test(national);
}

/**
 * PhoneNumber.getType() with each numbering plan's patterns compiled once: libphonenumber-js compiles a RegExp for
 * every pattern it tries, on every call (matchesEntirely.js), up to eleven a number. The same steps in the same order
 * (getNumberType.js); test/domain/phone.test.ts holds both equal over the corpus.
 */
export function numberType(phone: PhoneNumber): string | undefined {
  const key = phone.country || phone.countryCallingCode;
  if (!key) return undefined;
  const plan = planOf(key);
  const national = phone.nationalNumber;
  if (!plan.national.test(national)) return undefined;
  if (isType(plan, 'FIXED_LINE', national)) {
    if (plan.mobileUnknown || isType(plan, 'MOBILE', national)) return 'FIXED_LINE_OR_MOBILE';
    return 'FIXED_LINE';
  }
  return NON_FIXED_LINE_TYPES.find((name) => isType(plan, name, national));
}

/**
 * A number already written in E.164, without the full parse, where its answer is provably the full parse's; else
 * undefined (then the full parse decides). For "+" and digits, libphonenumber-js's parse (parse.js) reads the calling
 * code as the first 1–3 digits that name one (calling codes are prefix-free), strips a national prefix only when the
 * country's `national_prefix_for_parsing` matches the rest, and picks the country by the number only when the calling
 * code is shared (+1, +44, +7…). So for a calling code of one geographic country whose national prefix does not
 * match, the parse is exactly PhoneNumber(number) with that country: the same number, country, calling code and type.
 * test/domain/phone.test.ts compares both over the corpus.
 */
export function parseE164Fast(input: string): PhoneNumber | undefined {
  if (!E164.test(input)) return undefined;
  for (let length = 1; length <= 3; length++) {
    const countries = metadata.getCountryCodesForCallingCode(input.slice(1, 1 + length));
    if (!countries) continue;
    const country = countries[0]!;
    // Shared or non-geographic ("001") calling codes: the full parse.
    if (countries.length !== 1 || country === '001') return undefined;
    const national = input.slice(1 + length);
    if (nationalPrefix(country)?.test(national)) return undefined;
    // As parse.js builds its answer: the number, then the country it found.
    const phone = new PhoneNumber(input as E164Number, maxMetadata as MetadataJson);
    phone.country = country as CountryCode;
    return phone;
  }
  return undefined;
}

/** Throws a 422 naming `field` when the input is not a valid mobile number. */
export function normalisePhone(input: string, defaultCountry: string, field = 'phone'): NormalisedPhone {
  const invalid = (message: string) =>
    new AppError('invalid_phone', 422, message, { errors: [{ path: field, message }] });
  const trimmed = input.trim();
  // The fast path first: E164 admits only "+" and digits, a subset of what the check below lets through.
  const parsed = parseE164Fast(trimmed) ?? parseFull(trimmed, defaultCountry);
  if (parsed === null) throw invalid('Enter a phone number with digits only, e.g. +33 6 12 34 56 78.');
  // With the full ("max") metadata every country has type patterns, and isValid() is exactly getType() !==
  // undefined (libphonenumber-js isValid.js): one type match instead of the same matching done twice.
  const type = parsed ? numberType(parsed) : undefined;
  if (!parsed || type === undefined) throw invalid('This is not a valid phone number.');
  if (!SMS_CAPABLE.has(type)) throw invalid('This number cannot receive text messages.');
  return {
    e164: parsed.number,
    country: parsed.country ?? defaultCountry,
    callingCode: parsed.countryCallingCode,
    mask: () => maskParsed(parsed),
  };
}

/** The full parse; null when the input is not shaped like a number at all. */
function parseFull(trimmed: string, defaultCountry: string): PhoneNumber | null | undefined {
  if (trimmed.length < 3 || trimmed.length > 32 || /[^\d\s+().\-/]/.test(trimmed)) return null;
  return parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
}
