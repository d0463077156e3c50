// Observability that costs nothing: with Server-Timing on, requests reuse counting views of the store (no domain
// context nor drizzle handle built per request) and still count only their own round trips, concurrent or not; the
// access-log line is written from a template and says exactly what the generic logger would.
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../worker/db/client.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { jsonLogger } from '../../worker/logger.ts';
import { json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { tripsOf } from '../storage/trips.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

/** A libSQL store that counts how many counting drizzle handles were built on it. */
function spiedStore(): { store: Store; built: () => number } {
  const store = libsqlStore(createClient({ url: ':memory:' }));
  let built = 0;
  const countedDb = store.countedDb!;
  return {
    store: {
      ...store,
      countedDb: (trips) => {
        built++;
        return countedDb(trips);
      },
    },
    built: () => built,
  };
}

describe('Server-Timing round trips', () => {
  it('builds no counting handle per request once warm, and each concurrent request reports its own trips', async () => {
    const spy = spiedStore();
    h = await makeHarness({ store: spy.store });
    const auth = { authorization: `Bearer ${h.demoKey}` };
    const gate = () =>
      h!.app.request('/v1/sites/demo/subscribers/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ phone: '+33612345670' }),
      });
    const widget = () => h!.app.request('/v1/sites/demo/widget?locale=fr');
    const consent = async (phone: string) =>
      h!.app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...(await widgetFor(h!)) }));
    // Warm: the site, the key and the widget document are read once.
    await gate();
    await widget();
    await consent('06 12 34 56 70');
    const alone = { gate: tripsOf(await gate()), widget: tripsOf(await widget()) };
    const consentAlone = tripsOf(await consent('06 12 34 56 71'));
    expect(alone.gate).toBeGreaterThan(0);
    expect(consentAlone).toBeGreaterThan(alone.gate);
    const before = spy.built();
    for (let i = 0; i < 20; i++) expect(tripsOf(await gate())).toBe(alone.gate);
    expect(spy.built(), 'sequential requests reuse one counting view').toBe(before);

    const together = await Promise.all([gate(), consent('06 12 34 56 72'), gate(), widget(), gate()]);
    expect(together.map((res) => res.status)).toEqual([200, 202, 200, 200, 200]);
    expect(together.map(tripsOf)).toEqual([alone.gate, consentAlone, alone.gate, alone.widget, alone.gate]);
    // At most one view per request that was in flight at once, then reused again.
    expect(spy.built() - before).toBeLessThanOrEqual(5);
    const after = spy.built();
    await Promise.all([gate(), gate(), gate()]);
    expect(spy.built()).toBe(after);
  });

  it('is absent with Server-Timing off (production), where requests share the one context', async () => {
    h = await makeHarness({ mode: 'production' });
    const res = await h.app.request('/v1/sites/demo/widget?locale=fr');
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBeNull();
  });
});

describe('the access-log line', () => {
  it('is the JSON the generic logger writes, with the route pattern and any character quoted', () => {
    const lines: string[] = [];
    const logger = jsonLogger({ write: (line) => lines.push(line) });
    const route = '/v1/sites/:site/widget/texts/:sha256{[0-9a-f]{64}}/"quoted"\\';
    logger.request!('req-1', 'POST', route, 202, 1.5);
    logger.info('request', { requestId: 'req-1', method: 'POST', route, status: 202, ms: 1.5 });
    const [fast, generic] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fast).toEqual({ ...generic, time: fast!.time });
    expect(Object.keys(fast!)).toEqual(Object.keys(generic!));
    const quiet: string[] = [];
    jsonLogger({ write: (line) => quiet.push(line), level: 'warn' }).request!('r', 'GET', '/', 200, 1);
    expect(quiet).toEqual([]);
  });

  it('goes through info() for a logger without the template', async () => {
    const seen: { msg: string; fields?: Record<string, unknown> }[] = [];
    const keep = (msg: string, fields?: Record<string, unknown>) =>
      void seen.push({ msg, ...(fields ? { fields } : {}) });
    h = await makeHarness({ logger: { info: keep, warn: keep, error: keep } });
    await h.app.request('/v1/sites/demo/widget?locale=fr');
    expect(seen.find((l) => l.msg === 'request')?.fields).toMatchObject({
      method: 'GET',
      route: '/v1/sites/:site/widget',
      status: 200,
    });
  });
});
