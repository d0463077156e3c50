// Inbound SMS through the front door: Twilio-signed and Standard-Webhooks-signed keywords act on a number's
// consents; anything unsigned or signed over the wrong URL is refused and changes nothing; replays are harmless.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import {
  AUTH_TOKEN,
  TWILIO_PATH,
  frenchMobile,
  gate,
  genericInbound,
  logTypes,
  newSid,
  requestOptIn,
  startFakeTwilio,
  tokenSentTo,
  twilioInbound,
  twimlText,
  useTwilio,
  INBOUND_SECRET,
  type FakeTwilio,
} from '../sms/fixtures.ts';

let h: Harness;
let twilio: FakeTwilio;
let n = 0;
const nextNumber = () => frenchMobile(++n);

beforeEach(async () => {
  twilio = await startFakeTwilio(() => h.now());
  h = await makeHarness();
  await useTwilio(h, twilio.baseUrl, { inboundSecret: INBOUND_SECRET });
});
afterEach(async () => {
  await h.close();
  await twilio.close();
});

const consent = async (id: string) => (await h.ctx.consents.byId(id))!;
const minute = 60_000;

/** Opts in, sends the confirmation SMS through the fake Twilio and confirms by the link. */
async function confirmedNumber(phone: { national: string; e164: string }, locale = 'fr'): Promise<string> {
  const id = await requestOptIn(h, phone.national, locale);
  await h.flush();
  const res = await h.app.request(`/c/${tokenSentTo(twilio, phone.e164)}`, { method: 'POST' });
  expect(res.status).toBe(200);
  expect((await consent(id)).status).toBe('confirmed');
  return id;
}

describe('STOP in every form', () => {
  it('withdraws the pending and the confirmed consent of the number at once and suppresses it', async () => {
    const phone = nextNumber();
    const confirmed = await confirmedNumber(phone);
    h.advance(minute);
    const pending = await requestOptIn(h, phone.national);
    expect(pending).not.toBe(confirmed);
    expect((await consent(pending)).status).toBe('pending');

    const res = await twilioInbound(h, phone.e164, 'STOP');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    const reply = twimlText(await res.text());
    expect(reply).toBe('Demo Shop : désabonnement confirmé : vous ne recevrez plus de SMS.');
    expect(reply).not.toContain('START');

    for (const id of [confirmed, pending]) {
      const row = await consent(id);
      expect(row).toMatchObject({
        status: 'withdrawn',
        withdrawMethod: 'sms',
        withdrawKeyword: 'STOP',
        withdrawnAt: h.now(),
      });
      expect((await logTypes(h, id)).at(-1)).toBe('withdrawn');
    }
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });
  });

  const variants: [string, string][] = [
    ['Stop', 'STOP'],
    ['stop.', 'STOP'],
    [' arrêt ', 'ARRET'],
    ['STOP SMS', 'STOP SMS'],
    ['stop   sms', 'STOP SMS'],
    ['ARRÊTE', 'ARRETE'],
    ['Arrete !', 'ARRETE'],
    ['désabonner', 'DESABONNER'],
    ['Unsubscribe', 'UNSUBSCRIBE'],
    ['\u00a0quit\u00a0', 'QUIT'],
    ['StopAll', 'STOPALL'],
    ['ＳＴＯＰ', 'STOP'],
    ['Stop svp', 'STOP'],
    ['«STOP»', 'STOP'],
    ['STOP STOP', 'STOP'],
    ['Se désabonner', 'SE DESABONNER'],
  ];
  it.each(variants)('%j withdraws a pending opt-in and is recorded as %s', async (text, keyword) => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const res = await twilioInbound(h, phone.e164, text);
    expect(res.status).toBe(200);
    expect(twimlText(await res.text())).toContain('désabonnement confirmé');
    expect(await consent(id)).toMatchObject({ status: 'withdrawn', withdrawKeyword: keyword });
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });
  });

  it("answers in the subscriber's language with the program name", async () => {
    const phone = nextNumber();
    await requestOptIn(h, phone.national, 'en');
    const res = await twilioInbound(h, phone.e164, 'stop');
    expect(twimlText(await res.text())).toBe('Demo Shop: you are unsubscribed and will receive no more texts.');
  });

  it('suppresses a number that never opted in, so a later opt-in must be confirmed to lift it', async () => {
    const phone = nextNumber();
    const res = await twilioInbound(h, phone.e164, 'STOP');
    expect(twimlText(await res.text())).toContain('désabonnement confirmé');
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'none', canSend: false, suppressed: true });
  });

  it('treats free text that merely contains STOP as nothing', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const res = await twilioInbound(h, phone.e164, "don't stop the deals");
    expect(res.status).toBe(200);
    expect(twimlText(await res.text())).toBeNull();
    expect((await consent(id)).status).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });
});

