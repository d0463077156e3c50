// Twilio Programmable Messaging (REST Messages API) behind SmsProvider, plus its status-callback parser.
// Twilio has no idempotency key, so a timed-out send is reconciled by listing the number's recent messages.
import { AppError } from '../../errors.ts';
import { type OutboundPolicy, safeFetch, withoutTrailingSlashes } from '../../net/outbound.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';

export interface SendAttempt {
  body: string;
  /** Epoch ms when the send began. */
  startedAt: number;
}

/**
 * Remembers what each send attempt carried so `lookup` can recognise it at Twilio. The default keeps it
 * in memory; a deployment with several isolates hands in one that reads the outbox row (which already
 * holds the body and the attempt time), making `record` a no-op.
 */
export interface SendJournal {
  record(id: string, attempt: SendAttempt): void | Promise<void>;
  /** The first recorded attempt for the id: a message from any attempt is then inside the search window. */
  get(id: string): SendAttempt | undefined | Promise<SendAttempt | undefined>;
}

export function createMemoryJournal(capacity = 10_000): SendJournal {
  const entries = new Map<string, SendAttempt>();
  return {
    record(id, attempt) {
      if (entries.has(id)) return; // the first attempt bounds the search window
      entries.set(id, attempt);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
    get: (id) => entries.get(id),
  };
}

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  /** A sender number or alphanumeric id; exactly one of `from` and `messagingServiceSid`. */
  from?: string;
  messagingServiceSid?: string;
  apiBaseUrl?: string;
  /** The network; every call goes through the outbound guard first (public https only, unless `outbound` says). */
  fetch?: typeof fetch;
  /** Default: public https only, literal check (no resolver). */
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
  journal?: SendJournal;
  /** How far before the recorded attempt a Twilio `date_created` may be and still match (clock skew). */
  lookupSkewMs?: number;
}

function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

