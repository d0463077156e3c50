// Vonage Messages API (SMS channel) behind SmsProvider, plus its inbound-message and message-status webhook parsers.
// Send: POST /v1/messages, basic auth (API key and secret), {message_type: "text", channel: "sms", to, from, text,
// client_ref}; 202 {message_uuid}. https://developer.vonage.com/en/api/messages
// Webhooks (inbound and status URLs of the Vonage application) are signed: see sms/webhook-auth.ts.
// Statuses: https://developer.vonage.com/en/messages/concepts/sms-status-callbacks
import { toBase64 } from '../../crypto/encoding.ts';
import { type OutboundPolicy, safeFetch, withoutTrailingSlashes } from '../../net/outbound.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import { jsonObject } from './json-object.ts';

export interface VonageProviderOptions {
  apiKey: string;
  apiSecret: string;
  from: string;
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

/** Vonage writes numbers in E.164 without the leading +. */
export const vonageNumber = (e164: string) => e164.replace(/^\+/, '');

const record = jsonObject;

export function createVonageProvider(options: VonageProviderOptions): SmsProvider {
  const {
    apiKey,
    apiSecret,
    from,
    apiBaseUrl = 'https://api.nexmo.com',
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);
  const url = `${withoutTrailingSlashes(apiBaseUrl)}/v1/messages`;
  const authorization = `Basic ${toBase64(new TextEncoder().encode(`${apiKey}:${apiSecret}`))}`;

  async function send(message: OutgoingSms): Promise<SendResult> {
    // client_ref carries our outbox id, which Vonage echoes in every status webhook.
    const body = JSON.stringify({
      message_type: 'text',
      channel: 'sms',
      to: vonageNumber(message.to),
      from: vonageNumber(from),
      text: message.body,
      client_ref: message.id,
    });
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body,
      },
      timeoutMs,
    );
    // Vonage has no idempotency key and no lookup by client_ref here: a resend after a time-out may send twice.
    if ('failure' in attempt) return unanswered('Vonage', attempt);
    const json = record(attempt.text);
    if (attempt.response.ok) {
      const id = json?.message_uuid;
      if (typeof id === 'string' && id) return { ok: true, providerMessageId: id };
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `Vonage HTTP ${attempt.response.status} without a message_uuid`,
      };
    }
    const title = typeof json?.title === 'string' ? `: ${redactNumbers(json.title)}` : '';
    return failureFor(attempt.response, `Vonage HTTP ${attempt.response.status}${title}`, now());
  }

  return { name: 'vonage', send };
}

export interface ParsedInbound {
  from: string;
  body: string;
  messageId: string;
}

/** An inbound SMS webhook ({channel: "sms", message_uuid, from, text, …}); null for anything else. */
export function parseVonageInbound(value: unknown): ParsedInbound | null {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  // A status webhook has the same channel, uuid and numbers, but a `status` and no `text`.
  if (
    v.channel !== 'sms' ||
    v.status !== undefined ||
    typeof v.message_uuid !== 'string' ||
    typeof v.from !== 'string' ||
    typeof v.text !== 'string'
  )
    return null;
  const text = v.text;
  if (v.from.length > 40 || text.length > 2000 || v.message_uuid.length > 200) return null;
  return { from: `+${v.from.replace(/^\+/, '')}`, body: text, messageId: `vonage:${v.message_uuid}` };
}

const STATUS: Record<string, string> = {
  submitted: 'sent',
  delivered: 'delivered',
  rejected: 'failed',
  undeliverable: 'undelivered',
};

/** A message-status webhook ({message_uuid, status, …}), as our delivery statuses; null for an unknown status. */
export function parseVonageStatus(value: unknown): { providerMessageId: string; status: string } | null {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const status = typeof v.status === 'string' ? STATUS[v.status] : undefined;
  if (typeof v.message_uuid !== 'string' || !v.message_uuid || v.message_uuid.length > 200 || !status) return null;
  return { providerMessageId: v.message_uuid, status };
}
