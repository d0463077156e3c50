import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { easterSunday, frenchPublicHolidays, isHoliday } from '../../worker/sms/holidays.ts';
import {
  defaultQuietHours,
  isSendAllowed,
  nextAllowedSendTime,
  quietHoursRulesSchema,
  zonedTimeToInstant,
  type QuietHoursRules,
} from '../../worker/sms/quiet-hours.ts';

const paris = defaultQuietHours('Europe/Paris');
const next = (iso: string, rules: QuietHoursRules = paris) => nextAllowedSendTime(new Date(iso), rules).toISOString();

describe('Easter and French public holidays', () => {
  it.each([
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
    [2038, 4, 25],
    [1818, 3, 22],
    [2285, 3, 22],
    [1943, 4, 25],
  ])('Easter %i is %i/%i', (year, month, day) => {
    expect(easterSunday(year)).toEqual({ year, month, day });
  });

  it('lists the eleven national holidays of 2027', () => {
    expect(frenchPublicHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-29', // Easter Monday
      '2027-05-01',
      '2027-05-06', // Ascension
      '2027-05-08',
      '2027-05-17', // Whit Monday
      '2027-07-14',
      '2027-08-15',
      '2027-11-01',
      '2027-11-11',
      '2027-12-25',
    ]);
  });

  it('matches rules: FR, none, explicit dates', () => {
    expect(isHoliday('2026-04-06', 'FR')).toBe(true);
    expect(isHoliday('2026-04-07', 'FR')).toBe(false);
    expect(isHoliday('2026-04-06', 'none')).toBe(false);
    expect(isHoliday('2026-04-07', ['2026-04-07'])).toBe(true);
  });
});

describe('nextAllowedSendTime in Europe/Paris (Mon–Sat 08:00–20:00)', () => {
  it('sends now inside the window', () => {
    // Tuesday 1 December 2026, 10:00 CET.
    expect(next('2026-12-01T09:00:00.000Z')).toBe('2026-12-01T09:00:00.000Z');
    expect(isSendAllowed(new Date('2026-12-01T09:00:00Z'), paris)).toBe(true);
  });

  it('around midnight: 23:59:59 and 00:00:01 both wait for 08:00 the same morning', () => {
    expect(next('2026-12-01T22:59:59.000Z')).toBe('2026-12-02T07:00:00.000Z');
    expect(next('2026-12-01T23:00:01.000Z')).toBe('2026-12-02T07:00:00.000Z');
    expect(next('2026-12-02T06:59:59.999Z')).toBe('2026-12-02T07:00:00.000Z');
    expect(next('2026-12-02T07:00:00.000Z')).toBe('2026-12-02T07:00:00.000Z');
  });

  it('Saturday 19:59 is allowed, 20:00 waits for Monday (Sunday is closed)', () => {
    expect(next('2026-11-28T18:59:00.000Z')).toBe('2026-11-28T18:59:00.000Z');
    expect(next('2026-11-28T18:59:59.999Z')).toBe('2026-11-28T18:59:59.999Z');
    expect(next('2026-11-28T19:00:00.000Z')).toBe('2026-11-30T07:00:00.000Z');
  });

  it('a Sunday waits for Monday 08:00', () => {
    expect(next('2026-11-29T11:00:00.000Z')).toBe('2026-11-30T07:00:00.000Z');
  });

  it('Easter Monday 2027 is skipped, and the weekend crosses the switch to summer time', () => {
    // Saturday 27 March 2027 20:00 CET; Sunday 28 is Easter and the DST switch; Monday 29 is a holiday.
    expect(next('2027-03-27T19:00:00.000Z')).toBe('2027-03-30T06:00:00.000Z'); // Tuesday 08:00 CEST
    expect(next('2027-03-29T09:00:00.000Z')).toBe('2027-03-30T06:00:00.000Z');
  });

  it('the switch back to winter time: Saturday evening CEST → Monday 08:00 CET', () => {
    expect(next('2026-10-24T18:30:00.000Z')).toBe('2026-10-26T07:00:00.000Z');
  });

  it('skips fixed holidays: 14 July, Christmas, 1 January', () => {
    expect(next('2027-07-14T10:00:00.000Z')).toBe('2027-07-15T06:00:00.000Z');
    expect(next('2026-12-25T10:00:00.000Z')).toBe('2026-12-26T07:00:00.000Z');
    // Thursday 31 December 2026 after 20:00 → Saturday 2 January 2027.
    expect(next('2026-12-31T19:30:00.000Z')).toBe('2027-01-02T07:00:00.000Z');
  });

  it('holidays can be switched off or listed explicitly', () => {
    expect(next('2027-03-29T09:00:00.000Z', { ...paris, holidays: 'none' })).toBe('2027-03-29T09:00:00.000Z');
    expect(next('2026-12-01T09:00:00.000Z', { ...paris, holidays: ['2026-12-01'] })).toBe('2026-12-02T07:00:00.000Z');
  });

  it('follows the site timezone, not UTC', () => {
    const ny = defaultQuietHours('America/New_York');
    // 07:00 in New York on Tuesday 1 December 2026 (EST, UTC−5) → 08:00 EST.
    expect(next('2026-12-01T12:00:00.000Z', { ...ny, holidays: 'none' })).toBe('2026-12-01T13:00:00.000Z');
  });
});

