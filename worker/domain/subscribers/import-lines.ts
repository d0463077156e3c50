// Reads an imported list as it arrives: the body's bytes become lines (each bounded, so a line without an end cannot
// fill the memory), and each line a record of its four fields, from CSV (RFC 4180, a header naming the columns) or
// NDJSON (one JSON object a line). Nothing is kept but the line being read.
import { AppError } from '../../errors.ts';

export type ImportFormat = 'csv' | 'ndjson';

/** The fields of a row, as written in the file. */
export const IMPORT_FIELDS = ['phone', 'consentedAt', 'source', 'wording'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The longest line read (characters): a row holds a number, a date, a source and the wording asked with. */
export const MAX_LINE = 4096;

/**
 * One row of the file: the number of its first line (1 for the first, the CSV header included), of its last when a
 * quoted CSV field spans lines, and its text (its inner line ends as written), or why it is unreadable.
 */
export type Line =
  | { line: number; lastLine?: number; text: string }
  | { line: number; lastLine?: number; tooLong: true };

/** A row: its fields as given, or the field that makes it unreadable and why. */
export type ParsedRow =
  | { line: number; fields: Record<ImportField, unknown> }
  | { line: number; field: string; message: string };

// Where a CSV row's text stands (RFC 4180 §2): at a field's start, in an unquoted field, in a quoted one, or just
// after a quote inside a quoted one (the field's end, or the first of a doubled quote). Only a quote at a field's
// start opens a quoted field: a stray quote elsewhere is the row's broken quoting, not a line break's escape.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

function quoting(text: string, state: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (state === QUOTED) state = c === 0x22 ? QUOTE_IN_QUOTED : QUOTED;
    else if (c === 0x2c) state = FIELD_START;
    else if (c === 0x22) state = state === FIELD_START || state === QUOTE_IN_QUOTED ? QUOTED : UNQUOTED;
    else state = UNQUOTED;
  }
  return state;
}

/**
 * The body's rows in order, decoded as UTF-8 (a byte-order mark dropped), with `\n` or `\r\n` ends. With `csv`, a
 * line end inside a quoted field belongs to the field (RFC 4180 §2.6: a spreadsheet's cell with a line break), and
 * the row goes on to the line that closes it. A row longer than MAX_LINE is reported as such and skipped to the end
 * of the line where it passed the limit, without being kept. Empty lines are skipped but counted.
 */
export async function* lines(body: ReadableStream<Uint8Array>, maxBytes: number, csv = false): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  const reader = body.getReader();
  let pending = '';
  let skipping = false;
  let number = 0;
  let first = 1; // the row's first line
  let state = FIELD_START;
  let lineHasText = false; // something after the last line end: a last line without its end
  let bytes = 0;
  const row = (text: string): Line | null => {
    const span = number > first ? { lastLine: number } : {};
    if (skipping || text.length > MAX_LINE) return { line: first, ...span, tooLong: true };
    return text.trim() === '' ? null : { line: first, ...span, text };
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) {
        bytes += value.byteLength;
        if (bytes > maxBytes)
          throw new AppError('body_too_large', 413, `The list is larger than ${maxBytes} bytes.`, {
            errors: [{ path: '(body)', message: `At most ${maxBytes} bytes per import.` }],
          });
      }
      const chunk = done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (;;) {
        const end = chunk.indexOf('\n', start);
        const piece = chunk.slice(start, end === -1 ? undefined : end);
        if (piece !== '') lineHasText = true;
        if (!skipping) {
          pending += piece;
          if (csv) state = quoting(piece, state);
        }
        if (pending.length > MAX_LINE + 1) {
          pending = '';
          skipping = true;
        }
        if (end === -1) break;
        number++;
        lineHasText = false;
        start = end + 1;
        if (csv && !skipping && state === QUOTED) {
          pending += '\n'; // the field goes on: its line end as written (a `\r` before it stays in `pending`)
          continue;
        }
        const found = row(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
        if (found) yield found;
        pending = '';
        skipping = false;
        state = FIELD_START;
        first = number + 1;
      }
      if (done) break;
    }
    if (lineHasText) number++;
    // A quote still open at the end: the row ends with the body (the file's last line end is not the field's).
    else pending = pending.replace(/\r?\n$/, '');
    if (skipping || pending !== '') {
      const found = row(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
      if (found) yield found;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The fields of one CSV row (RFC 4180: fields in double quotes may hold commas, doubled quotes and line ends, the
 * row then spanning lines: lines() joins them). Null when the quoting is broken.
 */
export function csvFields(text: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return null;
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== ',') return null;
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma === -1 ? undefined : comma);
      if (value.includes('"')) return null;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

const headerError = (message: string) =>
  new AppError('validation_failed', 422, `The CSV header is not usable: ${message}`, {
    errors: [{ path: '(header)', message }],
  });

/** The column of each field from the CSV header (any order; every field once; no other column). */
export function csvColumns(text: string): Record<ImportField, number> {
  const names = csvFields(text);
  if (!names) throw headerError('Broken quoting.');
  // A first line with digits is a row sent without its header: said so, and never echoed (it may hold a number).
  if (names.some((name) => /\d/.test(name)))
    throw headerError(`The first line reads as a row, not the header: start the list with ${IMPORT_FIELDS.join(',')}.`);
  const columns: Partial<Record<ImportField, number>> = {};
  names.forEach((raw, index) => {
    const name = raw.trim();
    if (!(IMPORT_FIELDS as readonly string[]).includes(name))
      throw headerError(`Unknown column "${name.slice(0, 40)}": the columns are ${IMPORT_FIELDS.join(',')}.`);
    if (columns[name as ImportField] !== undefined) throw headerError(`The column "${name}" appears twice.`);
    columns[name as ImportField] = index;
  });
  const missing = IMPORT_FIELDS.filter((f) => columns[f] === undefined);
  if (missing.length > 0) throw headerError(`Missing column(s): ${missing.join(', ')}.`);
  return columns as Record<ImportField, number>;
}

/**
 * How a refusal names a row that spans lines, so the lines it held are not lost from sight (a quote left open takes
 * the lines after it into its row): empty for a row of one line.
 */
export const spanOf = (row: Line) =>
  row.lastLine === undefined ? '' : `Lines ${row.line}–${row.lastLine}, read as one row (a quoted field spans them): `;

/** One data line as a row, by the header's columns (CSV) or as a JSON object (NDJSON). */
export function parseLine(
  format: ImportFormat,
  line: Extract<Line, { text: string }>,
  columns: Record<ImportField, number> | null,
): ParsedRow {
  if (format === 'csv') {
    const values = csvFields(line.text);
    if (!values) return { line: line.line, field: '(line)', message: `${spanOf(line)}Broken CSV quoting.` };
    if (values.length !== IMPORT_FIELDS.length)
      return {
        line: line.line,
        field: '(line)',
        message: `${spanOf(line)}${values.length} fields where the header has ${IMPORT_FIELDS.length}.`,
      };
    const fields = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, values[columns![f]]])) as Record<
      ImportField,
      unknown
    >;
    return { line: line.line, fields };
  }
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return { line: line.line, field: '(line)', message: 'Not a JSON object.' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { line: line.line, field: '(line)', message: 'Not a JSON object.' };
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((k) => !(IMPORT_FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined)
    return {
      line: line.line,
      field: unknown.slice(0, 40),
      message: `Unknown field: the fields are ${IMPORT_FIELDS.join(', ')}.`,
    };
  return {
    line: line.line,
    fields: Object.fromEntries(IMPORT_FIELDS.map((f) => [f, record[f]])) as Record<ImportField, unknown>,
  };
}
