// Storage faults answer 503 storage_unavailable with Retry-After, write nothing half-way, turn /healthz red, and leave
// the widget served; once storage is back every request continues and nothing acknowledged was lost.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { LibsqlError } from '@libsql/client';
import { storageFault } from '../../worker/db/faults.ts';
import { openStore } from '../../worker/entry/node/store.ts';
import { parseEnv } from '../../worker/env.ts';
import { json, linkToken, makeHarness, optIn, widgetFor, type Harness } from '../harness.ts';
import { tempDir } from '../runtime/servers.ts';
import { e164Of, faultyMemoryStore, mobile, rowCounts, type FaultSwitch } from './fault-store.ts';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function expect503(res: Response, kind: 'problem' | 'page') {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  if (kind === 'problem') {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 503, code: 'storage_unavailable' });
  } else {
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('nothing was changed');
  }
}

const hostedForm = (w: Awaited<ReturnType<typeof widgetFor>>, phone: string): RequestInit => ({
  method: 'POST',
  // As a browser posts our own page's form (the hosted form refuses anything else).
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  body: new URLSearchParams({
    phone,
    choice: 'yes',
    locale: w.locale,
    textSha256: w.textSha256,
    policyVersion: String(w.policyVersion),
  }).toString(),
});

describe('storage faults with the driver’s real error codes', () => {
  const writeFaults = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_LOCKED'];
  const allFaults = ['SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_CANTOPEN'];

  for (const code of [...writeFaults, ...allFaults]) {
    it(`${code}: opt-ins and the hosted form answer 503 with Retry-After, nothing is written, /healthz is 503; then all continues`, async () => {
      const fault: FaultSwitch = { code: null, reads: allFaults.includes(code) };
      h = await makeHarness({ store: faultyMemoryStore(fault) });
      const w = await widgetFor(h);
      const before = await rowCounts(h.deps.store);

      fault.code = code;
      await expect503(
        await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(1), choice: 'yes', ...w })),
        'problem',
      );
      await expect503(await h.app.request('/s/demo', hostedForm(w, mobile(2))), 'page');
      await expect503(await h.app.request('/healthz'), 'problem');
      fault.code = null;

      expect(await rowCounts(h.deps.store)).toEqual(before);
      expect((await h.app.request('/healthz')).status).toBe(200);
      expect(
        (await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(1), choice: 'yes', ...w }))).status,
      ).toBe(202);
      expect((await h.app.request('/s/demo', hostedForm(w, mobile(2)))).status).toBe(202);
    });
  }

  it('a link page under a fault is a plain page and changes nothing; the same link works once storage is back', async () => {
    const fault: FaultSwitch = { code: null };
    h = await makeHarness({ store: faultyMemoryStore(fault) });
    const res = await optIn(h);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    const token = linkToken(h, 'c');
    fault.code = 'SQLITE_FULL';
    await expect503(await h.app.request(`/c/${token}`, { method: 'POST' }), 'page');
    expect((await h.ctx.consents.byId(consentId))!.status).toBe('pending');
    fault.code = 'SQLITE_IOERR';
    fault.reads = true; // nothing can be read either: the page itself is the plain one
    await expect503(await h.app.request(`/c/${token}`), 'page');
    fault.code = null;
    fault.reads = false;
    expect((await h.app.request(`/c/${token}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(consentId))!.status).toBe('confirmed');
  });

  it('the widget script and the widget document are served while nothing can be written', async () => {
    const fault: FaultSwitch = { code: null };
    h = await makeHarness({ store: faultyMemoryStore(fault) });
    fault.code = 'SQLITE_READONLY';
    // Nothing was served before in this process, so both would have written on this first serve.
    const script = await h.app.request('/widget.js');
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('assent');
    const served = await widgetFor(h);
    expect(served.textSha256).toMatch(/^[0-9a-f]{64}$/);
    const page = await h.app.request('/s/demo'); // the hosted form shows the same texts
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(served.textSha256);
    expect((await widgetFor(h)).textSha256).toBe(served.textSha256);
    expect(
      (await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(3), choice: 'yes', ...served }))).status,
    ).toBe(503);
    fault.code = null;
    // The next serve records the texts, and a submission citing what was shown during the fault is accepted.
    await widgetFor(h);
    expect(
      (await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(3), choice: 'yes', ...served }))).status,
    ).toBe(202);
    expect((await h.app.request('/widget.json')).status).toBe(200);
    expect(await h.deps.store.queryColumn('SELECT count(*) FROM widget_bundles')).toEqual([1]);
  });
});

describe('storage faults from the embedded engine itself (the Node store: WAL, synchronous=FULL, group commit, writes on a worker thread)', () => {
  async function fileHarness() {
    dir = tempDir('faults');
    const store = await openStore(parseEnv({ ASSENT_DATA_DIR: dir }), { writerThread: true });
    h = await makeHarness({ store });
    return h;
  }

  it('a full disk (the database may not grow): bursts of opt-ins are 202 or 503, never half-written, and nothing acknowledged is lost', async () => {
    const h = await fileHarness();
    const store = h.deps.store;
    const w = await widgetFor(h);
    const base = await rowCounts(store);
    // The file may not grow past its size, and its free pages are used up: the disk is full.
    const pages = Number((await store.queryColumn('PRAGMA page_count'))[0]);
    await store.queryColumn(`PRAGMA max_page_count = ${pages}`);
    await expect(async () => {
      for (let i = 0; i < 1000; i++)
        await store.queryColumn(
          `INSERT INTO rate_counters (key, count, expires_at) VALUES ('filler-' || hex(randomblob(300)), 1, 0)`,
        );
    }).rejects.toMatchObject({ code: 'SQLITE_FULL' });

    const optInOf = (i: number) =>
      h.app.request('/v1/sites/demo/consents', json({ phone: mobile(i), choice: 'yes', ...w }));
    const acknowledged = new Map<number, string>();
    const refused: number[] = [];
    // Bursts (concurrent, so group commit shares transactions) until the tables have no room left either.
    for (let burst = 0; burst < 8 && refused.length === 0; burst++) {
      h.advance(3_600_000); // a new hour: the per-address limit is not what this test measures
      const first = burst * 15;
      const responses = await Promise.all(Array.from({ length: 15 }, (_, k) => optInOf(first + k)));
      for (const [k, res] of responses.entries()) {
        if (res.status === 202) acknowledged.set(first + k, ((await res.json()) as { consentId: string }).consentId);
        else {
          await expect503(res, 'problem');
          refused.push(first + k);
        }
      }
      // Every opt-in wrote a subject, a consent, an event, its leaf and a message, or none of them.
      const counts = await rowCounts(store);
      for (const table of ['subjects', 'consents', 'consent_events', 'log_leaves', 'outbox'] as const)
        expect(counts[table]! - base[table]!, table).toBe(acknowledged.size);
    }
    expect(refused.length).toBeGreaterThan(0);
    // (/healthz may still be 200 here: its probe rewrites one small row, which fits without a new page. A full
    // filesystem fails every write, the probe's too: the injected SQLITE_FULL above shows that answer.)

    await store.queryColumn('PRAGMA max_page_count = 1073741823'); // space is back
    expect((await h.app.request('/healthz')).status).toBe(200);
    h.advance(3_600_000);
    for (const i of refused) {
      const again = await optInOf(i);
      expect(again.status).toBe(202);
      acknowledged.set(i, ((await again.json()) as { consentId: string }).consentId);
    }
    await h.flush();
    for (const [i, consentId] of acknowledged) {
      expect((await h.ctx.consents.byId(consentId))?.status).toBe('pending');
      expect(h.outbox.list().filter((m) => m.to === e164Of(i))).toHaveLength(1);
    }
    expect(await store.queryColumn("SELECT count(*) FROM outbox WHERE status <> 'sent'")).toEqual([0]);
  });

  it('a read-only database: opt-ins 503 and /healthz 503 while the widget is still served; writable again, all continues', async () => {
    const h = await fileHarness();
    const store = h.deps.store;
    await store.queryColumn('PRAGMA query_only = ON'); // the engine refuses every write with SQLITE_READONLY
    expect((await h.app.request('/widget.js')).status).toBe(200);
    const w = await widgetFor(h);
    const before = await rowCounts(store);
    await expect503(
      await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(40), choice: 'yes', ...w })),
      'problem',
    );
    await expect503(await h.app.request('/healthz'), 'problem');
    expect(await rowCounts(store)).toEqual(before);
    await store.queryColumn('PRAGMA query_only = OFF');
    await widgetFor(h);
    expect(
      (await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(40), choice: 'yes', ...w }))).status,
    ).toBe(202);
    expect((await h.app.request('/healthz')).status).toBe(200);
  });
});

describe('which errors are storage faults', () => {
  const fault = (e: unknown) => storageFault(e)?.reason ?? null;

  it('names the driver codes, also when drizzle wraps them, and leaves SQL and constraint errors alone', () => {
    expect(fault(new LibsqlError('SQLITE_FULL: database or disk is full', 'SQLITE_FULL'))).toBe('SQLITE_FULL');
    expect(fault(new DrizzleQueryError('insert into x', [], new LibsqlError('busy', 'SQLITE_BUSY')))).toBe(
      'SQLITE_BUSY',
    );
    expect(fault(new LibsqlError('x', 'SERVER_ERROR'))).toBe('SERVER_ERROR');
    expect(
      fault(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })),
    ).toBe('network');
    expect(fault(new Error('D1_ERROR: database or disk is full: SQLITE_FULL'))).toBe('D1');
    expect(fault(new Error('D1 DB is overloaded. Too many requests queued.'))).toBe('D1');
    expect(fault(new Error('Network connection lost.'))).toBe('D1');
    expect(fault(new LibsqlError('UNIQUE constraint failed: subjects.id', 'SQLITE_CONSTRAINT'))).toBeNull();
    expect(fault(new Error('D1_ERROR: no such table: nope: SQLITE_ERROR'))).toBeNull();
    expect(fault(new Error('boom'))).toBeNull();
  });

  it('takes a fetch that could not reach the database for a fault, and a programming error that says "network" for none', () => {
    expect(fault(new TypeError('fetch failed'))).toBe('network');
    expect(
      fault(new TypeError('error sending request for url (https://db.example/v2/pipeline): client error (Connect)')),
    ).toBe('network');
    expect(fault(new TypeError('NetworkError when attempting to fetch resource.'))).toBe('network');
    expect(fault(new TypeError("Cannot read properties of undefined (reading 'network')"))).toBeNull();
    expect(fault(new TypeError('site.config.network is not a function'))).toBeNull();
  });
});
