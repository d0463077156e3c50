// When a marketing SMS may go out: weekly sending windows in the site's IANA timezone, minus public
// holidays. Uses Intl.DateTimeFormat only, so it runs unchanged on Node, Deno and Workers.
import { z } from 'zod';
import { isHoliday, isoDate, type CalendarDate, type HolidayRule } from './holidays.ts';

/** [start, end) in minutes after local midnight, e.g. [480, 1200] for 08:00–20:00; null: no sending that day. */
export type SendingWindow = readonly [number, number] | null;

export interface QuietHoursRules {
  timezone: string;
  /** Seven entries, index 0 = Sunday … 6 = Saturday. Windows do not cross midnight. */
  windows: readonly SendingWindow[];
  holidays: HolidayRule;
}

const MON_SAT_8_20: SendingWindow = [8 * 60, 20 * 60];

/** France's default: Monday–Saturday 08:00–20:00, nothing on Sundays or national public holidays. */
export function defaultQuietHours(timezone = 'Europe/Paris'): QuietHoursRules {
  return { timezone, windows: [null, ...Array<SendingWindow>(6).fill(MON_SAT_8_20)], holidays: 'FR' };
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Wire/config shape of the rules; invalid input fails with the field named. */
export const quietHoursRulesSchema = z.object({
  timezone: z.string().refine(validTimeZone, 'Unknown IANA timezone.'),
  windows: z
    .array(
      z
        .tuple([z.number().int().min(0).max(1440), z.number().int().min(0).max(1440)])
        .refine(([start, end]) => start < end, 'A window starts before it ends (no crossing midnight).')
        .nullable(),
    )
    .length(7),
  holidays: z.union([z.literal('FR'), z.literal('none'), z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))]),
});

interface LocalTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The local wall-clock time of an instant, expressed as if it were UTC (whole seconds). */
function wallClock(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone) - whole;
}

/**
 * The instant a local wall-clock time happens. Twice on a fall-back day: the earlier one. Never on a
 * spring-forward day: the end of the gap (02:30 on the switch to summer time in Paris gives 03:00).
 */
export function zonedTimeToInstant(date: CalendarDate, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const day = 86_400_000;
  const before = offsetAt(wall - day, timeZone);
  const after = offsetAt(wall + day, timeZone);
  const exact = [wall - before, wall - after].filter((t) => wallClock(t, timeZone) === wall);
  if (exact.length > 0) return new Date(Math.min(...exact));
  // In the gap: find the first instant whose wall clock has passed the requested time.
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallClock(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function weekday(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function windowOn(date: CalendarDate, rules: QuietHoursRules): SendingWindow {
  if (isHoliday(isoDate(date), rules.holidays)) return null;
  return rules.windows[weekday(date)] ?? null;
}

export function isSendAllowed(now: Date, rules: QuietHoursRules): boolean {
  return nextAllowedSendTime(now, rules).getTime() === now.getTime();
}

/** `now` itself when sending is allowed, else the start of the next sending window. */
export function nextAllowedSendTime(now: Date, rules: QuietHoursRules): Date {
  const local = localTime(now.getTime(), rules.timezone);
  const today: CalendarDate = { year: local.year, month: local.month, day: local.day };
  const minutes = local.hour * 60 + local.minute + (local.second + (now.getTime() % 1000) / 1000) / 60;
  // A year and a week covers any weekly pattern plus a full holiday calendar.
  for (let offset = 0; offset <= 372; offset++) {
    const date = addDays(today, offset);
    const window = windowOn(date, rules);
    if (!window) continue;
    const [start, end] = window;
    if (offset === 0) {
      if (minutes >= end) continue;
      if (minutes >= start) return now;
    }
    return zonedTimeToInstant(date, start, rules.timezone);
  }
  throw new Error('The quiet-hours rules allow no sending within a year.');
}
