// The gate reads one gate_states row per subject, kept by triggers (migration gate_states). Over random sequences of
// opt-in, confirmation, STOP, expiry, erasure and import (of the whole list, as a site owner brings it in) on a few numbers, every row equals the view computed from the
// subject, its consents and its suppression (the join the gate ran before), and the gate answers from it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signedDevReply } from '../../worker/domain/dev/index.ts';
import { gateStates, subjects } from '../../worker/db/schema.ts';
import { openStore } from '../../worker/entry/node/store.ts';
import { parseEnv } from '../../worker/env.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { tempDir } from '../runtime/servers.ts';
import { auth, frenchMobile } from '../sms/fixtures.ts';

type Op = { kind: 'optIn' | 'confirm' | 'stop' | 'erase' | 'expire' | 'import'; n: number };
const op = fc.record({
  kind: fc.constantFrom<Op['kind']>('optIn', 'optIn', 'confirm', 'confirm', 'stop', 'erase', 'expire', 'import'),
  n: fc.integer({ min: 0, max: 2 }),
});

async function apply(h: Harness, { kind, n }: Op): Promise<void> {
  const phone = frenchMobile(900 + n);
  if (kind === 'optIn') await optIn(h, phone.national);
  else if (kind === 'import') {
    // The number and one beside it, as a list: each becomes imported unless in force, suppressed or erased.
    const list = [phone, frenchMobile(900 + ((n + 1) % 3))]
      .map((p) => `${p.e164},2026-06-01,shop,Offres par SMS`)
      .join('\n');
    const res = await h.app.request('/v1/sites/demo/subscribers/import', {
      method: 'POST',
      headers: { ...auth(h), 'content-type': 'text/csv' },
      body: `phone,consentedAt,source,wording\n${list}\n`,
    });
    expect(res.status).toBe(200);
  } else if (kind === 'confirm') {
    let token: string;
    try {
      token = linkToken(h, 'c', phone.e164);
    } catch {
      return; // never opted in (or nothing delivered yet)
    }
    await h.app.request(`/c/${token}`, { method: 'POST' });
  } else if (kind === 'stop') {
    const reply = await signedDevReply(h.ctx, 'demo', { from: phone.e164, body: 'STOP' });
    await h.app.request(`/v1/sites/${reply.siteId}/inbound/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...reply.headers },
      body: reply.body,
    });
  } else if (kind === 'erase') {
    const res = await h.app.request('/v1/sites/demo/subscribers/lookup', {
      method: 'POST',
      headers: { ...auth(h), 'content-type': 'application/json' },
      body: JSON.stringify({ phone: phone.e164 }),
    });
    const { subscriberId } = (await res.json()) as { subscriberId: string | null };
    if (subscriberId)
      await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: auth(h) });
  } else h.advance(49 * 3_600_000); // past the 48-hour pending window; the flush below expires
  await h.flush();
}

/** Every subject's gate_states row against the view computed from its rows; no row without a subject. */
async function expectInStep(h: Harness): Promise<number> {
  const { db } = h.deps.store;
  const all = await db.select({ id: subjects.id, siteId: subjects.siteId }).from(subjects);
  const rows = await db.select().from(gateStates);
  expect(rows).toHaveLength(all.length);
  for (const subject of all) {
    const computed = await h.ctx.subjects.gateViewById(subject.siteId, subject.id);
    const row = rows.find((r) => r.subjectId === subject.id);
    expect(row, subject.id).toBeDefined();
    const { siteId: _site, ...stored } = row!;
    // The retention clock and the consent's basis and purpose are read beside the row (not kept in gate_states).
    const { lastContactAt, basis, purpose, ...view } = computed!;
    expect({ ...stored, suppressed: Number(stored.suppressed) }).toEqual({
      ...view,
      suppressed: Number(view.suppressed),
    });
    // And the gate's own read (by blind index) finds exactly this row, with the subject's clock.
    expect(await h.ctx.subjects.gateView(subject.siteId, stored.phoneIndex)).toEqual({
      ...stored,
      lastContactAt,
      basis,
      purpose,
    });
  }
  // The bulk gate's read (gateFacts: every site's indexes at once, an unknown one among them) gives each row's
  // verdict facts as the single read does.
  for (const siteId of new Set(all.map((s) => s.siteId))) {
    const ofSite = rows.filter((r) => r.siteId === siteId);
    const bulk = await h.ctx.subjects.gateFacts(siteId, [...ofSite.map((r) => r.phoneIndex), 'f'.repeat(64)]);
    expect(bulk).toHaveLength(ofSite.length);
    for (const facts of bulk) {
      const { phoneIndex, erasedAt, suppressed, status, renewalRequired, basis, purpose } =
        (await h.ctx.subjects.gateView(siteId, facts.phoneIndex))!;
      expect(facts).toEqual({ phoneIndex, erasedAt, suppressed, status, renewalRequired, basis, purpose });
    }
  }
  return all.length;
}

describe('gate_states', () => {
  it('stays in step with the subjects, consents and suppressions over random sequences of changes', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const h = await makeHarness();
        expect(h.deps.store.readRow).toBeUndefined(); // @libsql/client: the gate reads through drizzle
        try {
          for (const step of ops) {
            await apply(h, step);
            await expectInStep(h);
          }
          for (const status of (await h.deps.store.db.select().from(gateStates)).map((r) => r.status))
            seen.add(String(status));
        } finally {
          await h.close();
        }
      }),
      { numRuns: 25, seed: 26 },
    );
    // The sequences reached every state the gate tells apart.
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(['confirmed', 'expired', 'imported', 'pending', 'withdrawn']),
    );
  }, 120_000);

  it("is read as the drizzle query maps it by the file store's raw reads (readRow, readRows), as the Node server runs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const store = await openStore(parseEnv({ ASSENT_DATA_DIR: tempDir('gate-raw') }), { writerThread: true });
        expect(store.readRow).toBeTypeOf('function');
        expect(store.readRows).toBeTypeOf('function');
        const h = await makeHarness({ store });
        try {
          for (const step of ops) {
            await apply(h, step);
            await expectInStep(h);
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 8, seed: 26 },
    );
  }, 120_000);
});
