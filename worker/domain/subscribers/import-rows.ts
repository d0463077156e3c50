// One row of an imported list checked (import.ts reads and writes the list): the number normalised and accepted by
// the site, when the consent was given (not in the future, not past the retention), where (no personal data: it is
// in the proof) and the wording asked with. A row is valid whole, or refused naming its line and field.
import { AppError } from '../../errors.ts';
import { holdsPhoneNumber, normalisePhone } from '../consent/phone.ts';
import { allowedCountries } from '../site/config.ts';
import type { Site } from '../site/sites.ts';
import type { ImportField } from './import-lines.ts';

export interface RefusedRow {
  /** The line in the file (1 is the first line: the CSV header, or the first NDJSON row). */
  line: number;
  field: string;
  message: string;
}

export interface ValidRow {
  line: number;
  e164: string;
  country: string;
  consentedAt: number;
  source: string;
  wording: string;
  phoneIndex: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
// Control characters other than tab: a source is one line of plain text. A wording may hold line breaks (a paper
// form's text, a spreadsheet cell's), kept as \n whatever the file's line ends were: the text, not its file, is hashed.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const DAY = 86_400_000;
/** An e-mail address anywhere in a text (a local part, @, a domain with a dot). */
const EMAIL = /[^\s@]@[^\s@.]+\.[^\s@]/;

type Check = { field: ImportField; message: string } | null;

function text(value: unknown, field: ImportField, max: number, lineBreaks = false): Check | string {
  if (typeof value !== 'string') return { field, message: 'Missing, or not text.' };
  const trimmed = (lineBreaks ? value.replace(/\r\n?/g, '\n') : value).trim();
  if (trimmed === '') return { field, message: 'Empty.' };
  if (trimmed.length > max) return { field, message: `At most ${max} characters.` };
  if ((lineBreaks ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(trimmed))
    return {
      field,
      message: lineBreaks
        ? 'Control characters other than line breaks are not allowed.'
        : 'Control characters are not allowed.',
    };
  return trimmed;
}

/** A row's fields checked: the number, when and where the consent was given (per the owner), the wording. */
export function checkRow(
  site: Site,
  now: number,
  line: number,
  fields: Record<ImportField, unknown>,
): ValidRow | RefusedRow {
  const phoneText = text(fields.phone, 'phone', 40);
  if (typeof phoneText !== 'string') return { line, ...phoneText! };
  let phone: ReturnType<typeof normalisePhone>;
  try {
    phone = normalisePhone(phoneText, site.config.defaultCountry);
  } catch (error) {
    if (error instanceof AppError) return { line, field: 'phone', message: error.message };
    throw error;
  }
  if (!allowedCountries(site.config).includes(phone.country))
    return { line, field: 'phone', message: `Numbers from ${phone.country} are not accepted by this site.` };
  const at = fields.consentedAt;
  if (typeof at !== 'string' || !ISO_TIME.test(at.trim()))
    return { line, field: 'consentedAt', message: 'An ISO 8601 date or date and time (2024-03-01T10:15:00Z).' };
  const trimmed = at.trim();
  const consentedAt = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isNaN(consentedAt)) return { line, field: 'consentedAt', message: 'Not a calendar date.' };
  if (consentedAt > now) return { line, field: 'consentedAt', message: 'In the future.' };
  // The number would be erased at once: the retention clock of a number starts at its last contact (last-contact.ts).
  if (now - consentedAt > site.config.retention.lastContactDays * DAY)
    return {
      line,
      field: 'consentedAt',
      message: `More than ${site.config.retention.lastContactDays} days ago (retention.lastContactDays): past its retention, the number may not be kept.`,
    };
  const source = text(fields.source, 'source', 200);
  if (typeof source !== 'string') return { line, ...source! };
  // The log holds only the source's SHA-256 (the owner's words may name a person, and nothing erases a leaf); the text
  // is kept with the consent and shown in its proof, public to whoever has the link, until erasure. What can be told
  // by its form is refused all the same (a phone number, an e-mail address); a name cannot be.
  const personal = holdsPhoneNumber(source, site.config.defaultCountry)
    ? 'a phone number'
    : EMAIL.test(source)
      ? 'an e-mail address'
      : null;
  if (personal)
    return {
      line,
      field: 'source',
      message: `Holds ${personal}: the source is shown in the consent's public proof, so it may hold no personal data.`,
    };
  const wording = text(fields.wording, 'wording', 2000, true);
  if (typeof wording !== 'string') return { line, ...wording! };
  return { line, e164: phone.e164, country: phone.country, consentedAt, source, wording, phoneIndex: '' };
}
