// Delivery reports replayed by whoever captured one: a signed webhook applies once (its webhook-id is remembered),
// its timestamp must be within 5 minutes of our clock either way, and a status only ever moves forward
// (queued → sent → delivered | undelivered | failed), so an old report replayed later changes nothing and logs nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeTwilioSignature, signWebhook } from '../../worker/sms/signatures.ts';
import { makeHarness, type Harness } from '../harness.ts';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  INBOUND_SECRET,
  frenchMobile,
  requestOptIn,
  startFakeTwilio,
  updateDemo,
  useTwilio,
  type FakeTwilio,
} from '../sms/fixtures.ts';

let h: Harness;
let twilio: FakeTwilio | undefined;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
  await twilio?.close();
  twilio = undefined;
});

const MINUTE = 60_000;
const deliveryLeaves = async (consentId: string) =>
  (
    await h.ctx.store.queryColumn(
      `SELECT count(*) FROM consent_events WHERE consent_id = '${consentId}' AND type = 'delivery'`,
    )
  )[0];

describe('the delivery webhook (Standard Webhooks)', () => {
  let consentId: string;
  let messageId: string;
  beforeEach(async () => {
    await updateDemo(h, (config) => {
      config.inboundSecret = INBOUND_SECRET;
    });
    consentId = await requestOptIn(h, frenchMobile(61).national);
    await h.flush();
    messageId = (await h.ctx.outbox.forConsent(consentId))[0]!.id;
  });

  async function report(webhookId: string, status: string, atMs = h.now()) {
    const body = JSON.stringify({ id: messageId, status });
    const headers = await signWebhook({ secret: INBOUND_SECRET, id: webhookId, timestamp: atMs / 1000, body });
    return () =>
      h.app.request('/v1/sites/demo/delivery/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
  }
  const status = async () => (await h.ctx.outbox.forConsent(consentId))[0]!.deliveryStatus;

  it('a captured update replayed later (same webhook-id, still within the window) changes nothing', async () => {
    const sent = await report('msg_sent', 'sent');
    const failed = await report('msg_failed', 'failed');
    expect((await sent()).status).toBe(204);
    expect((await failed()).status).toBe(204);
    expect(await status()).toBe('failed');
    const leaves = await deliveryLeaves(consentId);
    h.advance(2 * MINUTE);
    // The replay is acknowledged (a sender retrying a delivered webhook must stop) and does nothing.
    expect((await sent()).status).toBe(204);
    expect(await status()).toBe('failed');
    expect(await deliveryLeaves(consentId)).toBe(leaves);
  });

  it('the same webhook-id with another body (a sender reusing ids, or a forgery riding one) is not applied twice', async () => {
    expect((await (await report('msg_once', 'sent'))()).status).toBe(204);
    expect((await (await report('msg_once', 'delivered'))()).status).toBe(204);
    expect(await status()).toBe('sent');
  });

  it('refuses timestamps more than 5 minutes away from our clock, either way', async () => {
    expect((await (await report('msg_future', 'delivered', h.now() + 6 * MINUTE))()).status).toBe(403);
    expect((await (await report('msg_past', 'delivered', h.now() - 6 * MINUTE))()).status).toBe(403);
    expect(await status()).toBeNull();
    expect((await (await report('msg_skewed', 'delivered', h.now() + 4 * MINUTE))()).status).toBe(204);
    expect(await status()).toBe('delivered');
  });
});

describe('Twilio status callbacks', () => {
  it('only move forward: a replayed "sent" after "delivered" changes nothing and logs nothing', async () => {
    twilio = await startFakeTwilio(() => h.now());
    await useTwilio(h, twilio.baseUrl);
    const consentId = await requestOptIn(h, frenchMobile(62).national);
    await h.flush();
    const [row] = await h.ctx.outbox.forConsent(consentId);
    expect(row!.status).toBe('sent');
    const callback = `https://assent.test/v1/sites/demo/delivery/twilio?m=${row!.id}`;
    const post = async (messageStatus: string) => {
      const form = new URLSearchParams({
        MessageSid: row!.providerMessageId!,
        MessageStatus: messageStatus,
        AccountSid: ACCOUNT_SID,
      });
      return h.app.request(callback.slice('https://assent.test'.length), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': await computeTwilioSignature(AUTH_TOKEN, callback, form),
        },
        body: form.toString(),
      });
    };
    const deliveryStatus = async () => (await h.ctx.outbox.forConsent(consentId))[0]!.deliveryStatus;

    expect((await post('queued')).status).toBe(204);
    expect((await post('sent')).status).toBe(204);
    expect((await post('delivered')).status).toBe(204);
    expect(await deliveryStatus()).toBe('delivered');
    const leaves = await deliveryLeaves(consentId);
    expect(leaves).toBe(3);

    for (const old of ['sent', 'queued', 'sending', 'undelivered', 'failed']) {
      expect((await post(old)).status).toBe(204);
      expect(await deliveryStatus(), old).toBe('delivered');
    }
    expect(await deliveryLeaves(consentId)).toBe(leaves);
  });

  it('a late "queued" after "sent" is ignored, a "failed" after "sent" is recorded', async () => {
    twilio = await startFakeTwilio(() => h.now());
    await useTwilio(h, twilio.baseUrl);
    const consentId = await requestOptIn(h, frenchMobile(63).national);
    await h.flush();
    const [row] = await h.ctx.outbox.forConsent(consentId);
    const callback = `https://assent.test/v1/sites/demo/delivery/twilio?m=${row!.id}`;
    const post = async (messageStatus: string) => {
      const form = new URLSearchParams({
        MessageSid: row!.providerMessageId!,
        MessageStatus: messageStatus,
        AccountSid: ACCOUNT_SID,
      });
      return h.app.request(callback.slice('https://assent.test'.length), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': await computeTwilioSignature(AUTH_TOKEN, callback, form),
        },
        body: form.toString(),
      });
    };
    expect((await post('sent')).status).toBe(204);
    expect((await post('queued')).status).toBe(204);
    expect((await h.ctx.outbox.forConsent(consentId))[0]!.deliveryStatus).toBe('sent');
    expect((await post('failed')).status).toBe(204);
    expect((await h.ctx.outbox.forConsent(consentId))[0]!.deliveryStatus).toBe('failed');
  });
});
