// Dates and times as each language writes them, in the site's time zone: "1er mars 2026 à 11 h 00" in French (the
// first of the month an ordinal, "h" between hours and minutes, no-break spaces), Intl's own form in English, and the
// zone's offset so nobody has to convert.
const NBSP = '\u00a0';

/** "UTC+1", "UTC−5", "UTC+5:30": the zone's offset at `date`. */
export function utcOffset(date: Date, timeZone: string): string {
  const name =
    new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
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
  return text
    .replace(/(^|\s)1 (?=\p{L})/u, `$11er${NBSP}`)
    .replace(/(\d{1,2}):(\d{2}):(\d{2})/u, `$1${NBSP}h${NBSP}$2${NBSP}min${NBSP}$3${NBSP}s`)
    .replace(/(\d{1,2}):(\d{2})/u, `$1${NBSP}h${NBSP}$2`)
    .replace(/ (\d{4})/u, `${NBSP}$1`);
}

/**
 * A date and time in `timeZone` with its offset: "1er mars 2026 à 11 h 00 (UTC+1)", "March 1, 2026 at 5:00 AM
 * (UTC-5)". `seconds` adds them (the proof page's timeline).
 */
export function formatDateTime(
  when: string | number | Date,
  lang: string,
  timeZone: string,
  options: { seconds?: boolean } = {},
): string {
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  const text = new Intl.DateTimeFormat(lang, {
    timeZone,
    dateStyle: 'long',
    timeStyle: options.seconds ? 'medium' : 'short',
  }).format(date);
  const offset = utcOffset(date, timeZone);
  return `${lang.startsWith('fr') ? frenchDateTime(text) : text} (${offset})`;
}