describe('Twilio signature', () => {
  async function refused(res: Response) {
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 403, code: 'forbidden' });
  }

  it('refuses unsigned, badly signed and wrongly-addressed requests, and none of them changes anything', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const sid = newSid();
    const eventsBefore = (await h.ctx.events.forConsent(id)).length;

    await refused(await twilioInbound(h, phone.e164, 'STOP', { sid, signature: null }));
    await refused(await twilioInbound(h, phone.e164, 'STOP', { sid, signature: '' }));
    await refused(await twilioInbound(h, phone.e164, 'STOP', { sid, signature: 'not base64 at all' }));
    await refused(await twilioInbound(h, phone.e164, 'STOP', { sid, token: `${AUTH_TOKEN}x` }));
    // Signed for one body, sent with another.
    await refused(await twilioInbound(h, phone.e164, 'HELP', { sid, sentBody: 'STOP' }));
    // The URL the request arrived on (Host) is not what Twilio was told to call.
    await refused(await twilioInbound(h, phone.e164, 'STOP', { sid, signedUrl: `http://localhost${TWILIO_PATH}` }));
    // A forwarded host is never trusted, even when the signature matches it.
    await refused(
      await twilioInbound(h, phone.e164, 'STOP', {
        sid,
        signedUrl: `https://evil.example${TWILIO_PATH}`,
        headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      }),
    );
    // Another site path, or a query string Twilio did not sign.
    await refused(
      await twilioInbound(h, phone.e164, 'STOP', {
        sid,
        signedUrl: `https://assent.test/v1/sites/other/inbound/twilio`,
      }),
    );
    await refused(
      await twilioInbound(h, phone.e164, 'STOP', { sid, signedUrl: `https://assent.test${TWILIO_PATH}?x=1` }),
    );

    expect((await consent(id)).status).toBe('pending');
    expect((await h.ctx.events.forConsent(id)).length).toBe(eventsBefore);
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'pending', suppressed: false });

    // Nothing was claimed either: the same message id, properly signed, is handled as new.
    const ok = await twilioInbound(h, phone.e164, 'STOP', { sid });
    expect(ok.status).toBe(200);
    expect((await consent(id)).status).toBe('withdrawn');
  });

  it('accepts the default port written out, as Twilio may sign it', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const res = await twilioInbound(h, phone.e164, 'STOP', { signedUrl: `https://assent.test:443${TWILIO_PATH}` });
    expect(res.status).toBe(200);
    expect((await consent(id)).status).toBe('withdrawn');
  });
});

describe('replays', () => {
  it('a replayed STOP after a new confirmed opt-in changes nothing and logs nothing', async () => {
    const phone = nextNumber();
    const first = await confirmedNumber(phone);
    const stopSid = newSid();
    expect((await twilioInbound(h, phone.e164, 'STOP', { sid: stopSid })).status).toBe(200);
    expect((await consent(first)).status).toBe('withdrawn');

    h.advance(minute);
    expect(twimlText(await (await twilioInbound(h, phone.e164, 'START')).text())).toContain(
      'https://assent.test/s/demo',
    );
    h.advance(minute);
    const second = await confirmedNumber(phone);
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'confirmed', canSend: true });
    const eventsBefore = [
      (await h.ctx.events.forConsent(first)).length,
      (await h.ctx.events.forConsent(second)).length,
    ];

    h.advance(minute);
    const replay = await twilioInbound(h, phone.e164, 'STOP', { sid: stopSid });
    expect(replay.status).toBe(200);
    expect(twimlText(await replay.text())).toBeNull();
    expect((await consent(second)).status).toBe('confirmed');
    expect([(await h.ctx.events.forConsent(first)).length, (await h.ctx.events.forConsent(second)).length]).toEqual(
      eventsBefore,
    );
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'confirmed', canSend: true, suppressed: false });
  });

  it('a replayed OUI queues no second confirmation message', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const sid = newSid();
    await twilioInbound(h, phone.e164, 'OUI', { sid });
    await twilioInbound(h, phone.e164, 'OUI', { sid });
    const confirmed = (await h.ctx.outbox.forConsent(id)).filter((m) => m.kind === 'confirmed');
    expect(confirmed).toHaveLength(1);
    expect((await logTypes(h, id)).filter((t) => t === 'confirmed')).toHaveLength(1);
  });
});

