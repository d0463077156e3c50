// Bringing an existing list in: CSV and NDJSON rows become `imported` consents (what the owner declared, logged as
// such), bad rows are refused by line and field without stopping the others, a re-import changes nothing, STOPped and
// erased numbers are never revived, and the gate texts imported numbers only while the site allows it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { updateDemo } from '../sms/fixtures.ts';
import { AppError } from '../../worker/errors.ts';
import { loadSite } from '../../worker/domain/site/index.ts';
import { importList as domainImport } from '../../worker/domain/subscribers/index.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WORDING = 'Recevez nos offres par SMS. Désinscription : STOP.';

const importList = (body: string, type = 'text/csv', headers: Record<string, string> = auth) =>
  h.app.request('/v1/sites/demo/subscribers/import', {
    method: 'POST',
    headers: { 'content-type': type, ...headers },
    body,
  });
const lookup = async (phone: string) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, auth))).json()) as any;
const csv = (rows: string[]) => ['phone,consentedAt,source,wording', ...rows].join('\n');
const row = (phone: string, at = '2026-06-01T09:30:00Z', source = 'checkout form') =>
  `${phone},${at},${source},${WORDING}`;

beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('POST /v1/sites/{site}/subscribers/import', () => {
  it('imports CSV rows as imported consents and names each bad row by line and field', async () => {
    const res = await importList(
      csv([
        row('+33612345601'),
        row('not a number'),
        row('+33612345602', '2027-01-01'),
        '+33612345603,2026-06-01,,x',
        row('06 12 34 56 04', '2026-05-01'),
        '"+33612345605","2026-06-01","quoted, with comma","He said ""yes"""',
        '+33612345606,2026-06-01',
        '+33612345607,2026-06-01,"broken,x',
      ]),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toEqual({
      imported: 3,
      duplicates: 0,
      suppressed: 0,
      refused: [
        { line: 3, field: 'phone', message: expect.any(String) },
        { line: 4, field: 'consentedAt', message: 'In the future.' },
        { line: 5, field: 'source', message: 'Empty.' },
        { line: 8, field: '(line)', message: '2 fields where the header has 4.' },
        { line: 9, field: '(line)', message: 'Broken CSV quoting.' },
      ],
    });
    expect(await lookup('+33612345601')).toMatchObject({
      status: 'imported',
      canSend: false,
      reason: 'import-not-allowed',
    });
    expect(await lookup('+33612345604')).toMatchObject({ status: 'imported' });
    // Nothing of the refused rows was written, and no number is stored or logged in clear.
    expect(await lookup('+33612345602')).toMatchObject({ status: 'none' });
    const dump = JSON.stringify([
      await h.ctx.store.db.all(sql`SELECT * FROM consents`),
      await h.ctx.store.db.all(sql`SELECT * FROM subjects`),
      await h.ctx.store.db.all(sql`SELECT data FROM consent_events`),
    ]);
    expect(dump).not.toContain('612345601');
    expect(JSON.stringify(body)).not.toContain('612345');
  });

  it('takes NDJSON, with the same checks', async () => {
    const lines = [
      JSON.stringify({ phone: '+33612345611', consentedAt: '2026-06-01', source: 'shop', wording: WORDING }),
      JSON.stringify({ phone: '+33612345612', consentedAt: '2026-06-01', source: 'shop' }),
      '{not json',
      JSON.stringify({ phone: '+33612345613', consentedAt: '2026-06-01', source: 'shop', wording: WORDING, age: 3 }),
    ].join('\n');
    const body = (await (await importList(lines, 'application/x-ndjson')).json()) as any;
    expect(body).toEqual({
      imported: 1,
      duplicates: 0,
      suppressed: 0,
      refused: [
        { line: 2, field: 'wording', message: 'Missing, or not text.' },
        { line: 3, field: '(line)', message: 'Not a JSON object.' },
        { line: 4, field: 'age', message: expect.stringContaining('Unknown field') },
      ],
    });
  });

  it('a re-import changes nothing: every row a duplicate, no leaf added', async () => {
    const list = csv([row('+33612345621'), row('+33612345622'), row('+33612345621')]);
    expect(await (await importList(list)).json()).toMatchObject({ imported: 2, duplicates: 1 });
    const count = async () =>
      (await h.ctx.store.db.all<{ n: number }>(sql`SELECT COUNT(*) AS n FROM log_leaves`))[0]!.n;
    const leaves = await count();
    const consents = await h.ctx.store.db.all(sql`SELECT * FROM consents ORDER BY id`);
    expect(await (await importList(list)).json()).toEqual({ imported: 0, duplicates: 3, suppressed: 0, refused: [] });
    expect(await count()).toBe(leaves);
    expect(await h.ctx.store.db.all(sql`SELECT * FROM consents ORDER BY id`)).toEqual(consents);
  });

  it('stops past the row limit with a 413 that counts what was read; sending the list again imports the rest once', async () => {
    const phones = Array.from({ length: 30 }, (_, i) => `+336123457${String(i).padStart(2, '0')}`);
    const stream = (text: string) => new Response(text).body!;
    const site = await loadSite(h.ctx, 'demo');
    const tooMany = await domainImport(h.ctx, site, stream(csv(phones.map((p) => row(p)))), 'csv', {
      maxRows: 20,
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(tooMany).toBeInstanceOf(AppError);
    expect(tooMany).toMatchObject({ status: 413, code: 'import_too_large' });
    expect((tooMany as AppError).extensions).toMatchObject({ limit: 20, imported: 20, duplicates: 0 });
    // The rest, sent again as a whole list under the real limit: the first 20 are duplicates, never imported twice.
    expect(await (await importList(csv(phones.map((p) => row(p))))).json()).toMatchObject({
      imported: 10,
      duplicates: 20,
    });
    const [count] = await h.ctx.store.db.all<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM consents WHERE status = 'imported'`,
    );
    expect(count!.n).toBe(30);
  });

  it('never revives a number that said STOP or asked to be erased', async () => {
    await importList(csv([row('+33612345631'), row('+33612345632')]));
    const stop = await h.app.request('/dev/outbox/reply', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: new URLSearchParams({ site: 'demo', from: '+33612345631', body: 'STOP' }).toString(),
    });
    expect(stop.status).toBeLessThan(400);
    expect(await lookup('+33612345631')).toMatchObject({ status: 'withdrawn', suppressed: true });
    const { subscriberId } = await lookup('+33612345632');
    expect(
      (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(200);
    const again = (await (await importList(csv([row('+33612345631'), row('+33612345632')]))).json()) as any;
    expect(again).toMatchObject({ imported: 0, suppressed: 2 });
    expect(again.refused.map((r: any) => [r.line, r.field])).toEqual([
      [2, 'phone'],
      [3, 'phone'],
    ]);
    expect(await lookup('+33612345631')).toMatchObject({ status: 'withdrawn', canSend: false });
    expect(await lookup('+33612345632')).toMatchObject({ canSend: false, suppressed: true });
  });

  it('refuses what is not a list: its type, its header, no policy; and needs the site key', async () => {
    const wrongType = await importList(csv([row('+33612345641')]), 'application/json');
    expect(wrongType.status).toBe(415);
    const header = await importList('phone,when,source,wording\n');
    expect(header.status).toBe(422);
    expect(((await header.json()) as any).errors[0].path).toBe('(header)');
    expect((await importList(csv([]), 'text/csv', {})).status).toBe(401);
  });

  it('keeps numbers out of what is published or answered: a source holding one, a list without its header', async () => {
    const body = (await (
      await importList(
        csv([
          row('+33612345691', '2026-06-01', 'call 06 12 34 56 47'),
          row('+33612345692', '2026-06-01', 'shop 2025'),
          row('+33612345694', '2026-06-01', 'form of jean.dupont@example.fr'),
        ]),
      )
    ).json()) as any;
    expect(body).toMatchObject({
      imported: 1,
      refused: [
        { line: 2, field: 'source', message: expect.stringContaining('a phone number') },
        { line: 4, field: 'source', message: expect.stringContaining('an e-mail address') },
      ],
    });
    expect(body.refused[0].message).toContain('no personal data');
    expect(await lookup('+33612345691')).toMatchObject({ status: 'none' });

    const headless = await importList(`${row('+33612345693')}\n`);
    expect(headless.status).toBe(422);
    const problem = await headless.text();
    expect(problem).toContain('reads as a row, not the header');
    expect(problem).not.toMatch(/612345|33 ?6/);
  });

  it('bounds a row: a line longer than 4096 characters is refused, the next one read', async () => {
    const long = `+33612345651,2026-06-01,shop,${'x'.repeat(5000)}`;
    const body = (await (await importList(csv([long, row('+33612345652')]))).json()) as any;
    expect(body).toMatchObject({ imported: 1, refused: [{ line: 2, field: '(line)' }] });
  });
});

describe('CSV rows over several lines', () => {
  it('takes a quoted cell with line breaks (a spreadsheet export), numbering the rows after it by their lines', async () => {
    const list = [
      'phone,consentedAt,source,wording',
      '+33612345681,2026-06-01,paper form,"Recevez nos offres par SMS.',
      '',
      'STOP pour arrêter."',
      'not a number,2026-06-01,shop,words',
      '+33612345682,2026-06-01,shop,"one\u0007bell"',
    ].join('\r\n');
    const body = (await (await importList(list)).json()) as any;
    expect(body).toEqual({
      imported: 1,
      duplicates: 0,
      suppressed: 0,
      refused: [
        { line: 5, field: 'phone', message: expect.any(String) },
        { line: 6, field: 'wording', message: 'Control characters other than line breaks are not allowed.' },
      ],
    });
    // The wording kept its line breaks, as \n whatever the file's line ends.
    const [stored] = (await h.ctx.store.db.all(sql`SELECT notice_text AS text FROM consents`)) as { text: string }[];
    expect(stored!.text).toBe('Recevez nos offres par SMS.\n\nSTOP pour arrêter.');
    expect(await lookup('+33612345681')).toMatchObject({ status: 'imported' });
  });

  it('names every line a quote left open took into its row, and reads the lines after it', async () => {
    const list = csv([
      '+33612345683,2026-06-01,"shop,one',
      row('+33612345684'),
      '+33612345685,2026-06-01,shop,"closes here"',
      row('+33612345686'),
    ]);
    const body = (await (await importList(list)).json()) as any;
    expect(body).toMatchObject({ imported: 1, refused: [{ line: 2, field: '(line)' }] });
    expect(body.refused[0].message).toBe('Lines 2–4, read as one row (a quoted field spans them): Broken CSV quoting.');
    expect(await lookup('+33612345686')).toMatchObject({ status: 'imported' });
    expect(await lookup('+33612345684')).toMatchObject({ status: 'none' });
  });
});

describe('the gate for imported numbers', () => {
  it('an imported number is in force: retention keeps it past unconfirmedDays, its last contact clock decides', async () => {
    await importList(csv([row('+33612345671', '2026-11-01')]));
    h.advance(40 * 86_400_000);
    await h.flush();
    expect(await lookup('+33612345671')).toMatchObject({
      status: 'imported',
      // Three years (lastContactDays, 1095) after the consent the owner declared.
      retainedUntil: new Date(Date.parse('2026-11-01') + 1095 * 86_400_000).toISOString(),
    });
  });

  it('says canSend only while the site allows imports, until the deadline; then import-expired', async () => {
    await importList(csv([row('+33612345661')]));
    expect(await lookup('+33612345661')).toMatchObject({
      status: 'imported',
      canSend: false,
      reason: 'import-not-allowed',
    });
    await updateDemo(h, (config) => {
      config.imports = { allowed: true, until: '2027-03-01' };
    });
    expect(await lookup('+33612345661')).toMatchObject({ status: 'imported', canSend: true });
    expect((await lookup('+33612345661')).reason).toBeUndefined();
    const bulk = (await (
      await h.app.request('/v1/sites/demo/subscribers/check', json({ phones: ['+33612345661'] }, auth))
    ).json()) as any;
    expect(bulk.results).toEqual([{ canSend: true, status: 'imported' }]);
    h.advance(Date.parse('2027-03-01T00:00:00Z') - h.now());
    expect(await lookup('+33612345661')).toMatchObject({
      status: 'imported',
      canSend: false,
      reason: 'import-expired',
    });
  });

  it('refuses a deadline more than twelve months ahead, naming the field', async () => {
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.imports = { allowed: true, until: '2028-01-01' };
    const res = await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors.map((e: any) => e.path)).toContain('imports.until');
    config.imports = { allowed: true, until: '2027-02-30' };
    const bad = await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).errors.map((e: any) => e.path)).toContain('imports.until');
  });
});

it("the README's import example works as written: the list, the request, its answer and the imports setting", async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = (lang: string, needle: string) =>
    [...readme.matchAll(new RegExp(`\`\`\`${lang}\n([\\s\\S]*?)\`\`\``, 'g'))]
      .map((m) => m[1]!)
      .find((b) => b.includes(needle))!;
  const list = block('csv', 'phone,consentedAt');
  const shell = block('sh', 'subscribers/import');
  // curl replaced by a function printing its arguments: the request exactly as the shell would send it.
  const args = execFileSync('bash', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${shell}`], {
    encoding: 'utf8',
  }).split('\0');
  const url = args.find((a) => a.startsWith('https://HOST/'))!;
  expect(args[args.indexOf('--data-binary') + 1]).toBe('@list.csv');
  const type = args.find((a) => a.startsWith('Content-Type: '))!.slice('Content-Type: '.length);
  const res = await h.app.request(url.slice('https://HOST'.length).replace('myshop', 'demo'), {
    method: 'POST',
    headers: { 'content-type': type, ...auth },
    body: list,
  });
  const [status, answer] = /# (\d{3}) (\{.*\})/.exec(shell)!.slice(1);
  expect(res.status).toBe(Number(status));
  expect(await res.json()).toEqual(JSON.parse(answer!));
  expect(await lookup('+33612345679')).toMatchObject({ status: 'imported', canSend: false });
  await updateDemo(h, (config) => Object.assign(config, JSON.parse(block('json', '"imports"'))));
  expect(await lookup('+33612345679')).toMatchObject({ status: 'imported', canSend: true });
});
