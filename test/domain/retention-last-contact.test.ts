// Retention that runs itself: a number is erased by the jobs once its subscriber has initiated no contact for the
// site's `retention.lastContactDays` (three years at most, the CNIL's reference for prospects). A button pressed behind
// their link or a reply SMS starts the clock again; opening the link (a GET) or an SMS they receive does not. The gate and their page state the date.
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { expectProblem } from '../assertions.ts';
import { ADMIN_TOKEN, confirmedConsent, json, linkToken, makeHarness, type Harness } from '../harness.ts';
import { auth, genericInbound, INBOUND_SECRET, updateDemo } from '../sms/fixtures.ts';

const DAY = 86_400_000;
const THREE_YEARS = 3 * 365 * DAY;
const PASS = 11 * 60_000; // the retention pass runs every ten minutes
const PHONE = '+33612345678';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

async function gate(phone = PHONE) {
  const res = await h.app.request(
    '/v1/sites/demo/subscribers/lookup',
    json({ phone }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const status = async (consentId: string) => (await h.ctx.consents.byId(consentId))!.status;

describe('retention counted from the last contact the subscriber initiated', () => {
  it('erases a subscribed number three years after its last contact; the gate gave the date, then says it is gone', async () => {
    const optedInAt = h.now();
    const { consentId } = await confirmedConsent(h);
    const before = await gate();
    expect(before).toMatchObject({ status: 'confirmed', canSend: true });
    expect(before.retainedUntil).toBe(new Date(optedInAt + THREE_YEARS).toISOString());

    h.advance(THREE_YEARS - DAY);
    await h.flush();
    expect(await status(consentId)).toBe('confirmed');
    h.advance(DAY + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('erased');
    expect(await gate()).toMatchObject({ subscriberId: null, status: 'none', canSend: false, retainedUntil: null });
    // The proof stays, masked, and says why the number went.
    const proof = (await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(JSON.stringify(proof)).not.toContain('612345678');
    expect(proof.log.entries.at(-1).leaf).toMatchObject({ type: 'erased', reason: 'retention' });
  });

  it('a button pressed behind the subscriber’s own link starts the clock again', async () => {
    const { consentId } = await confirmedConsent(h);
    h.advance(2 * 365 * DAY);
    const pressedAt = h.now();
    // The confirmation page's button, pressed again on a confirmed consent: a POST the subscriber initiated.
    const pressed = await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    expect(pressed.status).toBe(200);
    expect((await gate()).retainedUntil).toBe(new Date(pressedAt + THREE_YEARS).toISOString());

    h.advance(THREE_YEARS - 2 * 365 * DAY + PASS); // three years after the opt-in
    await h.flush();
    expect(await status(consentId)).toBe('confirmed');
    h.advance(pressedAt + THREE_YEARS - h.now() + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('erased');
  });

  it('opening a link (a GET, which link scanners and previews make too) does not move the clock', async () => {
    const optedInAt = h.now();
    const { consentId, unsubscribe } = await confirmedConsent(h);
    h.advance(2 * 365 * DAY);
    const own = await h.app.request(`/u/${unsubscribe}`);
    expect(own.status).toBe(200);
    // The page states the date, which the visit did not move (Europe/Paris, French: the consent's language).
    const text = await own.text();
    expect(text).toContain('nous effaçons votre numéro au plus tard le');
    expect(text).toContain(String(new Date(optedInAt + THREE_YEARS).getUTCFullYear()));
    expect((await h.app.request(`/u/${unsubscribe}?erase=confirm`)).status).toBe(200);
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`)).status).toBe(200);
    expect((await gate()).retainedUntil).toBe(new Date(optedInAt + THREE_YEARS).toISOString());
    h.advance(optedInAt + THREE_YEARS - h.now() + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('erased');
  });

  it('a reply SMS starts the clock again', async () => {
    await updateDemo(h, (config) => {
      config.inboundSecret = INBOUND_SECRET;
    });
    const { consentId } = await confirmedConsent(h);
    h.advance(2 * 365 * DAY);
    const repliedAt = h.now();
    expect((await genericInbound(h, { from: PHONE, body: 'Merci !' })).status).toBe(200);
    expect((await gate()).retainedUntil).toBe(new Date(repliedAt + THREE_YEARS).toISOString());
    h.advance(365 * DAY + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('confirmed');
  });

  it('an SMS the subscriber receives does not', async () => {
    await updateDemo(h, (config) => {
      (config.program as Record<string, unknown>).shortCode = '38123';
    });
    const optedInAt = h.now();
    const { consentId } = await confirmedConsent(h);
    h.advance(2 * 365 * DAY);
    const sent = await h.app.request('/v1/sites/demo/messages', json({ template: 'Soldes', variables: {} }, auth(h)));
    expect(await sent.json()).toMatchObject({ queued: 1 });
    h.advance(3 * DAY);
    await h.flush();
    expect(h.outbox.list().filter((m) => m.body.includes('Soldes'))).toHaveLength(1);
    expect((await gate()).retainedUntil).toBe(new Date(optedInAt + THREE_YEARS).toISOString());
    h.advance(optedInAt + THREE_YEARS - h.now() + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('erased');
  });

  it('retention.lastContactDays shortens it, and may not exceed the three years the policy states', async () => {
    const { consentId } = await confirmedConsent(h);
    const put = async (days: number) => {
      const got = (await (await h.app.request('/v1/sites/demo', { headers: auth(h) })).json()) as { config: any };
      got.config.retention.lastContactDays = days;
      return h.app.request('/v1/sites/demo', { ...json(got.config, auth(h)), method: 'PUT' });
    };
    await expectProblem(await put(3 * 365 + 1), 422, 'retention.lastContactDays');
    expect((await put(365)).status).toBe(200);
    h.advance(365 * DAY + PASS);
    await h.flush();
    expect(await status(consentId)).toBe('erased');
  });
});

describe('numbers kept before the clock existed', () => {
  it('the migration starts each clock at the subscriber’s own last act: request, confirmation or own withdrawal', async () => {
    const store = libsqlStore(createClient({ url: ':memory:' }));
    try {
      const at = migrations.findIndex((m) => m.tag.endsWith('_last_contact'));
      expect(at).toBeGreaterThan(0);
      await migrate(store, migrations.slice(0, at));
      const consent = (id: string, subject: string, fields: Record<string, number | string>) => {
        const row: Record<string, number | string> = {
          id,
          site_id: 'demo',
          subject_id: subject,
          status: 'confirmed',
          locale: 'fr',
          policy_version: 1,
          policy_sha256: 'p',
          text_sha256: 't',
          collection_method: 'widget',
          confirm_token_hash: `c-${id}`,
          unsubscribe_token_hash: `u-${id}`,
          requested_at: 100,
          expires_at: 200,
          updated_at: 9_000, // an expiry, an erasure or an API withdrawal moved it: not the subscriber's contact
          last_op_id: 'op',
          ...fields,
        };
        const values = Object.values(row).map((v) => (typeof v === 'number' ? String(v) : `'${v}'`));
        return `INSERT INTO consents (${Object.keys(row).join(', ')}) VALUES (${values.join(', ')})`;
      };
      const subject = (id: string) =>
        `INSERT INTO subjects (id, site_id, phone_index, country, masked, created_at) VALUES ('${id}', 'demo', 'i-${id}', 'FR', '•', 50)`;
      await store.execBatch([
        "INSERT INTO sites (id, config, created_at, updated_at) VALUES ('demo', '{}', 0, 0)",
        subject('confirmed'),
        consent('a', 'confirmed', { confirmed_at: 300 }),
        consent('b', 'confirmed', { requested_at: 400, status: 'expired' }),
        subject('stopped'),
        consent('c', 'stopped', { confirmed_at: 300, withdrawn_at: 700, withdraw_method: 'sms', status: 'withdrawn' }),
        subject('by-api'),
        consent('d', 'by-api', { confirmed_at: 300, withdrawn_at: 800, withdraw_method: 'api', status: 'withdrawn' }),
        subject('none'),
      ]);
      await migrate(store, migrations);
      expect(await store.queryColumn('SELECT last_contact_at FROM subjects ORDER BY id')).toEqual([300, 400, 50, 700]);
    } finally {
      await store.close();
    }
  });
});
