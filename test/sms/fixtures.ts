// Shared set-up for the SMS tests: a fake Twilio (real HTTP server) that accepts, fails or hangs on cue and
// lists what it accepted, a site switched to it through PUT, and signed inbound requests as a provider sends them.
import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import { computeTwilioSignature, signWebhook } from '../../worker/sms/signatures.ts';
import { ADMIN_TOKEN, json, optIn, widgetFor, type Harness } from '../harness.ts';
import { startStandIn, type Recorded, type StandIn } from './providers/stand-in.ts';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'twilio-auth-token-for-tests';
export const INBOUND_SECRET = 'inbound-secret-0123456789abcdef';
export const FROM = '+447700900000';
export const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

/** How the fake Twilio answers one send: accept, fail with a status, hang without accepting, or accept then hang. */
export type Mode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string; code?: number }
  | { kind: 'hang' }
  | { kind: 'accept-and-hang' };

export interface Accepted {
  sid: string;
  to: string;
  body: string;
  dateCreated: string;
}

export interface FakeTwilio {
  server: StandIn;
  baseUrl: string;
  /** Answers for the next sends, in order; when empty, sends are accepted. */
  modes: Mode[];
  accepted: Accepted[];
  /** Every send request received (POST), whatever the answer. */
  posts(): { to: string; body: string; statusCallback: string | null }[];
  /** The answer given to each POST, in order. */
  answered: { to: string; mode: Mode['kind'] }[];
  lookups(): Recorded[];
  /** While set and returning true, the list API (lookup) answers 503. */
  failLookup?: () => boolean;
  close(): Promise<void>;
}

export async function startFakeTwilio(clock: () => number): Promise<FakeTwilio> {
  const accepted: Accepted[] = [];
  const modes: Mode[] = [];
  const answered: { to: string; mode: Mode['kind'] }[] = [];
  const accept = (form: URLSearchParams) => {
    const sid = `SM${String(accepted.length + 1).padStart(32, '0')}`;
    accepted.push({
      sid,
      to: form.get('To') ?? '',
      body: form.get('Body') ?? '',
      dateCreated: new Date(clock()).toUTCString(),
    });
    return sid;
  };
  let fake: FakeTwilio | undefined;
  const server = await startStandIn((req: Recorded, res: ServerResponse) => {
    if (req.method === 'GET' && req.path.startsWith(`${MESSAGES_PATH}?`)) {
      if (fake?.failLookup?.()) {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 20503, message: 'unavailable' }));
        return true;
      }
      const to = new URL(req.path, 'http://x').searchParams.get('To');
      const messages = accepted
        .filter((m) => m.to === to)
        .reverse()
        .map((m) => ({ sid: m.sid, to: m.to, body: m.body, date_created: m.dateCreated, direction: 'outbound-api' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages }));
      return true;
    }
    if (req.method !== 'POST' || req.path !== MESSAGES_PATH) {
      res.writeHead(404).end();
      return true;
    }
    const form = new URLSearchParams(req.body);
    const mode = modes.shift() ?? { kind: 'ok' };
    answered.push({ to: form.get('To') ?? '', mode: mode.kind });
    switch (mode.kind) {
      case 'ok': {
        const sid = accept(form);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
        break;
      }
      case 'status':
        res
          .writeHead(mode.status, {
            'content-type': 'application/json',
            ...(mode.retryAfter ? { 'retry-after': mode.retryAfter } : {}),
          })
          .end(
            JSON.stringify({ code: mode.code ?? 20001, message: `refused, to ${form.get('To')}`, status: mode.status }),
          );
        break;
      case 'hang':
        break;
      case 'accept-and-hang':
        accept(form);
        break;
    }
    return true;
  });
  fake = {
    server,
    baseUrl: server.baseUrl,
    modes,
    accepted,
    answered,
    posts: () =>
      server.requests
        .filter((r) => r.method === 'POST')
        .map((r) => {
          const form = new URLSearchParams(r.body);
          return { to: form.get('To') ?? '', body: form.get('Body') ?? '', statusCallback: form.get('StatusCallback') };
        }),
    lookups: () => server.requests.filter((r) => r.method === 'GET'),
    close: () => server.close(),
  };
  return fake;
}

export const auth = (h: Harness) => ({ authorization: `Bearer ${h.demoKey}` });

/** Replaces part of the demo site's configuration through GET + PUT, as an owner would. */
export async function updateDemo(
  h: Harness,
  change: (config: Record<string, unknown>) => void,
  headers: Record<string, string> = auth(h),
): Promise<void> {
  const got = await h.app.request('/v1/sites/demo', { headers });
  expect(got.status).toBe(200);
  const { config } = (await got.json()) as { config: Record<string, unknown> };
  change(config);
  const put = await h.app.request('/v1/sites/demo', { ...json(config, headers), method: 'PUT' });
  if (put.status !== 200) throw new Error(`PUT /v1/sites/demo ${put.status}: ${await put.text()}`);
}

/**
 * Switches the demo site to Twilio as an owner must: first a policy version that names Twilio as a recipient (in
 * Ireland, so no transfer entry is needed), then the provider.
 */
