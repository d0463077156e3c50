// Renewal campaigns: their SMS are spread under the site's hourly cap (limits.renewalsPerHour), the queue says so,
// and a start cut short by a storage fault is resumed by the next start: every asked subscriber gets one request and
// one SMS, and the links sent before the fault still work.
import { createClient } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { outbox, renewalRequests } from '../../worker/db/schema.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { seedConfirmed } from '../routes/seed-subscribers.ts';
import { crashingClient } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const HOUR = 3_600_000;

async function configure(harness: Harness, change: (config: any) => void) {
  const { config } = (await (await harness.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
  change(config);
  const res = await harness.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' });
  expect(res.status).toBe(200);
}

/** Version 2 names a new processor: every confirmed consent needs renewal. */
async function materialChange(harness: Harness) {
  await configure(harness, (config) =>
    config.policy.recipients.push({
      name: 'Mailer Ltd',
      role: 'processor',
      purpose: { fr: 'envoyer nos SMS', en: 'send our texts' },
      country: 'FR',
    }),
  );
  const pub = await harness.app.request('/v1/sites/demo/policies', json({ summary: 'Un nouveau prestataire.' }, auth));
  expect(pub.status).toBe(201);
}

const start = (harness: Harness) => harness.app.request('/v1/sites/demo/renewals', json({}, auth));

describe('the renewal rate cap', () => {
  it('spreads a campaign so that no hour holds more SMS than limits.renewalsPerHour', async () => {
    h = await makeHarness();
    await seedConfirmed(h, 25);
    await configure(h, (config) => {
      config.limits.renewalsPerHour = 10;
    });
    await materialChange(h);
    const res = await start(h);
    expect(res.status).toBe(202);
    const campaign = (await res.json()) as { id: string; sendAt: string; asked: number; started: boolean };
    expect(campaign).toMatchObject({ asked: 25, started: true });
    const rows = await h.ctx.store.db.select().from(outbox).where(eq(outbox.kind, 'renewal'));
    const sendAt = Date.parse(campaign.sendAt);
    const perSlot = new Map<number, number>();
    for (const r of rows) perSlot.set(r.nextAttemptAt, (perSlot.get(r.nextAttemptAt) ?? 0) + 1);
    expect([...perSlot.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [sendAt, 10],
      [sendAt + HOUR, 10],
      [sendAt + 2 * HOUR, 5],
    ]);
    const queue = (await (await h.app.request('/v1/sites/demo/queue', { headers: auth })).json()) as {
      queue: { campaignId: string; reason: string; count: number; until: string }[];
    };
    expect(queue.queue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ campaignId: campaign.id, reason: 'due', count: 10 }),
        expect.objectContaining({
          campaignId: campaign.id,
          reason: 'rate_cap',
          count: 15,
          until: new Date(sendAt + 2 * HOUR).toISOString(),
        }),
      ]),
    );
    await h.flush();
    expect(h.outbox.list()).toHaveLength(10);
    h.advance(HOUR);
    await h.flush();
    expect(h.outbox.list()).toHaveLength(20);
  });

  it('refuses a cap that is not a positive whole number, naming the field', async () => {
    h = await makeHarness();
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.limits.renewalsPerHour = 0;
    const res = await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('limits.renewalsPerHour');
  });
});

describe('a renewal start cut short', () => {
  it('answers 503, is listed as not started, and the next start completes it: one request and one SMS each', async () => {
    const state = { armed: false, seen: 0, failAt: 2 };
    h = await makeHarness({
      store: libsqlStore(crashingClient(createClient({ url: ':memory:' }), state, /INSERT INTO "renewal_requests"/i)),
    });
    await seedConfirmed(h, 450);
    await materialChange(h);
    state.armed = true;
    const cut = await start(h);
    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toBeTruthy();
    state.armed = false;
    const listed = (await (await h.app.request('/v1/sites/demo/renewals', { headers: auth })).json()) as {
      campaigns: { id: string; started: boolean; asked: number }[];
    };
    // The first page (200) was written before the fault; the campaign says it is not started.
    expect(listed.campaigns).toEqual([expect.objectContaining({ started: false, asked: 200 })]);
    const firstRows = await h.ctx.store.db.select().from(outbox).where(eq(outbox.kind, 'renewal'));
    const resumed = await start(h);
    expect(resumed.status).toBe(202);
    const done = (await resumed.json()) as { id: string; asked: number; started: boolean };
    expect(done).toMatchObject({ id: listed.campaigns[0]!.id, asked: 450, started: true });
    const requests = await h.ctx.store.db.select().from(renewalRequests);
    expect(new Set(requests.map((r) => r.consentId)).size).toBe(450);
    expect(requests).toHaveLength(450);
    const rows = await h.ctx.store.db.select().from(outbox).where(eq(outbox.kind, 'renewal'));
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((r) => r.consentId)).size).toBe(450);
    // The SMS queued before the fault were kept as they were (same ids, same sealed body: their links still work).
    for (const before of firstRows) {
      expect(rows.find((r) => r.id === before.id)?.bodyCiphertext).toBe(before.bodyCiphertext);
    }
    // Started now: a third start is the usual 409.
    expect((await start(h)).status).toBe(409);
    await h.flush();
    const sms = h.outbox.list().filter((m) => m.body.includes('/r/'));
    expect(sms.length).toBeGreaterThan(0);
    const token = /\/r\/([A-Za-z0-9_-]+)/.exec(sms[0]!.body)![1]!;
    const yes = await h.app.request(`/r/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'choice=yes',
    });
    expect(yes.status).toBe(200);
  });

  it('is finished by the jobs a minute later, with nobody asked twice', async () => {
    const state = { armed: false, seen: 0, failAt: 2 };
    h = await makeHarness({
      store: libsqlStore(crashingClient(createClient({ url: ':memory:' }), state, /INSERT INTO "renewal_requests"/i)),
    });
    await seedConfirmed(h, 250);
    await materialChange(h);
    state.armed = true;
    expect((await start(h)).status).toBe(503);
    state.armed = false;
    await h.flush();
    // Not yet: a start may still be running for a moment.
    expect(await h.ctx.store.db.select().from(renewalRequests)).toHaveLength(200);
    h.advance(61_000);
    await h.flush();
    const requests = await h.ctx.store.db.select().from(renewalRequests);
    expect(new Set(requests.map((r) => r.consentId)).size).toBe(250);
    expect(await h.ctx.store.db.select().from(outbox).where(eq(outbox.kind, 'renewal'))).toHaveLength(250);
    const listed = (await (await h.app.request('/v1/sites/demo/renewals', { headers: auth })).json()) as {
      campaigns: { started: boolean; asked: number }[];
    };
    expect(listed.campaigns).toEqual([expect.objectContaining({ started: true, asked: 250 })]);
  });
});
