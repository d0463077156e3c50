// Retention: numbers that never confirmed, and withdrawn ones, are erased 30 days later; confirmed ones are kept, up
// to three years after the last contact their subscriber initiated (retention-last-contact.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, pendingConsent, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const DAY = 86_400_000;
const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
const gate = async (phone: string) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, auth.headers))).json()) as Record<
    string,
    unknown
  >;
const subject = async (e164: string) => h.ctx.subjects.byIndex('demo', await h.ctx.sealer.blindIndex('demo', e164));

describe('retention', () => {
  it('erases a number that never confirmed 30 days after its request expired, and keeps confirmed ones', async () => {
    const pending = await pendingConsent(h, '06 98 76 54 32');
    const { consentId: kept } = await confirmedConsent(h);
    h.advance(2 * DAY + 1); // the pending request expires (48 h)
    await h.flush();
    expect((await h.ctx.consents.byId(pending))!.status).toBe('expired');

    h.advance(29 * DAY);
    h.advance(11 * 60_000); // the retention pass runs every ten minutes
    await h.flush();
    expect((await subject('+33698765432'))!.erasedAt).toBeNull();

    h.advance(DAY);
    await h.flush();
    // Erased: the row lost its key, its ciphertext and its index (it is no longer found by the number), and a number
    // that was never suppressed leaves no suppression either.
    expect(await subject('+33698765432')).toBeNull();
    expect(
      await h.ctx.store.queryColumn(
        "SELECT count(*) FROM subjects WHERE erased_at IS NOT NULL AND phone_ciphertext IS NULL AND wrapped_key IS NULL AND masked = '•••' AND phone_index LIKE 'erased:%'",
      ),
    ).toEqual([1]);
    expect(await gate('+33698765432')).toMatchObject({ status: 'none', canSend: false, suppressed: false });
    expect((await h.ctx.consents.byId(kept))!.status).toBe('confirmed');
    const proof = (await (
      await h.app.request(`/proofs/${pending}`, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(proof.log.entries.at(-1).leaf).toMatchObject({
      type: 'erased',
      reason: 'retention',
      previousStatus: 'expired',
    });
  });

  it('erases even a subscribed number three years after its opt-in and confirmation, as every policy states', async () => {
    const { consentId } = await confirmedConsent(h);
    h.advance(3 * 365 * DAY - DAY);
    await h.flush();
    expect((await h.ctx.consents.byId(consentId))!.status).toBe('confirmed');
    h.advance(DAY + 11 * 60_000);
    await h.flush();
    expect((await h.ctx.consents.byId(consentId))!.status).toBe('erased');
    expect(await subject('+33612345678')).toBeNull();
    expect(await gate('+33612345678')).toMatchObject({ status: 'none', canSend: false });
    const proof = (await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(proof.log.entries.at(-1).leaf).toMatchObject({
      type: 'erased',
      reason: 'retention',
      previousStatus: 'confirmed',
    });
  });

  it('erases a withdrawn number 30 days later and keeps it suppressed', async () => {
    const { unsubscribe } = await confirmedConsent(h);
    await h.app.request(`/u/${unsubscribe}`, { method: 'POST' });
    h.advance(31 * DAY);
    await h.flush();
    expect(await gate('+33612345678')).toMatchObject({
      status: 'none',
      canSend: false,
      suppressed: true,
      reason: 'suppressed',
    });
  });
});
