import { describe, expect, it } from 'vitest';
import {
  computeTwilioSignature,
  formatWebhookSecret,
  signWebhook,
  twilioSignedPayload,
  verifyTwilioSignature,
  verifyWebhook,
  webhookSecretBytes,
} from '../../worker/sms/signatures.ts';

// Twilio's "Validating requests" example, as used by twilio-php / twilio-python / twilio-csharp test suites.
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS: Record<string, string> = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

/** Every string one edit away: each character replaced (by a neighbour code), deleted, or one inserted. */
function oneCharacterChanges(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length) {
      const c = s.charCodeAt(i);
      out.add(s.slice(0, i) + String.fromCharCode(c === 0x7a ? 0x61 : c + 1) + s.slice(i + 1));
      out.add(s.slice(0, i) + s.slice(i + 1));
    }
    out.add(`${s.slice(0, i)}x${s.slice(i)}`);
  }
  out.delete(s);
  return [...out];
}

describe('Twilio request signatures', () => {
  it('reproduces the published example', async () => {
    expect(twilioSignedPayload(URL_, PARAMS)).toBe(
      'https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212',
    );
    expect(await computeTwilioSignature(TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
    expect(await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: PARAMS, signature: SIGNATURE })).toBe(
      true,
    );
  });

  it('reproduces the current docs variant (Caller/From +14158675310)', async () => {
    const params = { ...PARAMS, Caller: '+14158675310', From: '+14158675310' };
    expect(await computeTwilioSignature(TOKEN, URL_, params)).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  it('reproduces the repeated-parameter example: values deduplicated and sorted', async () => {
    const form = new URLSearchParams('Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234');
    expect(await computeTwilioSignature(TOKEN, URL_, form)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('accepts the params in any order and as a form', async () => {
    const form = new URLSearchParams([...Object.entries(PARAMS)].reverse());
    expect(await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: form, signature: SIGNATURE })).toBe(true);
  });

  it('accepts the URL with the default port spelled out, as Twilio libraries do', async () => {
    const url = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(await verifyTwilioSignature({ authToken: TOKEN, url, params: PARAMS, signature: SIGNATURE })).toBe(true);
  });

  it('rejects every one-character change to the URL', async () => {
    const changes = oneCharacterChanges(URL_);
    expect(changes.length).toBeGreaterThan(120);
    for (const url of changes) {
      expect(await verifyTwilioSignature({ authToken: TOKEN, url, params: PARAMS, signature: SIGNATURE }), url).toBe(
        false,
      );
    }
  });

  it('rejects every one-character change to any parameter name or value', async () => {
    let tried = 0;
    for (const [key, value] of Object.entries(PARAMS)) {
      const rest = Object.fromEntries(Object.entries(PARAMS).filter(([k]) => k !== key));
      for (const changed of oneCharacterChanges(value)) {
        tried++;
        const params = { ...rest, [key]: changed };
        expect(
          await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params, signature: SIGNATURE }),
          `${key}=${changed}`,
        ).toBe(false);
      }
      for (const changed of oneCharacterChanges(key)) {
        tried++;
        const params = { ...rest, [changed]: value };
        expect(
          await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params, signature: SIGNATURE }),
          changed,
        ).toBe(false);
      }
    }
    expect(tried).toBeGreaterThan(250);
  });

  it('rejects an added or a removed parameter', async () => {
    const added = { ...PARAMS, Body: '' };
    expect(await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: added, signature: SIGNATURE })).toBe(
      false,
    );
    const { Digits: _dropped, ...removed } = PARAMS;
    expect(await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: removed, signature: SIGNATURE })).toBe(
      false,
    );
  });

  it('rejects every one-character change to the token', async () => {
    for (const token of oneCharacterChanges(TOKEN)) {
      if (token === '') continue;
      expect(
        await verifyTwilioSignature({ authToken: token, url: URL_, params: PARAMS, signature: SIGNATURE }),
        token,
      ).toBe(false);
    }
  });

  it('rejects a missing, empty, truncated or malformed signature, and an empty token', async () => {
    for (const signature of [
      undefined,
      null,
      '',
      SIGNATURE.slice(0, -2),
      'RSOYDt4T1cUTdK1PDd93_VVr8B8=',
      `${SIGNATURE}AAAA`,
    ]) {
      expect(await verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: PARAMS, signature })).toBe(false);
    }
    expect(await verifyTwilioSignature({ authToken: '', url: URL_, params: PARAMS, signature: SIGNATURE })).toBe(false);
  });
});

describe('Standard Webhooks', () => {
  // The specification's example (standard-webhooks / Svix libraries).
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const body = '{"test": 2432232314}';
  const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const at = (seconds: number) => new Date(seconds * 1000);

  it('signs the published example', async () => {
    expect(await signWebhook({ secret, id, timestamp, body })).toEqual({
      'webhook-id': id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': expected,
    });
  });

  it('verifies it within the tolerance, from a Headers object or a plain record', async () => {
    const headers = { 'Webhook-Id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected };
    expect(await verifyWebhook({ secret, headers, body, now: at(timestamp + 299) })).toEqual({
      ok: true,
      id,
      timestamp,
    });
    expect(
      await verifyWebhook({ secret, headers: new Headers(headers), body, now: at(timestamp - 299) }),
    ).toMatchObject({ ok: true });
  });

  it('accepts any matching signature in a rotation list', async () => {
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,bm9wZQ== v2,xyz ${expected}`,
    };
    expect(await verifyWebhook({ secret, headers, body, now: at(timestamp) })).toMatchObject({ ok: true });
  });

  it('refuses stale or future timestamps, tampering, and missing headers', async () => {
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': expected };
    const now = at(timestamp);
    expect(await verifyWebhook({ secret, headers, body, now: at(timestamp + 301) })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(await verifyWebhook({ secret, headers, body, now: at(timestamp - 301) })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(await verifyWebhook({ secret, headers, body: `${body} `, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifyWebhook({ secret, headers: { ...headers, 'webhook-id': `${id}x` }, body, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const shifted = { ...headers, 'webhook-timestamp': String(timestamp + 1) };
    expect(await verifyWebhook({ secret, headers: shifted, body, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifyWebhook({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx', headers, body, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifyWebhook({ secret, headers: { ...headers, 'webhook-timestamp': '1e9' }, body, now })).toEqual({
      ok: false,
      reason: 'bad-timestamp',
    });
    const { 'webhook-signature': _s, ...unsigned } = headers;
    expect(await verifyWebhook({ secret, headers: unsigned, body, now })).toEqual({
      ok: false,
      reason: 'missing-headers',
    });
  });

  it('round-trips with a plain-string secret and with bytes bodies', async () => {
    const signed = await signWebhook({
      secret: 'plain secret',
      id: 'm1',
      timestamp: 1_700_000_000,
      body: new TextEncoder().encode('{"a":1}'),
    });
    expect(
      await verifyWebhook({ secret: 'plain secret', headers: { ...signed }, body: '{"a":1}', now: at(1_700_000_000) }),
    ).toMatchObject({ ok: true, id: 'm1' });
    expect(
      await verifyWebhook({ secret: 'plain secreT', headers: { ...signed }, body: '{"a":1}', now: at(1_700_000_000) }),
    ).toMatchObject({ ok: false });
  });

  it('formats and reads whsec_ secrets', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    const formatted = formatWebhookSecret(bytes);
    expect(formatted).toBe('whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=');
    expect([...webhookSecretBytes(formatted)]).toEqual([...bytes]);
  });
});
