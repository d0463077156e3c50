// Database round trips per request, read from the Server-Timing header every response carries (a batch is one round
// trip), held to the budgets of the hot routes on in-memory libSQL and on a remote libSQL over HTTP (Hrana test server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundTrips } from '../../worker/db/client.ts';
import { countingStore, roundTrips } from '../../worker/db/counting.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { libsqlWebStore } from '../../worker/db/libsql-web.ts';
import { createClient } from '@libsql/client';
import { json, linkToken, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { startHranaServer, type HranaTestServer } from '../runtime/hrana-server.ts';
import { tempDir } from '../runtime/servers.ts';
import { startLocal } from '../../worker/entry/node/local.ts';
import { e164Of, mobile } from './fault-store.ts';
import { BUDGETS, tripsOf } from './trips.ts';

interface RouteTrips {
  widgetFirst: number;
  widget: number;
  widgetCached: number;
  consent: number;
  /** A number already pending asks again. */
  consentAgain: number;
  consentFirst: number;
  /** The jobs' round trips per opt-in over a run of ten, and for a single one. */
  background: number;
  backgroundOne: number;
  confirm: number;
  gate: number;
  proof: number;
  /** The same proof again: its inclusion paths' nodes are known to the process by then. */
  proofAgain: number;
  proofPage: number;
  evidence: number;
}

/**
 * Walks the hot routes once, as a warm server sees them (the site's configuration already loaded once), and returns
 * each one's round trips. `jobsTrips` counts what the background jobs send (they share the store).
 */
async function measureRoutes(h: Harness, jobsTrips: RoundTrips): Promise<RouteTrips> {
  const auth = { authorization: `Bearer ${h.demoKey}` };
  const expectOk = (res: Response, status = 200) => {
    expect(res.status, res.url).toBe(status);
    return tripsOf(res);
  };
  const widgetFirst = expectOk(await h.app.request('/v1/sites/demo/widget?locale=fr'));
  const widgetCached = expectOk(await h.app.request('/v1/sites/demo/widget?locale=fr'));
  h.advance(6_000); // past the few seconds a document is kept
  const widget = expectOk(await h.app.request('/v1/sites/demo/widget?locale=fr'));
  const w = await widgetFor(h);
  const consentFirst = expectOk(
    await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(1), choice: 'yes', ...w })),
    202,
  );
  await h.flush();
  const res = await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(2), choice: 'yes', ...w }));
  const consent = expectOk(res, 202);
  const { consentId } = (await res.json()) as { consentId: string };
  jobsTrips.count = 0;
  await h.flush(); // the confirmation message goes out; the log takes the new leaf
  const backgroundOne = jobsTrips.count;
  // A run of opt-ins, as under load: the jobs' round trips per opt-in.
  for (let i = 10; i < 20; i++)
    expect(
      (await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(i), choice: 'yes', ...w }))).status,
    ).toBe(202);
  jobsTrips.count = 0;
  await h.flush();
  const background = jobsTrips.count / 10;
  const confirm = expectOk(await h.app.request(`/c/${linkToken(h, 'c', e164Of(2))}`, { method: 'POST' }));
  await h.flush();
  const lookup = () =>
    h.app.request('/v1/sites/demo/subscribers/lookup', {
      ...json({ phone: e164Of(2) }),
      headers: { 'content-type': 'application/json', ...auth },
    });
  expectOk(await lookup()); // the key's site is then known to this process
  const gate = expectOk(await lookup());
  const proof = expectOk(await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } }));
  const proofAgain = expectOk(await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } }));
  const proofPage = expectOk(await h.app.request(`/proofs/${consentId}`)); // the HTML page quotes the texts shown
  const evidence = expectOk(await h.app.request(`/proofs/${consentId}/evidence`));
  // A number already waiting for its confirmation asks again (the message is sent anew).
  const consentAgain = expectOk(
    await h.app.request('/v1/sites/demo/consents', json({ phone: mobile(1), choice: 'yes', ...w })),
    202,
  );
  return {
    widgetFirst,
    widget,
    widgetCached,
    consent,
    consentAgain,
    consentFirst,
    background,
    backgroundOne,
    confirm,
    gate,
    proof,
    proofAgain,
    proofPage,
    evidence,
  };
}

