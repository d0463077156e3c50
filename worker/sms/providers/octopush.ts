// Octopush behind SmsProvider, plus the parser of its three callbacks (acknowledgement of receipt, inbound SMS, STOP).
// Send: POST https://api.octopush.com/v1/public/sms-campaign/send, headers api-login and api-key, {text, recipients:
// [{phone_number}], type, sender, purpose, with_replies, request_id}; request_id makes a resend within 24 hours a
// duplicate Octopush refuses. https://dev.octopush.com/en/sms-gateway-api-documentation/send-sms/
// Callbacks, POST JSON to URLs set in the Octopush interface (https://dev.octopush.com/en/sms-gateway-api-documentation/callbacks/):
// receipts {message_id, number, status, delivery_date} (…/callbacks/acknowledge-receipt), inbound SMS {message_id,
// number, text, reception_date} (…/inbounds/), STOP {message_id, number, text, stop_date} (…/opt-out-management/).
// Octopush signs none of them: the URLs carry the site's path token (routes/provider-webhooks.ts).
import { safeFetch, withoutTrailingSlashes, type OutboundPolicy } from '../../net/outbound.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import type { ParsedInbound } from './vonage.ts';
import { jsonObject } from './json-object.ts';

export interface OctopushProviderOptions {
  apiLogin: string;
  apiKey: string;
  from: string;
  /** sms_premium (the only type with receipts and replies) or sms_low_cost. */
  type?: 'sms_premium' | 'sms_low_cost';
  /** alert (transactional) or wholesale (marketing, Octopush's default). */
  purpose?: 'alert' | 'wholesale';
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

const record = jsonObject;

export function createOctopushProvider(options: OctopushProviderOptions): SmsProvider {
  const {
    apiLogin,
    apiKey,
    from,
    type = 'sms_premium',
    purpose = 'wholesale',
    apiBaseUrl = 'https://api.octopush.com',
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);
  const url = `${withoutTrailingSlashes(apiBaseUrl)}/v1/public/sms-campaign/send`;

  async function send(message: OutgoingSms): Promise<SendResult> {
    // Our text is sent as written (auto_optimize_text false): it carries links and the opt-out mention.
    const payload = {
      text: message.body,
      recipients: [{ phone_number: message.to }],
      type,
      sender: from,
      purpose,
      with_replies: true,
      request_id: message.id,
      auto_optimize_text: false,
    };
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      {
        method: 'POST',
        headers: {
          'api-login': apiLogin,
          'api-key': apiKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(payload),
      },
      timeoutMs,
    );
    if ('failure' in attempt) return unanswered('Octopush', attempt);
    const json = record(attempt.text);
    if (attempt.response.ok) {
      // The receipts name a message by its ticket ("sms_5fa275dbf21dc"); v1 answers it as sms_ticket.
      const ticket = json?.sms_ticket ?? json?.ticket;
      if (typeof ticket === 'string' && ticket) return { ok: true, providerMessageId: ticket };
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `Octopush HTTP ${attempt.response.status} without a ticket`,
      };
    }
    const code = typeof json?.code === 'number' || typeof json?.code === 'string' ? ` ${json.code}` : '';
    const text = typeof json?.message === 'string' ? `: ${redactNumbers(json.message)}` : '';
    return failureFor(attempt.response, `Octopush HTTP ${attempt.response.status}${code}${text}`, now());
  }

  return { name: 'octopush', send };
}

const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const short = (value: unknown, max: number) => (typeof value === 'string' && value.length <= max ? value : null);

/** An inbound SMS or a STOP callback; null for a receipt or anything else. The id never holds the number. */
export function parseOctopushInbound(value: unknown): ParsedInbound | null {
  const v = asRecord(value);
  const number = short(v.number, 40);
  const ticket = short(v.message_id, 100) ?? 'none';
  if (!number) return null;
  const from = `+${number.replace(/^\+/, '')}`;
  const stopDate = short(v.stop_date, 40);
  // Octopush already read this as an opt-out: it is applied as a STOP whatever the text.
  if (stopDate) return { from, body: 'STOP', messageId: `octopush:${ticket}:stop:${stopDate}` };
  const received = short(v.reception_date, 40) ?? short(v.answer_date, 40);
  const text = short(v.text, 2000);
  if (received && text !== null) return { from, body: text, messageId: `octopush:${ticket}:reply:${received}` };
  return null;
}

const STATUS: Record<string, string> = {
  ACK: 'sent',
  DELIVERED: 'delivered',
  NOT_DELIVERED: 'undelivered',
  NOT_ALLOWED: 'failed',
  BAD_DESTINATION: 'failed',
  BLACKLISTED_NUMBER: 'failed',
};

/** An acknowledgement-of-receipt callback as our delivery status; UNKNOWN_DELIVERY and UNDEFINED change nothing. */
export function parseOctopushDelivery(value: unknown): { providerMessageId: string; status: string } | null {
  const v = asRecord(value);
  const ticket = short(v.message_id, 100);
  const status = typeof v.status === 'string' ? STATUS[v.status.toUpperCase()] : undefined;
  if (!ticket || !status || v.delivery_date === undefined || (v.channel !== undefined && v.channel !== 'sms'))
    return null;
  return { providerMessageId: ticket, status };
}
