// One way to show a moment everywhere: the site's time zone, written as a French or an English reader expects, with
// the offset; the console's pages (audit trail, people, keys, overview) use the same helper as the public pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime, formatDay } from '../../worker/pages/when.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { cookieHeader, frenchConsoleJar } from './french-walk.ts';

const NBSP = '\u00a0';

describe('formatDateTime', () => {
  const at = Date.parse('2026-12-06T17:05:00Z');
  it('writes French and English as their readers expect, with the offset', () => {
    expect(formatDateTime(at, 'fr', 'Europe/Paris')).toBe(`6 décembre${NBSP}2026 à 18${NBSP}h${NBSP}05 (UTC+1)`);
    expect(formatDateTime(at, 'en', 'Europe/Paris')).toBe('6 December 2026, 18:05 (UTC+1)');
    expect(formatDateTime(at, 'en', 'America/New_York')).toBe('6 December 2026, 12:05 (UTC-5)');
    expect(formatDateTime(Date.parse('2026-07-01T06:00:00Z'), 'fr', 'Europe/Paris')).toBe(
      `1er${NBSP}juillet${NBSP}2026 à 8${NBSP}h${NBSP}00 (UTC+2)`,
    );
    expect(formatDay(Date.parse('2026-11-01T12:00:00Z'), 'fr', 'Europe/Paris')).toBe(`1er${NBSP}novembre${NBSP}2026`);
    expect(formatDay(Date.parse('2026-11-01T12:00:00Z'), 'en', 'Europe/Paris')).toBe('1 November 2026');
  });

  it('keeps each language, zone and style apart though their formatters are made once and kept', () => {
    const cases: [Parameters<typeof formatDateTime>, string][] = [
      [
        [at, 'fr', 'Europe/Paris', { seconds: true }],
        `6 décembre${NBSP}2026 à 18${NBSP}h${NBSP}05${NBSP}min${NBSP}00${NBSP}s (UTC+1)`,
      ],
      [[at, 'en', 'Asia/Kolkata'], '6 December 2026, 22:35 (UTC+5:30)'],
      [[at, 'fr', 'Europe/Paris'], `6 décembre${NBSP}2026 à 18${NBSP}h${NBSP}05 (UTC+1)`],
      [[at, 'en', 'Europe/Paris', { seconds: true }], '6 December 2026, 18:05:00 (UTC+1)'],
      [[at, 'en', 'America/New_York'], '6 December 2026, 12:05 (UTC-5)'],
    ];
    // Twice round, in an order where a key missing any of the three would hand one case another's formatter.
    for (let round = 0; round < 2; round++)
      for (const [args, expected] of cases) expect(formatDateTime(...args), args.join(' ')).toBe(expected);
    expect(formatDay(at, 'en', 'Asia/Kolkata')).toBe('6 December 2026');
    expect(formatDay(at, 'fr', 'Pacific/Kiritimati')).toBe(`7 décembre${NBSP}2026`);
  });
});

describe('the console shows moments in the site’s zone, with the offset', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => h.close());

  it('the audit trail, people and keys pages, in French, never in raw UTC', async () => {
    const jar = await frenchConsoleJar(h, h.demoKey);
    const get = async (path: string) => (await h.app.request(path, { headers: { cookie: cookieHeader(jar) } })).text();
    // The sign-in was at 10:00 UTC, 11:00 in Paris in November.
    const audit = await get('/console/audit');
    expect(audit).toContain(`28 novembre${NBSP}2026 à 11${NBSP}h${NBSP}00 (UTC+1)`);
    expect(audit).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const settings = await get('/console/settings');
    expect(settings).toContain(`à 11${NBSP}h${NBSP}00 (UTC+1)`);
    // A site in New York shows New York time.
    const cfg = (
      (await (
        await h.app.request('/v1/sites/demo', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json()) as any
    ).config;
    const put = await h.app.request('/v1/sites/demo', {
      ...json({ ...cfg, timezone: 'America/New_York' }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
      method: 'PUT',
    });
    expect(put.status).toBe(200);
    expect(await get('/console/audit')).toContain(`28 novembre${NBSP}2026 à 5${NBSP}h${NBSP}00 (UTC-5)`);
  });
});
