import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../worker/errors.ts';
import type { SendResult, SmsProvider } from '../../../worker/sms/provider.ts';
import { parseRetryAfter } from '../../../worker/sms/providers/http.ts';
import { createTwilioProvider, parseTwilioStatus } from '../../../worker/sms/providers/twilio.ts';
import { hang, json, startStandIn, type Recorded, type StandIn } from './stand-in.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'tok_test_secret';
const TO = '+33612345678';
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`;

let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** A Twilio stand-in that remembers every message it accepted (even those it never answered for) and lists them. */
async function twilioStandIn() {
  const accepted: { sid: string; to: string; body: string; dateCreated: string }[] = [];
  const server = await startStandIn((req, res) => {
    if (req.method === 'GET' && req.path.startsWith(`${MESSAGES_PATH}?`)) {
      const to = new URL(req.path, 'http://x').searchParams.get('To');
      const messages = accepted
        .filter((m) => m.to === to)
        .reverse()
        .map((m) => ({ sid: m.sid, to: m.to, body: m.body, date_created: m.dateCreated, direction: 'outbound-api' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages }));
      return true;
    }
    return false;
  });
  const accept = (req: Recorded) => {
    const form = new URLSearchParams(req.body);
    const sid = `SM${String(accepted.length + 1).padStart(32, '0')}`;
    accepted.push({
      sid,
      to: form.get('To') ?? '',
      body: form.get('Body') ?? '',
      dateCreated: new Date().toUTCString(),
    });
    return sid;
  };
  return { server, accepted, accept };
}

function provider(baseUrl: string, extra: Partial<Parameters<typeof createTwilioProvider>[0]> = {}): SmsProvider {
  // The stand-in listens on 127.0.0.1, as ASSENT_ALLOW_LOCAL_CALLBACKS=1 allows in dev.
  return createTwilioProvider({
    accountSid: SID,
    authToken: TOKEN,
    from: '+447700900000',
    apiBaseUrl: baseUrl,
    timeoutMs: 300,
    outbound: { allowLocal: true },
    ...extra,
  });
}

const message = (id: string, body = 'Démo & co: 100% = ok ✓') => ({
  id,
  to: TO,
  body,
  statusCallbackUrl: 'https://assent.example/v1/sites/demo/status/twilio',
});

describe('Twilio provider against a stand-in', () => {
  it('maps 429, 500, a hang and 201 to retryable, retryable, unknown and ok', async () => {
    const { server, accept } = await twilioStandIn();
    standIn = server;
    server.script.push(
      json(429, { code: 20429, message: 'Too Many Requests' }, { 'retry-after': '7' }),
      json(500, { code: 20500, message: 'Internal Server Error' }),
      (req) => void accept(req), // accepted, never answered
      (req, res) => json(201, { sid: accept(req), status: 'queued' })(req, res),
    );
    const twilio = provider(server.baseUrl);
    const results: SendResult[] = [];
    for (const id of ['m1', 'm2', 'm3', 'm4']) results.push(await twilio.send(message(id)));
    expect(results[0]).toEqual({
      ok: false,
      retryable: true,
      retryAfterSeconds: 7,
      reason: 'Twilio HTTP 429 error 20429: Too Many Requests',
    });
    expect(results[1]).toEqual({
      ok: false,
      retryable: true,
      reason: 'Twilio HTTP 500 error 20500: Internal Server Error',
    });
    expect(results[2]).toMatchObject({ ok: false, retryable: true, unknown: true });
    expect(results[3]).toEqual({ ok: true, providerMessageId: 'SM00000000000000000000000000000002' });
  });

  it('encodes the request as Twilio expects and authenticates with basic auth', async () => {
    const { server, accept } = await twilioStandIn();
    standIn = server;
    server.script.push((req, res) => json(201, { sid: accept(req) })(req, res));
    await provider(server.baseUrl).send(message('out_42'));
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(MESSAGES_PATH);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect([...new URLSearchParams(req?.body).entries()]).toEqual([
      ['To', TO],
      ['From', '+447700900000'],
      ['Body', 'Démo & co: 100% = ok ✓'],
      ['StatusCallback', 'https://assent.example/v1/sites/demo/status/twilio?m=out_42'],
    ]);
  });

  it('uses MessagingServiceSid instead of From when configured', async () => {
    const { server, accept } = await twilioStandIn();
    standIn = server;
    server.script.push((req, res) => json(201, { sid: accept(req) })(req, res));
    await provider(server.baseUrl, { from: undefined, messagingServiceSid: 'MG123' }).send({
      id: 'x',
      to: TO,
      body: 'hi',
    });
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('MessagingServiceSid')).toBe('MG123');
    expect(form.has('From')).toBe(false);
    expect(form.has('StatusCallback')).toBe(false);
  });

  it('a 4xx is final, and the reason never carries the number', async () => {
    const { server } = await twilioStandIn();
    standIn = server;
    server.script.push(json(400, { code: 21211, message: `The 'To' number ${TO} is not a valid phone number.` }));
    const result = await provider(server.baseUrl).send(message('bad'));
    expect(result).toEqual({
      ok: false,
      retryable: false,
      reason: "Twilio HTTP 400 error 21211: The 'To' number [number] is not a valid phone number.",
    });
  });

  it('a refused connection is an unknown outcome too (reconciled, not blindly resent)', async () => {
    const { server } = await twilioStandIn();
    const baseUrl = server.baseUrl;
    await server.close();
    expect(await provider(baseUrl).send(message('n1'))).toMatchObject({ ok: false, retryable: true, unknown: true });
  });

  it('reconciles a timeout: loses nothing and sends nothing twice', async () => {
    const { server, accepted, accept } = await twilioStandIn();
    standIn = server;
    // Answers for successive POSTs: hang (but accepted), 503, hang (not accepted), 201.
    server.script.push(
      (req) => void accept(req),
      json(503, { message: 'busy' }),
      hang,
      (req, res) => json(201, { sid: accept(req) })(req, res),
    );
    const twilio = provider(server.baseUrl);
    const delivered = new Map<string, string>();
    // A minimal dispatcher: retry retryable failures; on unknown, ask lookup before resending.
    for (const [id, body] of [
      ['a', 'first message'],
      ['b', 'second message'],
    ] as const) {
      for (let attempt = 0; attempt < 6 && !delivered.has(id); attempt++) {
        const result = await twilio.send({ id, to: TO, body });
        if (result.ok) delivered.set(id, result.providerMessageId);
        else if ('unknown' in result) {
          const found = await twilio.lookup?.(id, TO);
          if (found?.found) delivered.set(id, found.providerMessageId);
        }
      }
    }
    expect(accepted.map((m) => m.body)).toEqual(['first message', 'second message']);
    expect(delivered.get('a')).toBe(accepted[0]?.sid);
    expect(delivered.get('b')).toBe(accepted[1]?.sid);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
  });

  it('lookup finds nothing for an id it never sent, or when the body differs', async () => {
    const { server, accept } = await twilioStandIn();
    standIn = server;
    server.script.push((req) => void accept(req));
    const twilio = provider(server.baseUrl);
    await twilio.send({ id: 'c', to: TO, body: 'one' });
    expect(await twilio.lookup?.('never', TO)).toEqual({ found: false });
    expect(await twilio.lookup?.('c', '+33699999999')).toEqual({ found: false });
    expect(await twilio.lookup?.('c', TO)).toEqual({
      found: true,
      providerMessageId: 'SM00000000000000000000000000000001',
    });
    const lookups = server.requests.filter((r) => r.method === 'GET');
    expect(new URL(lookups[0]?.path ?? '', 'http://x').searchParams.get('To')).toBe('+33699999999');
    expect(lookups[0]?.headers.authorization).toMatch(/^Basic /);
  });

  it('lookup throws when Twilio cannot answer, so the caller retries instead of resending', async () => {
    const server = await startStandIn();
    standIn = server;
    server.script.push((req) => void req, json(503, {}));
    const twilio = provider(server.baseUrl);
    await twilio.send({ id: 'd', to: TO, body: 'x' });
    await expect(twilio.lookup?.('d', TO)).rejects.toThrow('Twilio lookup HTTP 503');
  });

  it('refuses an incomplete configuration with the field named', () => {
    const attempt = (o: object) => () => createTwilioProvider({ accountSid: SID, authToken: TOKEN, ...o });
    expect(attempt({})).toThrow(AppError);
    expect(attempt({ from: '+1', messagingServiceSid: 'MG1' })).toThrow('exactly one');
    let thrown: unknown;
    try {
      createTwilioProvider({ accountSid: '', authToken: TOKEN, from: '+1' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).status).toBe(422);
    expect((thrown as AppError).errors).toEqual([{ path: 'sms.accountSid', message: 'Required.' }]);
  });
});

describe('Twilio helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('parses a status callback, with our outbox id from the callback URL', () => {
    const form = new URLSearchParams({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30003', To: TO });
    expect(parseTwilioStatus(form, 'https://assent.example/v1/sites/demo/status/twilio?m=out_42')).toEqual({
      providerMessageId: 'SM1',
      status: 'undelivered',
      providerStatus: 'undelivered',
      errorCode: 30003,
      messageId: 'out_42',
    });
    expect(parseTwilioStatus({ SmsSid: 'SM2', SmsStatus: 'sent' })).toEqual({
      providerMessageId: 'SM2',
      status: 'sent',
      providerStatus: 'sent',
    });
    expect(parseTwilioStatus({ MessageSid: 'SM3', MessageStatus: 'read' })?.status).toBe('delivered');
    expect(parseTwilioStatus({ MessageStatus: 'sent' })).toBeNull();
    expect(parseTwilioStatus({ MessageSid: 'SM4', MessageStatus: 'exploded' })).toBeNull();
  });
});
