// On Workers many requests meet a cold isolate: nothing of the site is cached yet. A sign-up there must still take at
// most 3 database round trips (a batch is one), and 2 once the isolate has read the site, as on every warm server.
// A fresh store over the same database is a fresh isolate: every per-database cache (site, notice, prepared
// statements) starts empty.
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { BUDGETS, tripsOf } from '../storage/trips.ts';

const COLD = BUDGETS.consentCold;
const WARM = BUDGETS.consent;

let h: Harness;
let client: ReturnType<typeof createClient>;
beforeEach(async () => {
  client = createClient({ url: ':memory:' });
  h = await makeHarness({ store: libsqlStore(client) });
});
afterEach(() => h.close());

const isolate = () => createApp({ ...h.deps, store: libsqlStore(client), serverTiming: true });

describe('a sign-up in a cold isolate', () => {
  it(`takes at most ${COLD} round trips, then ${WARM} once the isolate knows the site`, async () => {
    const w = await widgetFor(h); // the texts were served (by another isolate)
    const app = isolate();
    const sign = (phone: string) => app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...w }));
    const cold = await sign('06 40 00 00 01');
    expect(cold.status).toBe(202);
    expect(tripsOf(cold), 'cold').toBeLessThanOrEqual(COLD);
    const warm = await sign('06 40 00 00 02');
    expect(warm.status).toBe(202);
    expect(tripsOf(warm), 'warm').toBeLessThanOrEqual(WARM);
  });

  it(`a site already read (its widget served by this isolate) with a notice not yet seen: at most ${COLD}`, async () => {
    const app = isolate();
    expect((await app.request('/v1/sites/demo/widget?locale=fr')).status).toBe(200);
    const w = await widgetFor(h);
    const res = await app.request('/v1/sites/demo/consents', json({ phone: '06 40 00 00 05', choice: 'yes', ...w }));
    expect(res.status).toBe(202);
    expect(tripsOf(res)).toBeLessThanOrEqual(COLD);
  });

  it('a cold isolate refuses texts it never served in the same budget, and writes nothing', async () => {
    const w = await widgetFor(h);
    const res = await isolate().request(
      '/v1/sites/demo/consents',
      json({ phone: '06 40 00 00 03', choice: 'yes', ...w, textSha256: 'a'.repeat(64) }),
    );
    expect(res.status).toBe(409);
    expect(tripsOf(res)).toBeLessThanOrEqual(COLD);
    expect(await h.ctx.store.queryColumn('SELECT count(*) FROM consents')).toEqual([0]);
  });

  it('an unknown site is a 404 in one round trip', async () => {
    const res = await isolate().request(
      '/v1/sites/nosuch/consents',
      json({ phone: '06 40 00 00 04', choice: 'yes', locale: 'fr', textSha256: 'a'.repeat(64), policyVersion: 1 }),
    );
    expect(res.status).toBe(404);
    expect(tripsOf(res)).toBeLessThanOrEqual(1);
  });
});