function jsonOrNull(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The status callback URL with the outbox id as `m`, so Twilio's callbacks name our message directly. */
export function statusCallbackWithId(statusCallbackUrl: string, id: string): string {
  const url = new URL(statusCallbackUrl);
  url.searchParams.set('m', id);
  return url.toString();
}

export function createTwilioProvider(options: TwilioProviderOptions): SmsProvider {
  const {
    accountSid,
    authToken,
    from,
    messagingServiceSid,
    apiBaseUrl = 'https://api.twilio.com',
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
    journal = createMemoryJournal(),
    lookupSkewMs = 120_000,
  } = options;
  if (!accountSid || !authToken) {
    throw new AppError('validation_failed', 422, 'Twilio needs an account SID and an auth token.', {
      errors: [{ path: accountSid ? 'sms.authToken' : 'sms.accountSid', message: 'Required.' }],
    });
  }
  if (Boolean(from) === Boolean(messagingServiceSid)) {
    throw new AppError('validation_failed', 422, 'Give exactly one of from and messagingServiceSid.', {
      errors: [{ path: 'sms.from', message: 'Exactly one of from and messagingServiceSid.' }],
    });
  }
  const doFetch = safeFetch(outbound, network);
  const messagesUrl = `${withoutTrailingSlashes(apiBaseUrl)}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = basicAuth(accountSid, authToken);

  async function send(message: OutgoingSms): Promise<SendResult> {
    const form = new URLSearchParams();
    form.set('To', message.to);
    if (messagingServiceSid) form.set('MessagingServiceSid', messagingServiceSid);
    else form.set('From', from as string);
    form.set('Body', message.body);
    if (message.statusCallbackUrl)
      form.set('StatusCallback', statusCallbackWithId(message.statusCallbackUrl, message.id));
    await journal.record(message.id, { body: message.body, startedAt: now() });
    const attempt = await fetchWithTimeout(
      doFetch,
      messagesUrl,
      {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
      },
      timeoutMs,
    );
    if ('failure' in attempt) return unanswered('Twilio', attempt, { unknown: true });
    const { response, text } = attempt;
    const json = jsonOrNull(text);
    if (response.ok) {
      const sid = json?.sid;
      if (typeof sid === 'string' && sid) return { ok: true, providerMessageId: sid };
      // Accepted but unreadable: it may well go out, so reconcile rather than resend.
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `Twilio HTTP ${response.status} without a message sid`,
      };
    }
    const code = typeof json?.code === 'number' || typeof json?.code === 'string' ? ` error ${json.code}` : '';
    const detail = typeof json?.message === 'string' ? `: ${redactNumbers(json.message)}` : '';
    return failureFor(response, `Twilio HTTP ${response.status}${code}${detail}`, now());
  }

  /**
   * Finds the message a timed-out attempt created: same recipient, same body, created no earlier than the
   * attempt (less clock skew); the earliest such message wins. Throws when Twilio cannot be asked, so the
   * caller retries the lookup instead of resending.
   */
  async function lookup(
    id: string,
    to: string,
  ): Promise<{ found: true; providerMessageId: string } | { found: false }> {
    const attempt = await journal.get(id);
    if (!attempt) return { found: false };
    const query = new URLSearchParams({ To: to, PageSize: '100' });
    const result = await fetchWithTimeout(
      doFetch,
      `${messagesUrl}?${query.toString()}`,
      { method: 'GET', headers: { authorization, accept: 'application/json' } },
      timeoutMs,
    );
    if ('failure' in result) throw new Error(`Twilio lookup ${result.failure}`);
    if (!result.response.ok) throw new Error(`Twilio lookup HTTP ${result.response.status}`);
    const messages = jsonOrNull(result.text)?.messages;
    if (!Array.isArray(messages)) throw new Error('Twilio lookup: unexpected answer');
    const candidates = messages
      .filter((m): m is Record<string, unknown> => Boolean(m) && typeof m === 'object')
      .map((m) => ({
        sid: m.sid,
        body: m.body,
        created: Date.parse(String(m.date_created ?? '')),
        direction: m.direction,
      }))
      .filter(
        (m) =>
          typeof m.sid === 'string' &&
          m.body === attempt.body &&
          m.direction !== 'inbound' &&
          !Number.isNaN(m.created) &&
          m.created >= attempt.startedAt - lookupSkewMs,
      )
      .sort((a, b) => a.created - b.created);
    const first = candidates[0];
    return first ? { found: true, providerMessageId: first.sid as string } : { found: false };
  }

  return { name: 'twilio', send, lookup };
}

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'canceled';

export interface TwilioStatusUpdate {
  providerMessageId: string;
  status: DeliveryStatus;
  /** Twilio's own word (accepted, sending, read, …). */
  providerStatus: string;
  errorCode?: number;
  /** Our outbox id, from the `m` query parameter of the callback URL. */
  messageId?: string;
}

const STATUS: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'canceled',
};

/** Reads Twilio's status callback form; null when it is not one (no message sid or an unknown status). */
export function parseTwilioStatus(
  form: URLSearchParams | Record<string, string | undefined>,
  callbackUrl?: string,
): TwilioStatusUpdate | null {
  const get = (key: string) => (form instanceof URLSearchParams ? (form.get(key) ?? undefined) : form[key]);
  const providerMessageId = get('MessageSid') ?? get('SmsSid');
  const providerStatus = (get('MessageStatus') ?? get('SmsStatus') ?? '').toLowerCase();
  const status = STATUS[providerStatus];
  if (!providerMessageId || !status) return null;
  const update: TwilioStatusUpdate = { providerMessageId, status, providerStatus };
  const errorCode = get('ErrorCode');
  if (errorCode && /^\d+$/.test(errorCode)) update.errorCode = Number(errorCode);
  if (callbackUrl) {
    const m = new URL(callbackUrl).searchParams.get('m');
    if (m) update.messageId = m;
  }
  return update;
}
