// normalisePhone decides validity and SMS capability with one type match; over a corpus of inputs (E.164, national
// forms, near misses, random digits, several countries) it gives exactly the answers of isValid() + getType().
import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { AppError } from '../../worker/errors.ts';
import { normalisePhone } from '../../worker/domain/consent/phone.ts';

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
    return normalisePhone(input, country);
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