function assertBudgets(t: RouteTrips) {
  expect(t.widgetCached, 'widget document, cached').toBe(BUDGETS.widgetCached);
  expect(t.widget, 'widget document').toBeLessThanOrEqual(BUDGETS.widget);
  expect(t.consentFirst, 'consent POST, first of its notice').toBeLessThanOrEqual(BUDGETS.consentCold);
  expect(t.consent, 'consent POST').toBeLessThanOrEqual(BUDGETS.consent);
  expect(t.consentAgain, 'consent POST, number already pending').toBeLessThanOrEqual(BUDGETS.consent);
  expect(t.confirm, 'confirm POST').toBeLessThanOrEqual(BUDGETS.confirm);
  expect(t.gate, 'send gate lookup').toBe(BUDGETS.gate);
  expect(t.proof, 'proof GET').toBeLessThanOrEqual(BUDGETS.proof);
  expect(t.proofAgain, 'proof GET, its paths served before: no node read').toBe(1);
  expect(t.proofPage, 'proof GET (HTML page)').toBeLessThanOrEqual(BUDGETS.proof);
  expect(t.evidence, 'evidence file').toBeLessThanOrEqual(BUDGETS.proof);
  expect(t.background, 'background work of one opt-in (send + log)').toBeLessThanOrEqual(BUDGETS.backgroundPerOptIn);
}

/** A harness whose store counts every round trip (the jobs' ones included) into the returned counter. */
async function countedHarness(store: ReturnType<typeof libsqlStore>) {
  const trips = roundTrips();
  const h = await makeHarness({ store: countingStore(store, trips) });
  return { h, trips };
}

describe('round trips per request', () => {
  it('every response says how many it made, errors included', async () => {
    const h = await makeHarness();
    try {
      expect(tripsOf(await h.app.request('/openapi.json'))).toBe(0);
      expect(tripsOf(await h.app.request('/healthz'))).toBe(1);
      expect(tripsOf(await h.app.request('/v1/sites/nope/widget'))).toBe(1); // a 404 after one read
      expect((await h.app.request('/v1/sites/demo/widget')).headers.get('server-timing')).toMatch(
        /^db;dur=\d+\.\d;desc="\d+"$/,
      );
    } finally {
      await h.close();
    }
  });

  it('ASSENT_SERVER_TIMING turns it on or off at the Node entry (default: dev mode on)', async () => {
    for (const [value, expected] of [
      [undefined, true],
      ['0', false],
      ['1', true],
    ] as const) {
      const dir = tempDir('timing');
      const server = await startLocal(
        { ASSENT_DATA_DIR: dir, ...(value ? { ASSENT_SERVER_TIMING: value } : {}) },
        { log: () => {} },
      );
      try {
        const res = await server.app.request('/healthz');
        expect(res.status).toBe(200);
        expect(res.headers.has('server-timing'), `ASSENT_SERVER_TIMING=${value}`).toBe(expected);
      } finally {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('is off in production unless asked for', async () => {
    const off = await makeHarness({ mode: 'production' });
    try {
      expect((await off.app.request('/healthz')).headers.get('server-timing')).toBeNull();
    } finally {
      await off.close();
    }
  });

  it('on in-memory libSQL, the hot routes stay within their budgets', async () => {
    const { h, trips } = await countedHarness(libsqlStore(createClient({ url: ':memory:' })));
    try {
      const t = await measureRoutes(h, trips);
      assertBudgets(t);
    } finally {
      await h.close();
    }
  });

  describe('on a remote libSQL database over HTTP', () => {
    let server: HranaTestServer;
    const dir = tempDir('round-trips');
    beforeAll(async () => {
      server = await startHranaServer({ path: join(dir, 'remote.db') });
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the hot routes stay within their budgets, and the count is what reached the server', async () => {
      const { h, trips } = await countedHarness(libsqlWebStore({ url: server.url }));
      try {
        const t = await measureRoutes(h, trips);
        assertBudgets(t);
        // One round trip is one HTTP pipeline request at the server.
        const before = server.stats.pipelines;
        const res = await h.app.request('/v1/sites/demo/subscribers/lookup', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${h.demoKey}` },
          body: JSON.stringify({ phone: e164Of(2) }),
        });
        expect(server.stats.pipelines - before).toBe(tripsOf(res));
      } finally {
        await h.close();
      }
    });
  });
});