export async function useTwilio(h: Harness, apiBaseUrl: string, extra: Record<string, unknown> = {}): Promise<void> {
  await updateDemo(h, (config) => {
    const policy = config.policy as { recipients: unknown[] };
    policy.recipients.push({
      name: 'Twilio Ireland',
      role: 'processor',
      purpose: { fr: 'envoie nos SMS', en: 'sends our texts' },
      country: 'Ireland',
    });
  });
  const published = await h.app.request(
    '/v1/sites/demo/policies',
    json({ summary: 'Twilio sends our texts.' }, auth(h)),
  );
  if (published.status !== 201)
    throw new Error(`POST /v1/sites/demo/policies ${published.status}: ${await published.text()}`);
  // Only the platform admin may point Twilio's API elsewhere (here: the local stand-in).
  await updateDemo(
    h,
    (config) => {
      config.sms = { provider: 'twilio', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl };
      Object.assign(config, extra);
    },
    { authorization: `Bearer ${ADMIN_TOKEN}` },
  );
}

export const TWILIO_PATH = '/v1/sites/demo/inbound/twilio';
export const GENERIC_PATH = '/v1/sites/demo/inbound/generic';

let sidCounter = 0;
export const newSid = () => `SM${String(++sidCounter).padStart(8, '0')}${'f'.repeat(24)}`;

/** An inbound SMS as Twilio posts it: form body, signed over the public URL Twilio was configured with. */
export async function twilioInbound(
  h: Harness,
  from: string,
  body: string,
  options: {
    sid?: string;
    signedUrl?: string;
    token?: string;
    headers?: Record<string, string>;
    signature?: string | null;
    /** Sent instead of `body` after signing, as a tampering middleman would. */
    sentBody?: string;
  } = {},
): Promise<Response> {
  const params = new URLSearchParams({
    MessageSid: options.sid ?? newSid(),
    AccountSid: ACCOUNT_SID,
    From: from,
    To: FROM,
    Body: body,
  });
  const signature =
    options.signature === undefined
      ? await computeTwilioSignature(
          options.token ?? AUTH_TOKEN,
          options.signedUrl ?? `https://assent.test${TWILIO_PATH}`,
          params,
        )
      : options.signature;
  if (options.sentBody !== undefined) params.set('Body', options.sentBody);
  return h.app.request(TWILIO_PATH, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      ...options.headers,
    },
    body: params.toString(),
  });
}

/** The text of a TwiML reply, unescaped; null for an empty <Response/>. */
export function twimlText(xml: string): string | null {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(xml);
  if (!m) return null;
  return m[1]!
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** An inbound SMS through the generic Standard Webhooks endpoint. */
export async function genericInbound(
  h: Harness,
  message: { from: string; body: string; messageId?: string },
  options: { secret?: string; tamper?: boolean; timestampMs?: number } = {},
): Promise<Response> {
  const payload = JSON.stringify({ from: message.from, body: message.body, messageId: message.messageId ?? newSid() });
  const headers = await signWebhook({
    secret: options.secret ?? INBOUND_SECRET,
    id: `msg_${Math.random().toString(36).slice(2)}`,
    timestamp: (options.timestampMs ?? h.now()) / 1000,
    body: payload,
  });
  const sent = options.tamper ? payload.replace('"body":"', '"body":" ') : payload;
  return h.app.request(GENERIC_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: sent,
  });
}

/** The send gate for a number. */
export async function gate(h: Harness, e164: string) {
  const res = await h.app.request('/v1/sites/demo/subscribers/lookup', {
    method: 'POST',
    headers: { ...auth(h), 'content-type': 'application/json' },
    body: JSON.stringify({ phone: e164 }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; canSend: boolean; suppressed: boolean; renewalRequired: boolean };
}

/** Opts a number in (national or E.164 form) and returns the consent id; throws unless 202. */
export async function requestOptIn(h: Harness, phone: string, locale = 'fr'): Promise<string> {
  const res = await optIn(h, phone, { locale });
  if (res.status !== 202) throw new Error(`opt-in ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { consentId: string }).consentId;
}

/** The confirmation token in the latest message a fake Twilio received for a number. */
export function tokenSentTo(twilio: FakeTwilio, to: string, kind: 'c' | 'u' = 'c'): string {
  for (const m of twilio.posts().reverse()) {
    if (m.to !== to) continue;
    const match = new RegExp(`/${kind}/([A-Za-z0-9_-]{43})`).exec(m.body);
    if (match) return match[1]!;
  }
  throw new Error(`no /${kind}/ link sent to that number`);
}

/** The event types of a consent in log order (leaf index), which is the order an auditor sees. */
export async function logTypes(h: Harness, consentId: string): Promise<string[]> {
  const leaves = await h.ctx.events.leavesForConsent('demo', consentId);
  return leaves.map((l) => (JSON.parse(l.leaf) as { type: string }).type);
}

export { widgetFor, json };

/** A French mobile number unique to a test run (numbers are only ever passed around in E.164 here). */
export function frenchMobile(n: number): { national: string; e164: string } {
  const digits = String(10_000_000 + n).slice(-8);
  return { national: `06${digits}`, e164: `+336${digits}` };
}
