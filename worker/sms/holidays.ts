// Public holidays on which marketing SMS are not sent. France (metropolitan, national list) for now;
// other calendars are given as explicit dates.

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/** Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

export function isoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * The eleven national public holidays of France, as YYYY-MM-DD, in date order. Alsace-Moselle's two
 * extra days (Good Friday, 26 December) are not included; add them as explicit dates where needed.
 */
export function frenchPublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => ({ year, month, day });
  return [
    fixed(1, 1),
    addDays(easter, 1), // Easter Monday
    fixed(5, 1),
    fixed(5, 8),
    addDays(easter, 39), // Ascension Thursday
    addDays(easter, 50), // Whit Monday
    fixed(7, 14),
    fixed(8, 15),
    fixed(11, 1),
    fixed(11, 11),
    fixed(12, 25),
  ]
    .map(isoDate)
    .sort();
}

export type HolidayRule = 'FR' | 'none' | readonly string[];

const frenchCache = new Map<number, Set<string>>();

/** Whether a local calendar date (YYYY-MM-DD) is a holiday under the rule. */
export function isHoliday(date: string, rule: HolidayRule): boolean {
  if (rule === 'none') return false;
  if (rule === 'FR') {
    const year = Number(date.slice(0, 4));
    let set = frenchCache.get(year);
    if (!set) {
      set = new Set(frenchPublicHolidays(year));
      frenchCache.set(year, set);
    }
    return set.has(date);
  }
  return rule.includes(date);
}
