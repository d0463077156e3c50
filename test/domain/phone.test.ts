// normalisePhone decides validity and SMS capability with one type match; over a corpus of inputs (E.164, national
// forms, near misses, random digits, several countries) it gives exactly the answers of isValid() + getType(); the
// mask is maskPhone's; the E.164 fast path gives exactly the full parse's number, country, calling code and type wherever it answers;
// the national fast path likewise over every country's example numbers written as people write them and their near
// misses; the international format the masks are cut from is the library's own, and so is the mask.
import { describe, expect, it } from 'vitest';
import { getCountries, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { AppError } from '../../worker/errors.ts';
import { normalisePhone, numberType, parseE164Fast, parseNationalFast } from '../../worker/domain/consent/phone.ts';
import { formatInternational, maskParsed, maskPhone } from '../../worker/sms/mask-phone.ts';

const SMS_CAPABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);

/** The earlier rule, kept here as the reference: validity from isValid(), then the type. */
function reference(input: string, country: string) {
  const trimmed = input.trim();
  if (trimmed.length < 3 || trimmed.length > 32 || /[^\d\s+().\-/]/.test(trimmed)) return 'format';
  const parsed = parsePhoneNumberFromString(trimmed, country as CountryCode);
  if (!parsed?.isValid()) return 'invalid';
  const type = parsed.getType();
  if (type !== undefined && !SMS_CAPABLE.has(type)) return 'not-sms';
  return { e164: parsed.number, country: parsed.country ?? country, callingCode: parsed.countryCallingCode };
}

function current(input: string, country: string) {
  try {
    const { mask, ...phone } = normalisePhone(input, country);
    // The mask made from normalisePhone's own parse is the mask of the number it answers.
    expect(mask(), input).toBe(maskPhone(phone.e164));
    return phone;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const message = error.message;
    return message.startsWith('Enter') ? 'format' : message.includes('valid') ? 'invalid' : 'not-sms';
  }
}

/** A small deterministic generator, so the corpus is the same on every run. */
function digits(seed: number) {
  let x = seed;
  return (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      out += String(x % 10);
    }
    return out;
  };
}

const COUNTRIES = [
  'FR',
  'DE',
  'GB',
  'US',
  'ES',
  'IT',
  'BE',
  'CH',
  'NL',
  'GG',
  'JE',
  'CA',
  'BR',
  'IN',
  'JP',
  'AU',
  'SE',
  'PL',
];
const CALLING = [
  '33',
  '49',
  '44',
  '1',
  '34',
  '39',
  '32',
  '41',
  '31',
  '55',
  '91',
  '81',
  '61',
  '46',
  '48',
  '7',
  '86',
  '262',
  '590',
  '999',
];

function corpus(): [string, string][] {
  const next = digits(7);
  const out: [string, string][] = [
    ['+33781234567', 'FR'],
    ['06 12 34 56 78', 'FR'],
    ['01 23 45 67 89', 'FR'],
    ['0800 123 456', 'FR'],
    ['+1 415 555 2671', 'US'],
    ['+44 7911 123456', 'GB'],
    ['+44 1481 712345', 'GB'],
    ['+44 7781 123456', 'GG'],
    ['+49 1512 3456789', 'DE'],
    ['+33 7 81 23 45 67', 'DE'],
    ['call me', 'FR'],
    ['+', 'FR'],
    ['12', 'FR'],
    // A national prefix written after the calling code, shared and non-geographic calling codes, too long.
    ['+330612345678', 'FR'],
    ['+390612345678', 'IT'],
    ['+5491123456789', 'AR'],
    ['+80012345678', 'FR'],
    ['+882345678901', 'FR'],
    ['+3378123456789012', 'FR'],
    ['+0781234567', 'FR'],
  ];
  for (let i = 0; i < 3000; i++) {
    const country = COUNTRIES[i % COUNTRIES.length]!;
    const calling = CALLING[i % CALLING.length]!;
    const length = 6 + (i % 9);
    out.push([`+${calling}${next(length)}`, country]); // E.164-shaped
    out.push([`0${next(length)}`, country]); // national form
    out.push([`+${calling} ${next(3)} ${next(length - 3)}`, country]); // spaced
  }
  return out;
}

