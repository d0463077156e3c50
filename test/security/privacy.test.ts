// No number in clear anywhere we keep bytes: the database file (and its journal), and the logs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../worker/logger.ts';
import { json, linkToken, makeHarness, optIn, widgetFor, type Harness } from '../harness.ts';

/** What the visitors typed, and the E.164 each one is. */
const NUMBERS = [
  { typed: '06 12 34 56 78', e164: '+33612345678' },
  { typed: '+33 7 81 23 45 67', e164: '+33781234567' },
  { typed: '0698765432', e164: '+33698765432' },
  { typed: '06.11.22.33.44', e164: '+33611223344' },
  { typed: '+33643218765', e164: '+33643218765' },
];
/** Only declined: never stored, never logged. */
const DECLINED = { typed: '06 55 44 33 22', e164: '+33655443322' };

/** Every written form of a French number: E.164, without +, national, significant digits, spaced, dotted. */
function forms(e164: string): string[] {
  const significant = e164.slice(3);
  const national = `0${significant}`;
  const pairs = national.match(/../g)!;
  return [
    e164,
    e164.slice(1),
    `0033${significant}`,
    national,
    significant,
    pairs.join(' '),
    pairs.join('.'),
    pairs.join('-'),
    `+33 ${significant[0]} ${pairs.slice(1).join(' ')}`,
  ];
}

const encodings = (text: string): Buffer[] => [
  Buffer.from(text, 'utf8'),
  Buffer.from(text, 'utf16le'),
  Buffer.from(text, 'utf16le').swap16(),
];

function findNumber(bytes: Buffer, numbers: { e164: string }[]): string[] {
  const found: string[] = [];
  for (const { e164 } of numbers) {
    for (const form of forms(e164)) {
      for (const needle of encodings(form)) if (bytes.includes(needle)) found.push(form);
    }
  }
  return found;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function exercise(h: Harness): Promise<string[]> {
  const tokens: string[] = [];
  for (const { typed } of NUMBERS) expect((await optIn(h, typed)).status).toBe(202);
  // A resend for the first, so it has two confirmation messages.
  expect((await optIn(h, NUMBERS[0]!.typed)).status).toBe(202);
  const w = await widgetFor(h);
  expect(
    (await h.app.request('/v1/sites/demo/consents', json({ phone: DECLINED.typed, choice: 'no', ...w }))).status,
  ).toBe(204);
  await h.flush();
  const confirm = linkToken(h, 'c', NUMBERS[0]!.e164);
  tokens.push(confirm, linkToken(h, 'c', NUMBERS[1]!.e164));
  expect((await h.app.request(`/c/${confirm}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  tokens.push(linkToken(h, 'u', NUMBERS[0]!.e164));
  for (const { e164 } of NUMBERS) {
    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: e164 }, { authorization: `Bearer ${h.demoKey}` }),
    );
    expect(gate.status).toBe(200);
  }
  // Every message went out: the console provider (memory, dev only) holds the full numbers, by design.
  expect(h.outbox.list()).toHaveLength(NUMBERS.length + 2);
  return tokens;
}

function readDbFiles(path: string): Buffer {
  const parts = ['', '-wal', '-journal', '-shm'].map((suffix) => `${path}${suffix}`).filter((f) => existsSync(f));
  return Buffer.concat(parts.map((f) => readFileSync(f)));
}

describe.each([
  ['default journal', false],
  ['WAL', true],
])('the database file (%s)', (_label, wal) => {
  it('holds no number in any form or encoding, and no link token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-privacy-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const h = await makeHarness({ url: `file:${file}` });
    if (wal) {
      expect(String((await h.ctx.store.queryColumn('PRAGMA journal_mode=WAL'))[0]).toLowerCase()).toBe('wal');
    }
    const tokens = await exercise(h);
    const whileOpen = readDbFiles(file);
    expect(whileOpen.length).toBeGreaterThan(4096);
    if (wal) expect(existsSync(`${file}-wal`)).toBe(true);
    await h.close();
    const afterClose = readDbFiles(file);

    for (const bytes of [whileOpen, afterClose]) {
      expect(findNumber(bytes, [...NUMBERS, DECLINED])).toEqual([]);
      for (const token of tokens) expect(bytes.includes(Buffer.from(token))).toBe(false);
      // The scan can see: the masked form we do keep is there.
      expect(bytes.includes(Buffer.from('+33 6 •• •• •• 78'))).toBe(true);
    }
  });
});

it('the scan finds a number planted in any form or encoding', () => {
  for (const form of forms('+33612345678')) {
    for (const encoded of encodings(form)) {
      const planted = Buffer.concat([Buffer.alloc(100, 0x41), encoded, Buffer.alloc(100, 0x41)]);
      expect(findNumber(planted, [NUMBERS[0]!])).toContain(form);
    }
  }
  expect(findNumber(Buffer.from('+33 6 •• •• •• 78 and 1795860000000'), NUMBERS)).toEqual([]);
});

describe('logs', () => {
  it('contain no number and no token, and log the send gate by its route pattern', async () => {
    const lines: string[] = [];
    const h = await makeHarness({ logger: jsonLogger({ write: (line) => lines.push(line) }) });
    try {
      const tokens = await exercise(h);
      // Errors are logged too: a bad number must not reach the log either.
      expect((await optIn(h, '06 12 34 56')).status).toBe(422);
      expect(
        (
          await h.app.request(
            '/v1/sites/demo/subscribers/lookup',
            json({ phone: '0612345678' }, { authorization: 'Bearer nope' }),
          )
        ).status,
      ).toBe(403);
      // A mistyped path holding a number is logged by its pattern too.
      expect((await h.app.request(`/v1/sites/demo/subscriber/${NUMBERS[0]!.e164}`)).status).toBe(404);
      expect((await h.app.request(`/v1/sites/demo/subscribers/${NUMBERS[1]!.e164}/export-typo`)).status).toBe(404);
      expect(lines.length).toBeGreaterThan(10);
      const all = Buffer.from(lines.join('\n'));
      expect(findNumber(all, [...NUMBERS, DECLINED])).toEqual([]);
      expect(lines.join('\n')).not.toContain('06 12 34 56');
      for (const token of tokens) expect(all.includes(Buffer.from(token))).toBe(false);

      const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
      const gate = requests.filter((r) => String(r.route).includes('/subscribers/'));
      expect(gate.length).toBe(NUMBERS.length + 1);
      for (const r of gate) expect(r.route).toBe('/v1/sites/:site/subscribers/lookup');
      const links = requests.filter((r) => /^\/(c|u)\//.test(String(r.route)));
      expect(links.length).toBeGreaterThan(0);
      for (const r of links) expect(r.route).toMatch(/^\/(c|u)\/:token$/);
      for (const r of requests) expect(typeof r.requestId).toBe('string');
    } finally {
      await h.close();
    }
  });
});
