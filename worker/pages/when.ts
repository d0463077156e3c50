// Dates and times as each language writes them, in the site's time zone: "1er mars 2026 à 11 h 00" in French (the
// first of the month an ordinal, "h" between hours and minutes, no-break spaces), Intl's own form in English, and the
// zone's offset so nobody has to convert.
const NBSP = '\u00a0';

// Building an Intl.DateTimeFormat costs about fifty times what formatting with one does (ICU loads the locale's
// patterns and the zone's rules): each is made once per language, zone and style, and kept (a page renders several
// dates; a confirmation page, one per request). Bounded: zones come from site configurations, a few per server.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  // Keyed by every option given (each caller writes its options in one order), so no two styles can share one.
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, format);
  }
  return format;
}

/** "UTC+1", "UTC−5", "UTC+5:30": the zone's offset at `date`. */
export function utcOffset(date: Date, timeZone: string): string {
  const name =
    formatter('en', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 'UTC';
  const [, sign, hours, minutes] = match;
  return `UTC${sign}${Number(hours)}${minutes === '00' ? '' : `:${minutes}`}`;
}

/** The zone as a place a reader knows: "Europe/Paris" → "Paris", "America/New_York" → "New York". */
export function zonePlace(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/** French spacing and "h" in an Intl French date-time: "1 mars 2026 à 11:00:05" → "1er mars 2026 à 11 h 00 min 05 s". */
export function frenchDateTime(text: string): string {
  return (
    text
      .replace(/(^|\s)1 (?=\p{L})/u, `$11er${NBSP}`)
      // "8 h 05", not "08 h 05": the hour without a leading zero, as French writes it.
      .replace(
        /(\d{1,2}):(\d{2}):(\d{2})/u,
        (_, h, m, s) => `${Number(h)}${NBSP}h${NBSP}${m}${NBSP}min${NBSP}${s}${NBSP}s`,
      )
      .replace(/(\d{1,2}):(\d{2})/u, (_, h, m) => `${Number(h)}${NBSP}h${NBSP}${m}`)
      .replace(/ (\d{4})/u, `${NBSP}$1`)
  );
}

/** Intl's language for a reader: French as France writes it, English with the day first and a 24-hour clock. */
const intlLang = (lang: string) => (lang.startsWith('fr') ? 'fr-FR' : 'en-GB');

/**
 * A date and time in `timeZone` with its offset, the one way every page and the console show a moment:
 * "6 décembre 2026 à 18 h 05 (UTC+1)", "6 December 2026, 18:05 (UTC+1)". `seconds` adds them (the proof page's
 * timeline). The offset is always there: a reader in another zone never has to guess.
 */
export function formatDateTime(
  when: string | number | Date,
  lang: string,
  timeZone: string,
  options: { seconds?: boolean } = {},
): string {
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  const text = formatter(intlLang(lang), {
    timeZone,
    dateStyle: 'long',
    timeStyle: options.seconds ? 'medium' : 'short',
  }).format(date);
  const offset = utcOffset(date, timeZone);
  return `${lang.startsWith('fr') ? frenchDateTime(text) : text.replace(' at ', ', ')} (${offset})`;
}

/** A day in `timeZone`, no time: "1er novembre 2026", "1 November 2026" (a policy's publication date). */
export function formatDay(when: string | number | Date, lang: string, timeZone = 'UTC'): string {
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  const text = formatter(intlLang(lang), { dateStyle: 'long', timeZone }).format(date);
  return lang.startsWith('fr') ? text.replace(/^1 /, `1er${NBSP}`).replace(/ (\d{4})$/, `${NBSP}$1`) : text;
}
