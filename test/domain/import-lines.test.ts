// The import's reader (domain/subscribers/import-lines.ts): rows come out the same however the body is cut into
// chunks; a CSV field in quotes may span lines (a spreadsheet cell with a line break), the row then named by its
// first and last lines; a stray quote outside a quoted field opens nothing; a quote left open is bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvFields, type Line, lines, MAX_LINE } from '../../worker/domain/subscribers/import-lines.ts';

const encoder = new TextEncoder();

/** The body cut at the given byte offsets (a multi-byte character may be cut too: the decoder streams). */
function body(text: string, cuts: number[] = []): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    pieces.push(bytes.subarray(from, to));
    from = to;
  }
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

async function read(text: string, csv = true, cuts: number[] = []): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of lines(body(text, cuts), 1 << 20, csv)) out.push(line);
  return out;
}

describe('lines()', () => {
  it('joins a quoted field across line ends, kept as written, and numbers rows by their first and last lines', async () => {
    const text = 'h\r\na,"first\r\n\r\nthird ""q"", é",x\r\nb,plain\r\n\r\nc,"one\nline"\n';
    expect(await read(text)).toEqual([
      { line: 1, text: 'h' },
      { line: 2, lastLine: 4, text: 'a,"first\r\n\r\nthird ""q"", é",x' },
      { line: 5, text: 'b,plain' },
      { line: 7, lastLine: 8, text: 'c,"one\nline"' },
    ]);
    expect(csvFields('a,"first\r\n\r\nthird ""q"", é",x')).toEqual(['a', 'first\r\n\r\nthird "q", é', 'x']);
    // NDJSON has no quoting of its own across lines: every line is a row.
    expect((await read('{"a":"x\n"}\n', false)).map((l) => l.line)).toEqual([1, 2]);
  });

  it('opens nothing with a quote inside an unquoted field, or after a quoted field closed', async () => {
    expect(await read('a,b"c,d\ne,f\n"x""",y\nz\n')).toEqual([
      { line: 1, text: 'a,b"c,d' },
      { line: 2, text: 'e,f' },
      { line: 3, text: '"x""",y' },
      { line: 4, text: 'z' },
    ]);
  });

  it('bounds a quote left open: the row stops at the line where it passes the limit, the next line is read', async () => {
    const filler = Array.from({ length: 150 }, (_, i) => `+3361234${String(i).padStart(4, '0')},2026-06-01,shop,words`);
    const text = ['h', 'a,"never closed', ...filler, 'after,1'].join('\n');
    const rows = await read(text);
    expect(rows[1]).toMatchObject({ line: 2, tooLong: true });
    const last = (rows[1] as { lastLine: number }).lastLine;
    expect(last).toBeGreaterThan(2);
    // Every line is accounted for: the open row's span, then each line after it on its own.
    expect(rows.slice(2).map((r) => r.line)).toEqual(Array.from({ length: 153 - last }, (_, i) => last + 1 + i));
    expect(last).toBeLessThan(150);
    expect(rows.at(-1)).toEqual({ line: 153, text: 'after,1' });
    // A quote open at the end of the body ends the row there (the routes then refuse its broken quoting).
    expect(await read('h\na,"open\nstill\n')).toEqual([
      { line: 1, text: 'h' },
      { line: 2, lastLine: 3, text: 'a,"open\nstill' },
    ]);
    expect((await read(`h\na,"${'x'.repeat(MAX_LINE)}`))[1]).toEqual({ line: 2, tooLong: true });
  });

  it('reads the same rows however the body is cut into chunks', async () => {
    const cell = fc.constantFrom('a', 'é', '😀', ',', '"', '""', '\n', '\r\n', ' ', '');
    const csvText = fc.array(
      fc.array(cell, { maxLength: 6 }).map((c) => c.join('')),
      { maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(csvText, fc.array(fc.nat(), { maxLength: 6 }), async (parts, cuts) => {
        const text = parts.join('');
        expect(await read(text, true, cuts)).toEqual(await read(text, true));
      }),
      { numRuns: 300 },
    );
  });
});