describe('OUI / YES', () => {
  it.each(['OUI', 'oui', 'Oui !', 'YES', 'yes.', 'Y', 'o', ' O '])(
    '%j confirms the pending opt-in by reply',
    async (text) => {
      const phone = nextNumber();
      const id = await requestOptIn(h, phone.national);
      await h.flush();
      const res = await twilioInbound(h, phone.e164, text);
      expect(res.status).toBe(200);
      // The confirmation SMS leaves through the outbox (with its unsubscribe link), not as a TwiML reply.
      expect(twimlText(await res.text())).toBeNull();
      expect(await consent(id)).toMatchObject({ status: 'confirmed', confirmMethod: 'reply', confirmedAt: h.now() });
      const messages = await h.ctx.outbox.forConsent(id);
      expect(messages.filter((m) => m.kind === 'confirmed')).toHaveLength(1);
      expect(await gate(h, phone.e164)).toMatchObject({ status: 'confirmed', canSend: true });

      await h.flush();
      const sent = twilio.posts().filter((p) => p.to === phone.e164);
      expect(sent).toHaveLength(2);
      expect(sent[1]!.body).toMatch(
        /^Demo Shop : inscription confirmée, merci ! Se désabonner : https:\/\/assent\.test\/u\/[A-Za-z0-9_-]{43}\nRépondez STOP$/,
      );
    },
  );

  it('says there is nothing pending when there is nothing to confirm, and changes nothing', async () => {
    const phone = nextNumber();
    const res = await twilioInbound(h, phone.e164, 'OUI');
    expect(twimlText(await res.text())).toBe(
      'Demo Shop : aucune inscription en attente pour ce numéro.\nRépondez STOP',
    );
    expect((await gate(h, phone.e164)).status).toBe('none');
  });

  it('confirms an opt-in made again after a STOP, as its link would, and lifts the suppression', async () => {
    const phone = nextNumber();
    const first = await requestOptIn(h, phone.national);
    await twilioInbound(h, phone.e164, 'STOP');
    expect((await consent(first)).status).toBe('withdrawn');
    h.advance(minute);
    const again = await requestOptIn(h, phone.national);
    const res = await twilioInbound(h, phone.e164, 'OUI');
    expect(twimlText(await res.text())).toBeNull();
    expect(await consent(again)).toMatchObject({ status: 'confirmed', confirmMethod: 'reply' });
    expect((await consent(first)).status).toBe('withdrawn');
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'confirmed', canSend: true, suppressed: false });
  });

  it('cannot confirm an opt-in that expired', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    h.advance(49 * 3_600_000);
    const res = await twilioInbound(h, phone.e164, 'OUI');
    expect(twimlText(await res.text())).toContain('aucune inscription en attente');
    expect((await consent(id)).status).not.toBe('confirmed');
  });
});

describe('HELP / AIDE', () => {
  it('answers with the help contact and frequency, in the subscriber language, and changes nothing', async () => {
    const fr = nextNumber();
    const frId = await requestOptIn(h, fr.national);
    const aide = twimlText(await (await twilioInbound(h, fr.e164, 'aide')).text());
    expect(aide).toBe(
      "Demo Shop : besoin d'aide ? support@demo-shop.fr. Fréquence : 4 SMS par mois au plus. Réception gratuite, réponse au prix d'un SMS.\nRépondez STOP",
    );
    expect((await consent(frId)).status).toBe('pending');

    const en = nextNumber();
    await requestOptIn(h, en.national, 'en');
    const help = twimlText(await (await twilioInbound(h, en.e164, 'Help')).text());
    expect(help).toBe(
      'Demo Shop: need help? support@demo-shop.fr. Frequency: at most 4 messages a month. Receiving is free; a reply costs a standard text.\nReply STOP to opt out',
    );
    expect(twimlText(await (await twilioInbound(h, en.e164, 'INFO')).text())).toBe(help);
  });
});

describe('START', () => {
  it('lifts the suppression but restores no consent: the gate stays closed until a new opt-in is confirmed', async () => {
    const phone = nextNumber();
    const first = await confirmedNumber(phone);
    await twilioInbound(h, phone.e164, 'STOP');
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });

    h.advance(minute);
    const start = await twilioInbound(h, phone.e164, 'Start');
    expect(twimlText(await start.text())).toBe(
      'Demo Shop : pour vous réabonner, inscrivez-vous ici : https://assent.test/s/demo\nRépondez STOP',
    );
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: false });
    expect((await consent(first)).status).toBe('withdrawn');

    h.advance(minute);
    const again = await requestOptIn(h, phone.national);
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'pending', canSend: false });
    await twilioInbound(h, phone.e164, 'yes');
    expect((await consent(again)).status).toBe('confirmed');
    expect(await gate(h, phone.e164)).toMatchObject({ status: 'confirmed', canSend: true, suppressed: false });
  });
});

