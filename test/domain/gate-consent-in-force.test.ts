// The consent the gate speaks of is a subject's latest consent in force (confirmed, or imported), and only when it has
// none its latest: anyone can type a subscribed number into a widget, and the pending request that opens must neither
// stop the subscriber's messages nor, expiring, end a consent its subscriber never withdrew. Campaigns and renewals
// then reach each subscriber once, by that consent. A STOP still ends everything.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedDevReply } from '../../worker/domain/dev/index.ts';
import { splitStatements } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { audienceOf } from '../../worker/domain/messaging/index.ts';
import { loadSite } from '../../worker/domain/site/index.ts';
import { ADMIN_TOKEN, confirmedConsent, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
const PHONE = '+33612345678';
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const gate = async (phone = PHONE) => {
  const key = { authorization: `Bearer ${h.demoKey}` };
  const one = (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, key))).json()) as any;
  const bulk = (await (
    await h.app.request('/v1/sites/demo/subscribers/check', json({ phones: [phone] }, key))
  ).json()) as any;
  const byId = one.subscriberId
    ? ((await (await h.app.request(`/v1/sites/demo/subscribers/${one.subscriberId}`, { headers: key })).json()) as any)
    : null;
  // The three reads of the gate agree.
  expect(bulk.results[0]).toMatchObject({ status: one.status, canSend: one.canSend });
  if (byId) expect(byId).toMatchObject({ status: one.status, canSend: one.canSend, proofUrl: one.proofUrl });
  return one;
};
const proofId = (answer: { proofUrl: string }) => answer.proofUrl.split('/proofs/')[1];

describe('a new opt-in for a number already subscribed', () => {
  it('neither stops its messages while pending nor ends its consent by expiring; confirmed, it becomes the consent', async () => {
    const { consentId } = await confirmedConsent(h);
    // Someone types the number again (another visitor, another address).
    const again = await optIn(h, '06 12 34 56 78');
    expect(again.status).toBe(202);
    const second = ((await again.json()) as { consentId: string }).consentId;
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'confirmed', canSend: true });
    expect(proofId(await gate())).toBe(consentId);

    h.advance(49 * 3_600_000); // past the pending window: the jobs expire the request
    await h.flush();
    expect((await h.ctx.consents.byId(second))!.status).toBe('expired');
    expect(await gate()).toMatchObject({ status: 'confirmed', canSend: true });
    expect(proofId(await gate())).toBe(consentId);

    // A third request, confirmed this time by its subscriber: the newer consent is the one the gate speaks of.
    const third = ((await (await optIn(h, '06 12 34 56 78')).json()) as { consentId: string }).consentId;
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    expect(proofId(await gate())).toBe(third);

    // A marketing campaign texts the subscriber once, though two of its consents are confirmed.
    expect(await audienceOf(h.ctx, (await loadSite(h.ctx, 'demo'))!)).toEqual({ recipients: 1, skipped: [] });

    // STOP withdraws every consent in force: the gate says so.
    const reply = await signedDevReply(h.ctx, 'demo', { from: PHONE, body: 'Stop' });
    await h.app.request(`/v1/sites/${reply.siteId}/inbound/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...reply.headers },
      body: reply.body,
    });
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });
    for (const id of [consentId, third]) expect((await h.ctx.consents.byId(id))!.status).toBe('withdrawn');
  });

  it('a pending request still speaks for a number with no consent in force', async () => {
    await optIn(h);
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'pending', canSend: false, reason: 'not-confirmed' });
    h.advance(49 * 3_600_000);
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'expired', canSend: false });
  });
});

describe('an imported number that opts in through the widget', () => {
  it('stays imported while its request is pending, is confirmed once confirmed, and no re-permission asks it again', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const list = ['+33612345678', '+33612345679'].map((p) => `${p},2026-06-01,shop,Offres par SMS`).join('\n');
    const imported = await h.app.request('/v1/sites/demo/subscribers/import', {
      method: 'POST',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: `phone,consentedAt,source,wording\n${list}\n`,
    });
    expect(await imported.json()).toMatchObject({ imported: 2 });
    await optIn(h);
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'imported' });
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    expect(await gate()).toMatchObject({ status: 'confirmed', canSend: true });

    const res = await h.app.request('/v1/sites/demo/renewals', json({ audience: 'imported', deadlineDays: 7 }, admin));
    expect(await res.json()).toMatchObject({ audience: 'imported', asked: 1, sms: { queued: 1 } });
    await h.flush();
    const asked = h.outbox.list().filter((m) => m.body.includes('/r/'));
    expect(asked.map((m) => m.to)).toEqual(['+33612345679']);
  });
});

describe('the migration (gate_consent_in_force)', () => {
  it('rewrites the gate rows an earlier view left on a pending request', async () => {
    const sqlOf = (tag: string) => splitStatements(migrations.find((m) => m.tag === tag)!.sql);
    // The store as it was before: the view of migration gate_states, which the triggers read.
    const before = sqlOf('0010_gate_states').find((s) => s.includes('CREATE VIEW gate_view'))!;
    await h.deps.store.execBatch(['DROP VIEW gate_view', before]);
    const { consentId } = await confirmedConsent(h);
    await optIn(h);
    await h.flush();
    // (The lookup alone: the read by id computes the view in code, which already has this migration's order.)
    const key = { authorization: `Bearer ${h.demoKey}` };
    const lookup = await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: PHONE }, key));
    expect(await lookup.json()).toMatchObject({ status: 'pending', canSend: false });

    await h.deps.store.execBatch(sqlOf('0021_gate_consent_in_force'));
    expect(await gate()).toMatchObject({ status: 'confirmed', canSend: true });
    expect(proofId(await gate())).toBe(consentId);
  });
});
