// A provider's signature covers the bytes it sent. A body carrying bytes that are not UTF-8 (raw 0xFF, or %FF in a
// form) must not verify against a signature made over its lossy decoding (each bad byte read as U+FFFD): many bodies
// would then share one signature, and what we act on would not be what was signed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeTwilioSignature, parseFormExactly, signWebhook } from '../../worker/sms/signatures.ts';
import { makeHarness, type Harness } from '../harness.ts';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  FROM,
  GENERIC_PATH,
  INBOUND_SECRET,
  TWILIO_PATH,
  frenchMobile,
  gate,
  newSid,
  requestOptIn,
  startFakeTwilio,
  tokenSentTo,
  useTwilio,
  type FakeTwilio,
} from '../sms/fixtures.ts';

let h: Harness;
let twilio: FakeTwilio;
beforeEach(async () => {
  twilio = await startFakeTwilio(() => h.now());
  h = await makeHarness();
  await useTwilio(h, twilio.baseUrl, { inboundSecret: INBOUND_SECRET });
});
afterEach(async () => {
  await h.close();
  await twilio.close();
});

const utf8 = new TextEncoder();
const lossy = new TextDecoder();
const concat = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...utf8.encode(p)] : p)));

/** A confirmed number: its STOP, if obeyed, would show in the gate. */
async function confirmed() {
  const phone = frenchMobile(41);
  await requestOptIn(h, phone.national);
  await h.flush();
  expect((await h.app.request(`/c/${tokenSentTo(twilio, phone.e164)}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  expect((await gate(h, phone.e164)).canSend).toBe(true);
  return phone;
}

describe('Standard Webhooks bodies', () => {
  it('a raw 0xFF does not verify against a signature over its U+FFFD decoding', async () => {
    const phone = await confirmed();
    const raw = concat(`{"from":"${phone.e164}","body":"STOP`, [0xff], `","messageId":"m-ff-1"}`);
    const headers = await signWebhook({
      secret: INBOUND_SECRET,
      id: 'msg_ff_1',
      timestamp: h.now() / 1000,
      body: lossy.decode(raw),
    });
    const res = await h.app.request(GENERIC_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
    expect(res.status).toBe(403);
    expect((await gate(h, phone.e164)).canSend).toBe(true);
  });

  it('signed over the very bytes, a body that is not UTF-8 is a 400, never acted on', async () => {
    const phone = await confirmed();
    const raw = concat(`{"from":"${phone.e164}","body":"STOP`, [0xff], `","messageId":"m-ff-2"}`);
    const headers = await signWebhook({ secret: INBOUND_SECRET, id: 'msg_ff_2', timestamp: h.now() / 1000, body: raw });
    const res = await h.app.request(GENERIC_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
    expect(res.status).toBe(400);
    expect((await gate(h, phone.e164)).canSend).toBe(true);
  });

  it('the delivery webhook checks the bytes too', async () => {
    const raw = concat('{"id":"no-such-message","status":"delivered","note":"', [0xff], '"}');
    const headers = await signWebhook({
      secret: INBOUND_SECRET,
      id: 'msg_ff_3',
      timestamp: h.now() / 1000,
      body: lossy.decode(raw),
    });
    const res = await h.app.request('/v1/sites/demo/delivery/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
    expect(res.status).toBe(403);
  });
});

describe('Twilio forms', () => {
  async function post(raw: Uint8Array<ArrayBuffer>) {
    const params = new URLSearchParams(lossy.decode(raw));
    const signature = await computeTwilioSignature(AUTH_TOKEN, `https://assent.test${TWILIO_PATH}`, params);
    return h.app.request(TWILIO_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: raw,
    });
  }
  const form = (phone: string, body: (string | number[])[]) =>
    concat(
      `MessageSid=${newSid()}&AccountSid=${ACCOUNT_SID}&From=${encodeURIComponent(phone)}&To=${encodeURIComponent(FROM)}&Body=`,
      ...body,
    );

  it('a raw 0xFF in the form does not verify against its U+FFFD decoding', async () => {
    const phone = await confirmed();
    expect((await post(form(phone.e164, ['STOP', [0xff]]))).status).toBe(403);
    expect((await gate(h, phone.e164)).canSend).toBe(true);
  });

  it('nor does %FF, which decodes to U+FFFD the same way', async () => {
    const phone = await confirmed();
    expect((await post(form(phone.e164, ['STOP%FF']))).status).toBe(403);
    expect((await gate(h, phone.e164)).canSend).toBe(true);
  });

  it('a form in UTF-8 still verifies and is obeyed (accents and all)', async () => {
    const phone = await confirmed();
    const res = await post(form(phone.e164, [encodeURIComponent('ARRÊT')]));
    expect(res.status).toBe(200);
    expect((await gate(h, phone.e164)).canSend).toBe(false);
  });
});

describe('the exact form parser', () => {
  it('reads every UTF-8 form as URLSearchParams does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }))),
        fc.string(),
        (pairs, junk) => {
          const text = `${new URLSearchParams(pairs).toString()}&${junk.replace(/[\uD800-\uDFFF%]/g, '')}`;
          expect([...parseFormExactly(utf8.encode(text))!]).toEqual([...new URLSearchParams(text)]);
        },
      ),
    );
  });
});
