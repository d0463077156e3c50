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

/** One line of the file: its number (1 for the first, the CSV header included) and its text, or why it is unreadable. */
export type Line = { line: number; text: string } | { line: number; tooLong: true };

/** A row: its fields as given, or the field that makes it unreadable and why. */
export type ParsedRow =
  | { line: number; fields: Record<ImportField, unknown> }
  | { line: number; field: string; message: string };

/**
 * The body's lines in order, decoded as UTF-8 (a byte-order mark dropped), with `\n` or `\r\n` ends. A line longer
 * than MAX_LINE is reported as such and skipped to its end without being kept. Empty lines are skipped but counted.
 */
export async function* lines(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  const reader = body.getReader();
  let pending = '';
  let skipping = false;
  let number = 0;
  let bytes = 0;
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
        if (!skipping) pending += piece;
        if (pending.length > MAX_LINE + 1) {
          pending = '';
          skipping = true;
        }
        if (end === -1) break;
        number++;
        if (skipping) yield { line: number, tooLong: true };
        else {
          const text = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
          if (text.length > MAX_LINE) yield { line: number, tooLong: true };
          else if (text.trim() !== '') yield { line: number, text };
        }
        pending = '';
        skipping = false;
        start = end + 1;
      }
      if (done) break;
    }
    if (skipping || pending !== '') {
      number++;
      const text = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
      if (skipping || text.length > MAX_LINE) yield { line: number, tooLong: true };
      else if (text.trim() !== '') yield { line: number, text };
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The fields of one CSV line (RFC 4180: fields in double quotes may hold commas and doubled quotes). A quoted field
 * does not span lines here: a row is one line. Null when the quoting is broken.
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

/** One data line as a row, by the header's columns (CSV) or as a JSON object (NDJSON). */
export function parseLine(
  format: ImportFormat,
  line: Extract<Line, { text: string }>,
  columns: Record<ImportField, number> | null,
): ParsedRow {
  if (format === 'csv') {
    const values = csvFields(line.text);
    if (!values) return { line: line.line, field: '(line)', message: 'Broken CSV quoting.' };
    if (values.length !== IMPORT_FIELDS.length)
      return {
        line: line.line,
        field: '(line)',
        message: `${values.length} fields where the header has ${IMPORT_FIELDS.length}.`,
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
