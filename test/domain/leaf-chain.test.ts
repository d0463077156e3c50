// Each consent's leaves form a chain (every leaf after the first names the previous one), and the log holds what an
// authority asks for: each confirmation SMS sent (hash of the exact body, provider, its message id), each delivery
// report, and for a reply or a STOP the provider's inbound message id and the hash of the raw text. Never a number.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { expectChain } from '../assertions.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { recordDelivery } from '../../worker/domain/messaging/delivery-reports.ts';
import { appendConsentLeaf } from '../../worker/domain/proof-log/events.ts';
import {
  frenchMobile,
  requestOptIn,
  startFakeTwilio,
  tokenSentTo,
  twilioInbound,
  useTwilio,
  type FakeTwilio,
} from '../sms/fixtures.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let h: Harness;
let twilio: FakeTwilio;
afterEach(async () => {
  await h?.close();
  await twilio?.close();
});

async function setUp() {
  twilio = await startFakeTwilio(() => h.now());
  h = await makeHarness();
  await useTwilio(h, twilio.baseUrl);
}

describe('a consent chain', () => {
  it('links every leaf to the one before, and logs each SMS sent with the hash of its exact body', async () => {
    await setUp();
    const phone = frenchMobile(1);
    const id = await requestOptIn(h, phone.national);
    await h.flush();
    const token = tokenSentTo(twilio, phone.e164);
    h.advance(1_000);
    expect((await h.app.request(`/c/${token}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    const leaves = await expectChain(h, id);
    expect(leaves.map((l) => l.type)).toEqual(['requested', 'sms-sent', 'confirmed', 'sms-sent']);
    const posts = twilio.posts().filter((p) => p.to === phone.e164);
    const sent = leaves.filter((l) => l.type === 'sms-sent');
    expect(sent.map((l) => l.bodySha256)).toEqual(posts.map((p) => sha256(p.body)));
    expect(sent.map((l) => l.kind)).toEqual(['confirm-request', 'confirmed']);
    for (const l of sent)
      expect(l).toMatchObject({ provider: 'twilio', providerMessageId: expect.stringMatching(/^SM/) });
    const text = JSON.stringify(leaves);
    expect(text).not.toContain(phone.e164.slice(1));
    expect(text).not.toContain(phone.national.replace(/\s/g, '').slice(1));
  });

  it('logs a delivery report once per change of status, on the consent of the message', async () => {
    await setUp();
    const phone = frenchMobile(2);
    const id = await requestOptIn(h, phone.national);
    await h.flush();
    const [message] = (await h.ctx.outbox.forConsent(id)).filter((m) => m.kind === 'confirm-request');
    const report = { providerMessageId: message!.providerMessageId!, status: 'delivered' };
    await recordDelivery(h.ctx, 'demo', report);
    await recordDelivery(h.ctx, 'demo', report); // the same report again changes nothing
    await recordDelivery(h.ctx, 'other-site', report); // another site's report never reaches this message
    const leaves = await expectChain(h, id);
    expect(leaves.map((l) => l.type)).toEqual(['requested', 'sms-sent', 'delivery']);
    expect(leaves[2]).toMatchObject({
      messageId: message!.id,
      providerMessageId: message!.providerMessageId,
      status: 'delivered',
    });
  });

  it('keeps the inbound message id and the hash of the raw text of a reply that confirms, and of a STOP', async () => {
    await setUp();
    const phone = frenchMobile(3);
    const id = await requestOptIn(h, phone.national);
    await h.flush();
    expect((await twilioInbound(h, phone.e164, ' oui ', { sid: `SM${'1'.repeat(32)}` })).status).toBe(200);
    expect((await twilioInbound(h, phone.e164, 'Stop', { sid: `SM${'2'.repeat(32)}` })).status).toBe(200);
    const leaves = await expectChain(h, id);
    const confirmed = leaves.find((l) => l.type === 'confirmed');
    expect(confirmed).toMatchObject({
      method: 'reply',
      channel: 'twilio',
      messageId: `SM${'1'.repeat(32)}`,
      textSha256: sha256(' oui '),
    });
    const withdrawn = leaves.find((l) => l.type === 'withdrawn');
    expect(withdrawn).toMatchObject({
      method: 'sms',
      keyword: 'STOP',
      messageId: `SM${'2'.repeat(32)}`,
      textSha256: sha256('Stop'),
    });
  });

  it('never forks: leaves appended at once, and a confirmation racing them, each name a distinct predecessor', async () => {
    await setUp();
    const phone = frenchMobile(4);
    const id = await requestOptIn(h, phone.national);
    await h.flush();
    const token = tokenSentTo(twilio, phone.e164);
    const appends = Array.from({ length: 8 }, (_, i) =>
      appendConsentLeaf(
        h.ctx,
        id,
        { type: 'delivery', at: h.now(), details: { messageId: `m${i}`, status: 'sent' } },
        50,
      ),
    );
    const [confirm, ...results] = await Promise.all([h.app.request(`/c/${token}`, { method: 'POST' }), ...appends]);
    expect(confirm.status).toBe(200);
    expect(results.every(Boolean)).toBe(true);
    const leaves = await expectChain(h, id);
    expect(leaves.filter((l) => l.type === 'delivery')).toHaveLength(8);
    expect(leaves.filter((l) => l.type === 'confirmed')).toHaveLength(1);
  });
});