describe('local times on DST switch days', () => {
  it('a time inside the spring gap maps to the end of the gap', () => {
    expect(zonedTimeToInstant({ year: 2027, month: 3, day: 28 }, 150, 'Europe/Paris').toISOString()).toBe(
      '2027-03-28T01:00:00.000Z',
    );
    const sundays: QuietHoursRules = {
      timezone: 'Europe/Paris',
      windows: [[150, 600], null, null, null, null, null, null],
      holidays: 'none',
    };
    expect(next('2027-03-27T23:00:00.000Z', sundays)).toBe('2027-03-28T01:00:00.000Z');
  });

  it('a time that happens twice in autumn maps to the first occurrence', () => {
    expect(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, 150, 'Europe/Paris').toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(zonedTimeToInstant({ year: 2026, month: 10, day: 25 }, 180, 'Europe/Paris').toISOString()).toBe(
      '2026-10-25T02:00:00.000Z',
    );
  });
});

describe('quietHoursRulesSchema', () => {
  it('accepts the default and names what is wrong otherwise', () => {
    expect(quietHoursRulesSchema.safeParse(paris).success).toBe(true);
    const bad = quietHoursRulesSchema.safeParse({ ...paris, timezone: 'Mars/Olympus' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['timezone']);
    const reversed = quietHoursRulesSchema.safeParse({
      ...paris,
      windows: [[600, 500], null, null, null, null, null, null],
    });
    expect(reversed.error?.issues[0]?.path).toEqual(['windows', 0]);
    expect(quietHoursRulesSchema.safeParse({ ...paris, windows: [null] }).success).toBe(false);
  });
});

describe('property: the answer is the first allowed instant', () => {
  it('is never earlier than now, is allowed, and one minute before it is not (unless it is now)', () => {
    const start = Date.UTC(2026, 0, 1);
    const end = Date.UTC(2028, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: start, max: end }),
        fc.constantFrom('Europe/Paris', 'America/New_York', 'Pacific/Chatham'),
        (t, timezone) => {
          const rules = { ...paris, timezone };
          const now = new Date(t);
          const answer = nextAllowedSendTime(now, rules);
          expect(answer.getTime()).toBeGreaterThanOrEqual(t);
          expect(isSendAllowed(answer, rules)).toBe(true);
          if (answer.getTime() > t) {
            expect(isSendAllowed(new Date(answer.getTime() - 60_000), rules)).toBe(false);
            expect(isSendAllowed(now, rules)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
