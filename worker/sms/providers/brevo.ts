// Brevo transactional SMS behind SmsProvider, plus the parser of the events Brevo posts to a message's webUrl.
// Send: POST https://api.brevo.com/v3/transactionalSMS/send, header api-key, {sender, recipient, content, type,
// webUrl, unicodeEnabled}; 201 {messageId}. https://developers.brevo.com/docs/transactional-sms-endpoints
// (the former /v3/transactionalSMS/sms is deprecated: https://developers.brevo.com/changelog/deprecated-endpoint-post-v3transactionalsmssms)
// Events (https://developers.brevo.com/docs/transactional-webhooks, "Transactional SMS"): {id (the webhook's), to,
// messageId, msg_status: sent | delivered | soft_bounce | hard_bounce …, date, reference, …}. Brevo does not sign
// them: the webUrl carries the site's path token (routes/provider-webhooks.ts).
import { safeFetch, withoutTrailingSlashes, type OutboundPolicy } from '../../net/outbound.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { withPathToken } from './sinch.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import type { ParsedInbound } from './vonage.ts';
import { jsonObject } from './json-object.ts';

export interface BrevoProviderOptions {
  apiKey: string;
  from: string;
  /** Brevo's SMS type; "marketing" makes Brevo handle its own STOP code on some routes. Default transactional. */
  type?: 'transactional' | 'marketing';
  webhookToken: string;
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

const record = jsonObject;

export function createBrevoProvider(options: BrevoProviderOptions): SmsProvider {
  const {
    apiKey,
    from,
    type = 'transactional',
    webhookToken,
    apiBaseUrl = 'https://api.brevo.com',
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);
  const url = `${withoutTrailingSlashes(apiBaseUrl)}/v3/transactionalSMS/send`;

  async function send(message: OutgoingSms): Promise<SendResult> {
    // Brevo writes the recipient with its country code and no +; our body may hold any character (unicodeEnabled).
    const payload: Record<string, unknown> = {
      sender: from,
      recipient: message.to.replace(/^\+/, ''),
      content: message.body,
      type,
      unicodeEnabled: true,
      tag: message.id,
    };
    if (message.statusCallbackUrl) payload.webUrl = withPathToken(message.statusCallbackUrl, webhookToken);
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
      },
      timeoutMs,
    );
    if ('failure' in attempt) return unanswered('Brevo', attempt);
    const json = record(attempt.text);
    if (attempt.response.ok) {
      const id = json?.messageId;
      if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id))
        return { ok: true, providerMessageId: String(id) };
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `Brevo HTTP ${attempt.response.status} without a messageId`,
      };
    }
    const code = typeof json?.code === 'string' ? ` ${json.code}` : '';
    const text = typeof json?.message === 'string' ? `: ${redactNumbers(json.message)}` : '';
    return failureFor(attempt.response, `Brevo HTTP ${attempt.response.status}${code}${text}`, now());
  }

  return { name: 'brevo', send };
}

const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const idOf = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value)
    ? String(value)
    : typeof value === 'string' && value.length <= 100
      ? value
      : null;
const eventOf = (v: Record<string, unknown>) =>
  (typeof v.msg_status === 'string' ? v.msg_status : typeof v.event === 'string' ? v.event : '').toLowerCase();

/**
 * A reply, or Brevo's own unsubscribe event (a STOP it handled itself), as an inbound message; null otherwise. The
 * webhook page documents the delivery statuses only: the names of a reply's fields (`replied`, `reply`) are those of
 * Brevo's SMS events report (GET /v3/transactionalSMS/statistics/events), where `to` or `phoneNumber` is the subscriber.
 */
export function parseBrevoInbound(value: unknown): ParsedInbound | null {
  const v = asRecord(value);
  const event = eventOf(v);
  const number = typeof v.to === 'string' ? v.to : typeof v.phoneNumber === 'string' ? v.phoneNumber : null;
  const messageId = idOf(v.messageId);
  if (!number || number.length > 40 || !messageId) return null;
  const at = typeof v.date === 'string' ? v.date.slice(0, 40) : String(v.ts_event ?? '');
  if (event === 'replied' && typeof v.reply === 'string' && v.reply.length <= 2000) {
    return { from: `+${number.replace(/^\+/, '')}`, body: v.reply, messageId: `brevo:${messageId}:reply:${at}` };
  }
  // Opt-out always wins: Brevo's unsubscribe is applied as a STOP from that number.
  if (event === 'unsubscribe' || event === 'unsubscribed')
    return { from: `+${number.replace(/^\+/, '')}`, body: 'STOP', messageId: `brevo:${messageId}:unsubscribe` };
  return null;
}

const STATUS: Record<string, string> = {
  accepted: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  soft_bounce: 'undelivered',
  softbounce: 'undelivered',
  hard_bounce: 'failed',
  hardbounce: 'failed',
  rejected: 'failed',
};

/** A status event of a message we sent (its messageId), as our delivery status; null for anything else. */
export function parseBrevoDelivery(value: unknown): { providerMessageId: string; status: string } | null {
  const v = asRecord(value);
  const status = STATUS[eventOf(v)];
  const messageId = idOf(v.messageId);
  return status && messageId ? { providerMessageId: messageId, status } : null;
}
