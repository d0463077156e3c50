import { describe, expect, it } from 'vitest';
import { analyse, gsmSeptets, isGsm7, nonGsmCharacters, split } from '../../worker/sms/segments.ts';

const a = (n: number) => 'a'.repeat(n);

describe('GSM-7 boundaries', () => {
  it.each([
    [153, 1],
    [154, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])('%i septets → %i segment(s)', (n, segments) => {
    expect(analyse(a(n))).toEqual({ encoding: 'GSM-7', characters: n, units: n, segments });
  });

  it('splits 161 septets into 153 + 8', () => {
    expect(split(a(161)).map((p) => p.length)).toEqual([153, 8]);
  });

  it('counts every extension character as two septets', () => {
    for (const c of ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f']) {
      expect(gsmSeptets(c)).toBe(2);
      expect(analyse(`x${c}`)).toEqual({ encoding: 'GSM-7', characters: 2, units: 3, segments: 1 });
    }
  });

  it('80 euro signs fill one part exactly and 81 need two', () => {
    expect(analyse('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(analyse('€'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
  });

  it('never splits an escape pair: an extension char at septet 153 moves to the next part', () => {
    // 152 + 2 = 154 septets in the first 153 slots would split "{"; it must start part two.
    const text = `${a(152)}{${a(10)}`;
    expect(analyse(text)).toMatchObject({ units: 164, segments: 2 });
    const parts = split(text);
    expect(parts[0]).toBe(a(152));
    expect(parts[1]).toBe(`{${a(10)}`);
    expect(parts.join('')).toBe(text);
  });

  it('the boundary shift can add a part: 152 + (2 × 153 worth) of escapes', () => {
    // 152 "a" then 77 "€" (154 septets) = 306 septets; naive count says 2 parts, but "€" cannot
    // straddle septet 153, so part one holds 152 septets and the euros need 154 > 153 → 3 parts.
    const text = `${a(152)}${'€'.repeat(77)}`;
    expect(analyse(text)).toMatchObject({ units: 306, segments: 3 });
    expect(split(text).map((p) => p.length)).toEqual([152, 76, 1]);
  });

  it('knows the basic table, including the characters French needs', () => {
    expect(isGsm7('@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r')).toBe(true);
    for (const c of ['ç', 'ê', 'â', 'î', 'ô', 'û', 'ë', 'ï', 'œ', 'È', '’', '«', '\u00a0', '…', '—', '`', '\u001b']) {
      expect(gsmSeptets(c), c).toBe(0);
    }
    expect(nonGsmCharacters('ça coûte ça')).toEqual(['ç', 'û']);
  });
});

describe('UCS-2 boundaries', () => {
  const x = (n: number) => `ç${'x'.repeat(n - 1)}`;
  it.each([
    [67, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('%i units → %i segment(s)', (n, segments) => {
    expect(analyse(x(n))).toEqual({ encoding: 'UCS-2', characters: n, units: n, segments });
  });

  it('an emoji is one character but two units', () => {
    expect(analyse('hi 😀')).toEqual({ encoding: 'UCS-2', characters: 4, units: 5, segments: 1 });
  });

  it('an emoji taking units 69–70 still fits one part; at 70–71 it makes two', () => {
    expect(analyse(`${'x'.repeat(68)}😀`)).toMatchObject({ units: 70, segments: 1 });
    expect(analyse(`${'x'.repeat(69)}😀`)).toMatchObject({ units: 71, segments: 2 });
  });

  it('never splits a surrogate pair: an emoji at unit 67 moves to the next part', () => {
    const text = `${'x'.repeat(66)}😀${'y'.repeat(10)}`;
    const parts = split(text);
    expect(parts[0]).toBe('x'.repeat(66));
    expect(parts[1]).toBe(`😀${'y'.repeat(10)}`);
    expect(parts.join('')).toBe(text);
  });

  it('extension characters cost one unit once the message is UCS-2', () => {
    expect(analyse('€ç')).toEqual({ encoding: 'UCS-2', characters: 2, units: 2, segments: 1 });
  });
});

describe("Twilio's message-segment-calculator vectors", () => {
  // From TwilioDevEd/message-segment-calculator tests/index.test.js and tests/segments.test.js.
  const gsm160 =
    '{23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789';
  const gsm161 =
    '{234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890';
  const ucs70 = '😜23456789012345678901234567890123456789012345678901234567890123456789';
  const ucs71 = '😜234567890123456789012345678901234567890123456789012345678901234567890';

  it('GSM-7 with an escape character: 160 septets in one segment, 161 in two', () => {
    // messageSize 1120 bits = 160 septets; 1127 bits = 161 septets.
    expect(analyse(gsm160)).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(analyse(gsm161)).toMatchObject({ encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('UCS-2 with an emoji: 70 units in one segment, 71 in two', () => {
    expect(analyse(ucs70)).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(analyse(ucs71)).toMatchObject({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('307 GSM digits make three segments, the last holding only "7"', () => {
    const text = `${'1234567890'.repeat(30)}1234567`;
    const parts = split(text);
    expect(parts).toHaveLength(3);
    expect(parts[2]).toBe('7');
  });

  it('an emoji and 133 digits make three UCS-2 segments, the last holding only "4"', () => {
    const text = `😜${'234567890'}${'1234567890'.repeat(12)}1234`;
    expect(analyse(text)).toMatchObject({ units: 135, segments: 3 });
    expect(split(text)[2]).toBe('4');
  });
});

it('an empty text is zero segments', () => {
  expect(analyse('')).toEqual({ encoding: 'GSM-7', characters: 0, units: 0, segments: 0 });
  expect(split('')).toEqual([]);
});