describe('normalisePhone', () => {
  it('answers exactly as isValid() + getType() over a corpus of 9,000+ inputs, with both outcomes well represented', () => {
    const seen = { ok: 0, invalid: 0, notSms: 0 };
    for (const [input, country] of corpus()) {
      const expected = reference(input, country);
      expect(current(input, country), `${input} (${country})`).toEqual(expected);
      if (typeof expected === 'object') seen.ok++;
      else if (expected === 'invalid') seen.invalid++;
      else if (expected === 'not-sms') seen.notSms++;
    }
    // The corpus exercises every branch, not only rejections.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.invalid).toBeGreaterThan(100);
    expect(seen.notSms).toBeGreaterThan(50);
  });
});

describe('numberType', () => {
  it('is getType() over the corpus, every type and none included', () => {
    const seen = new Map<string, number>();
    for (const [input, country] of corpus()) {
      const parsed = parsePhoneNumberFromString(input.trim(), country as CountryCode);
      if (!parsed) continue;
      const expected = parsed.getType();
      expect(numberType(parsed), `${input} (${country})`).toBe(expected);
      seen.set(String(expected), (seen.get(String(expected)) ?? 0) + 1);
    }
    // Both outcomes of the fixed-line branch and the loop's types are exercised, not only mobiles.
    for (const type of ['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'undefined'])
      expect(seen.get(type), type).toBeGreaterThan(20);
    expect(seen.size).toBeGreaterThan(6);
  });
});

describe('parseE164Fast', () => {
  it('answers as the full parse over the corpus wherever it answers, and answers most E.164 inputs', () => {
    let answered = 0;
    let declined = 0;
    for (const [input, country] of corpus()) {
      const fast = parseE164Fast(input.trim());
      if (!fast) {
        if (/^\+\d+$/.test(input)) declined++;
        continue;
      }
      answered++;
      const full = parsePhoneNumberFromString(input.trim(), country as CountryCode);
      expect(full, input).toBeDefined();
      expect(
        { number: fast.number, country: fast.country, callingCode: fast.countryCallingCode, type: fast.getType() },
        `${input} (${country})`,
      ).toEqual({
        number: full!.number,
        country: full!.country,
        callingCode: full!.countryCallingCode,
        type: full!.getType(),
      });
    }
    expect(answered).toBeGreaterThan(1000);
    // Shared calling codes (+1, +44, +7…) and national prefixes are left to the full parse.
    expect(declined).toBeGreaterThan(100);
  });

  it('leaves to the full parse what only it reads right', () => {
    expect(parseE164Fast('+33781234567')?.number).toBe('+33781234567');
    expect(parseE164Fast('+330612345678')).toBeUndefined(); // FR national prefix 0 after the calling code
    expect(parseE164Fast('+14155552671')).toBeUndefined(); // +1 is shared by the NANP countries
    expect(parseE164Fast('+80012345678')).toBeUndefined(); // non-geographic
    expect(parseE164Fast(' +33781234567')).toBeUndefined();
    expect(parseE164Fast('+33 7 81 23 45 67')).toBeUndefined();
  });
});

/** The mask as first written, over the library's own formatInternational(): the reference for maskParsed. */
function referenceMask(parsed: NonNullable<ReturnType<typeof parsePhoneNumberFromString>>): string {
  const formatted = parsed.formatInternational();
  const prefix = `+${parsed.countryCallingCode}`;
  const national = formatted.slice(prefix.length);
  const digitCount = [...national].filter((c) => /\d/.test(c)).length;
  let seen = 0;
  const masked = [...national]
    .map((c) => {
      if (!/\d/.test(c)) return c;
      seen += 1;
      return seen === 1 || seen > digitCount - 2 ? c : '•';
    })
    .join('');
  return prefix + masked;
}

describe('formatInternational and the mask', () => {
  it("are the library's formatInternational() and the mask cut from it, over every number the corpus parses", () => {
    let formatted = 0;
    let unformatted = 0;
    const countries = new Set<string>();
    for (const [input, country] of corpus()) {
      const parsed = parsePhoneNumberFromString(input.trim(), country as CountryCode);
      if (!parsed) continue;
      const expected = parsed.formatInternational();
      expect(formatInternational(parsed), `${input} (${country})`).toBe(expected);
      expect(maskParsed(parsed), `${input} (${country})`).toBe(referenceMask(parsed));
      // Grouped by a format (spaces inside the national part), or left as digits when no format matches.
      if (expected.slice(1).includes(' ', expected.indexOf(' ') + 1)) formatted++;
      else unformatted++;
      countries.add(parsed.country ?? parsed.countryCallingCode);
    }
    expect(formatted).toBeGreaterThan(1000);
    expect(unformatted).toBeGreaterThan(100);
    expect(countries.size).toBeGreaterThan(20);
  });

  it('masks as receipts show it', () => {
    expect(maskPhone('+33781234567')).toBe('+33 7 •• •• •• 67');
    expect(maskPhone('+14155552671')).toBe('+1 4•• ••• ••71');
    expect(maskPhone('not a number')).toBe('•••');
  });
});

/**
 * Every country's example mobile number as people write it at home (the national format, its digits, dotted,
 * hyphenated, without the national prefix) and the near misses the full parse reads otherwise: the calling code
 * without its "+", an IDD prefix, a digit too few or too many, another digit changed.
 */
function nationalCorpus(): [string, string][] {
  const out: [string, string][] = [];
  for (const country of getCountries()) {
    const example = getExampleNumber(country, examples);
    if (!example) continue;
    const written = example.formatNational();
    const digits = written.replace(/\D/g, '');
    const national = example.nationalNumber as string;
    const last = digits.at(-1)!;
    for (const input of [
      written,
      digits,
      written.replace(/ /g, '.'),
      written.replace(/ /g, '-'),
      national,
      `${example.countryCallingCode}${national}`,
      `00${example.countryCallingCode}${national}`,
      `011${example.countryCallingCode}${national}`,
      digits.slice(0, -1),
      `${digits}7`,
      `${digits.slice(0, -1)}${(Number(last) + 5) % 10}`,
      `0${national}`,
      `00${national}`,
    ])
      out.push([input, country]);
  }
  return out;
}

describe('parseNationalFast', () => {
  it("answers as the full parse wherever it answers, over every country's numbers and near misses, and answers most", () => {
    let answered = 0;
    const countries = new Set<string>();
    const inputs = [...nationalCorpus(), ...corpus()];
    for (const [input, country] of inputs) {
      const fast = parseNationalFast(input.trim(), country);
      if (!fast) continue;
      answered++;
      countries.add(country);
      const full = parsePhoneNumberFromString(input.trim(), country as CountryCode);
      expect(full, `${input} (${country})`).toBeDefined();
      expect(
        {
          number: fast.number,
          country: fast.country,
          callingCode: fast.countryCallingCode,
          national: fast.nationalNumber,
          type: fast.getType(),
          valid: fast.isValid(),
        },
        `${input} (${country})`,
      ).toEqual({
        number: full!.number,
        country: full!.country,
        callingCode: full!.countryCallingCode,
        national: full!.nationalNumber,
        type: full!.getType(),
        valid: full!.isValid(),
      });
    }
    expect(inputs.length).toBeGreaterThan(11_000);
    expect(answered).toBeGreaterThan(2_000);
    expect(countries.size).toBeGreaterThan(150);
  });

  it('reads the forms a French visitor types, and leaves to the full parse what only it reads right', () => {
    for (const written of ['06 12 34 56 78', '0612345678', '06.12.34.56.78', '06-12-34-56-78', '612345678'])
      expect(parseNationalFast(written, 'FR')?.number, written).toBe('+33612345678');
    expect(parseNationalFast('0033612345678', 'FR')).toBeUndefined(); // an IDD prefix: international
    expect(parseNationalFast('33612345678', 'FR')).toBeUndefined(); // the calling code without its "+"
    expect(parseNationalFast('(415) 555-2671', 'US')).toBeUndefined(); // +1 is shared by the NANP countries
    expect(parseNationalFast('011 15 2345 6789', 'AR')).toBeUndefined(); // a prefix that captures
    expect(parseNationalFast('12', 'FR')).toBeUndefined(); // too short for the format check
    expect(parseNationalFast('06 12 34 56 78', 'XX')).toBeUndefined();
    expect(parseNationalFast('+33 6 12 34 56 78', 'FR')).toBeUndefined();
  });
});