describe('generic inbound (Standard Webhooks)', () => {
  it('STOP and OUI work the same way and the answer names the action', async () => {
    const a = nextNumber();
    const aId = await requestOptIn(h, a.national);
    const stop = await genericInbound(h, { from: a.e164, body: ' Arrêt ' });
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({
      action: 'withdraw-all-and-suppress',
      keyword: 'ARRET',
      reply: 'Demo Shop : désabonnement confirmé : vous ne recevrez plus de SMS.',
      replay: false,
    });
    expect(await consent(aId)).toMatchObject({ status: 'withdrawn', withdrawMethod: 'sms', withdrawKeyword: 'ARRET' });
    expect((await gate(h, a.e164)).suppressed).toBe(true);

    const b = nextNumber();
    const bId = await requestOptIn(h, b.national);
    const messageId = 'generic-msg-1';
    const yes = await genericInbound(h, { from: b.e164, body: 'YES', messageId });
    expect(await yes.json()).toMatchObject({ action: 'confirm-pending', keyword: 'YES', replay: false });
    expect(await consent(bId)).toMatchObject({ status: 'confirmed', confirmMethod: 'reply' });
    const replay = await genericInbound(h, { from: b.e164, body: 'YES', messageId });
    expect(await replay.json()).toMatchObject({ action: 'replay', replay: true, reply: null });
    expect((await h.ctx.outbox.forConsent(bId)).filter((m) => m.kind === 'confirmed')).toHaveLength(1);
  });

  it('refuses a tampered body, another secret or no signature, and nothing changes', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const tampered = await genericInbound(h, { from: phone.e164, body: 'STOP' }, { tamper: true });
    expect(tampered.status).toBe(403);
    const otherSecret = await genericInbound(h, { from: phone.e164, body: 'STOP' }, { secret: `${INBOUND_SECRET}!` });
    expect(otherSecret.status).toBe(403);
    const unsigned = await h.app.request('/v1/sites/demo/inbound/generic', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: phone.e164, body: 'STOP', messageId: 'x1' }),
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
    expect((await consent(id)).status).toBe('pending');
    expect((await gate(h, phone.e164)).suppressed).toBe(false);
  });

  it('refuses a signature more than five minutes old', async () => {
    const phone = nextNumber();
    const id = await requestOptIn(h, phone.national);
    const stale = await genericInbound(h, { from: phone.e164, body: 'STOP' }, { timestampMs: h.now() - 6 * minute });
    expect(stale.status).toBe(403);
    expect((await consent(id)).status).toBe('pending');
    const recent = await genericInbound(h, { from: phone.e164, body: 'STOP' }, { timestampMs: h.now() - 4 * minute });
    expect(recent.status).toBe(200);
    expect((await consent(id)).status).toBe('withdrawn');
  });
});

describe('a claim whose handler never finished', () => {
  it('does not turn the provider retry of a STOP into a replay once the claim is stale', async () => {
    const phone = nextNumber();
    const id = await confirmedNumber(phone);
    const stopSid = newSid();
    // The first delivery claimed the message id, then its process died (or its release failed) before any effect.
    expect(await h.ctx.inbound.claim('demo', stopSid, h.now())).toBe(true);

    // Retried at once, while the first handler may still be running: a replay, nothing done twice.
    expect(twimlText(await (await twilioInbound(h, phone.e164, 'STOP', { sid: stopSid })).text())).toBeNull();
    expect((await consent(id)).status).toBe('confirmed');

    // Retried after the claim went stale: handled, the STOP wins.
    h.advance(2 * minute);
    const retry = await twilioInbound(h, phone.e164, 'STOP', { sid: stopSid });
    expect(retry.status).toBe(200);
    expect(twimlText(await retry.text())).toContain('désabonnement confirmé');
    expect((await consent(id)).status).toBe('withdrawn');
    expect(await gate(h, phone.e164)).toMatchObject({ canSend: false, suppressed: true });

    // Handled once: a later replay is a replay.
    h.advance(2 * minute);
    expect(twimlText(await (await twilioInbound(h, phone.e164, 'STOP', { sid: stopSid })).text())).toBeNull();
  });
});
