// Phone numbers: parse and normalise to E.164 with libphonenumber-js (masking: sms/mask-phone.ts).
import {
  PhoneNumber,
  type CountryCallingCode,
  type CountryCode,
  type E164Number,
  type MetadataJson,
} from 'libphonenumber-js/core';
import { findPhoneNumbersInText, parsePhoneNumberFromString } from 'libphonenumber-js/max';
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
    if (nationalPlanOf(country)?.prefix?.test(national)) return undefined;
    // As parse.js builds its answer: the number, then the country it found.
    const phone = new PhoneNumber(input as E164Number, maxMetadata as MetadataJson);
    phone.country = country as CountryCode;
    return phone;
  }
  return undefined;
}

/**
 * What a parse reads of a country's plan, compiled once (the full parse compiles its patterns on every call): the
 * national form's path reads all of it, the E.164 path its national prefix.
 */
interface NationalPlan {
  callingCode: string;
  /** The calling code is this country's alone (a shared one may make the number another country's). */
  alone: boolean;
  idd: RegExp;
  prefix: RegExp | null;
  /** A transform rule rewrites what the prefix captures (e.g. Argentina's mobile 15): the full parse's work. */
  transforms: boolean;
  national: RegExp;
  lengths: number[] | undefined;
}
const nationalPlans = new Map<string, NationalPlan>();

function nationalPlanOf(country: string): NationalPlan | undefined {
  let plan = nationalPlans.get(country);
  if (!plan) {
    if (!metadata.hasCountry(country)) return undefined;
    metadata.selectNumberingPlan(country);
    const numbering = metadata.numberingPlan;
    const callingCode = numbering.callingCode();
    const pattern = numbering.nationalPrefixForParsing();
    plan = {
      callingCode,
      alone: metadata.getCountryCodesForCallingCode(callingCode)?.length === 1,
      idd: new RegExp(`^(?:${numbering.IDDPrefix()})`),
      prefix: pattern ? new RegExp(`^(?:${pattern})`) : null,
      transforms: !!numbering.nationalPrefixTransformRule(),
      national: entirely(metadata.nationalNumberPattern()),
      lengths: numbering.possibleLengths(),
    };
    nationalPlans.set(country, plan);
  }
  return plan;
}

/** PhoneNumber's constructor from a calling code and a national number (PhoneNumber.js; the published types omit it). */
const ParsedNumber = PhoneNumber as unknown as new (
  callingCode: CountryCallingCode,
  nationalNumber: string,
  metadata: MetadataJson,
) => PhoneNumber;

/**
 * Digits, perhaps grouped by single spaces, dots or hyphens, as a national number is written on a form: 3 to 16
 * digits, so 3 to 31 characters, inside the full path's format check (parseFull) whatever the separators.
 */
const NATIONAL_FORM = /^\d(?:[ .-]?\d){2,15}$/;

/**
 * A number written in its national form (`06 12 34 56 78` with `FR`), parsed without the full parse when nothing in
 * it needs one: no IDD prefix, no calling code written without its "+", a national prefix that captures nothing,
 * and a country whose calling code is its own. Undefined otherwise: the full parse then answers. The same decisions
 * as libphonenumber-js's parse (extractCountryCallingCode, extractNationalNumber); test/domain/phone.test.ts holds
 * both equal over a corpus of every country's example numbers in national forms and their near misses.
 */
export function parseNationalFast(input: string, defaultCountry: string): PhoneNumber | undefined {
  if (!NATIONAL_FORM.test(input)) return undefined;
  const plan = nationalPlanOf(defaultCountry);
  if (!plan?.alone) return undefined;
  const digits = input.replace(/[ .-]/g, '');
  if (plan.idd.test(digits) || digits.startsWith(plan.callingCode)) return undefined;
  let national = digits;
  const match = plan.prefix?.exec(digits);
  if (match && match[0] !== '') {
    // A captured group (a carrier code, a transformed prefix): the full parse. (Its answers agreed with stripping
    // wherever the corpus and a random search of prefixes could tell; declining keeps that true as plans change.)
    if (plan.transforms || match.length > 1) return undefined;
    const stripped = digits.slice(match[0].length);
    // Stripped when what is left is a number of the plan, of a possible length; the full parse decides the rest.
    if (!plan.national.test(stripped) || !plan.lengths?.includes(stripped.length)) return undefined;
    national = stripped;
  }
  // As parse.js builds its answer: the calling code and the national number, then the country.
  const phone = new ParsedNumber(plan.callingCode as CountryCallingCode, national, maxMetadata as MetadataJson);
  phone.country = defaultCountry as CountryCode;
  return phone;
}

/**
 * Whether numbers can be read in this country: an ISO 3166 alpha-2 code with a numbering plan. "ZZ" (libphonenumber's
 * "unknown region") and codes of places without phone numbers of their own (AQ) are not.
 */
export const isKnownCountry = (code: string): boolean => metadata.hasCountry(code);

/** Throws a 422 naming `field` when the input is not a valid mobile number. */
export function normalisePhone(input: string, defaultCountry: string, field = 'phone'): NormalisedPhone {
  const trimmed = input.trim();
  // The fast paths first: each admits a subset of what the format check below lets through (E.164: "+" and digits;
  // a national form: digits and single separators), and declines whatever it would not read as the full parse.
  const parsed =
    parseE164Fast(trimmed) ?? parseNationalFast(trimmed, defaultCountry) ?? parseFull(trimmed, defaultCountry);
  if (parsed === null) throw invalidPhone(field, 'Enter a phone number with digits only, e.g. +33 6 12 34 56 78.');
  // With the full ("max") metadata every country has type patterns, and isValid() is exactly getType() !==
  // undefined (libphonenumber-js isValid.js): one type match instead of the same matching done twice.
  const type = parsed ? numberType(parsed) : undefined;
  if (!parsed || type === undefined) throw invalidPhone(field, 'This is not a valid phone number.');
  if (!SMS_CAPABLE.has(type)) throw invalidPhone(field, 'This number cannot receive text messages.');
  return {
    e164: parsed.number,
    country: parsed.country ?? defaultCountry,
    callingCode: parsed.countryCallingCode,
    // A method: under keepNames (tsx, wrangler) an arrow here would get its name set on every call.
    mask() {
      return maskParsed(parsed);
    },
  };
}

const invalidPhone = (field: string, message: string) =>
  new AppError('invalid_phone', 422, message, { errors: [{ path: field, message }] });

/** The full parse; null when the input is not shaped like a number at all. */
function parseFull(trimmed: string, defaultCountry: string): PhoneNumber | null | undefined {
  if (trimmed.length < 3 || trimmed.length > 32 || /[^\d\s+().\-/]/.test(trimmed)) return null;
  return parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
}

/**
 * Whether a free text holds a phone number (any valid one, national numbers read in `defaultCountry`'s plan): what
 * must not reach a text that is published, such as an import's `source`, which the public log keeps in clear.
 */
export function holdsPhoneNumber(text: string, defaultCountry: string): boolean {
  return findPhoneNumbersInText(text, { defaultCountry: defaultCountry as CountryCode }).length > 0;
}
