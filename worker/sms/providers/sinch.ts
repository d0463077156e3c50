// Sinch SMS REST API behind SmsProvider, plus its MO (inbound) and recipient delivery report callback parsers.
// Send: POST https://{region}.sms.api.sinch.com/xms/v1/{service_plan_id}/batches, Bearer API token, {from, to: [...],
// body, delivery_report: "per_recipient", callback_url, client_reference}; 201 {id, …}.
// https://developers.sinch.com/docs/sms/api-reference/sms/batches/sendsms
// Callbacks (https://developers.sinch.com/docs/sms/api-reference/sms/webhooks): recipient delivery reports
// {type: "recipient_delivery_report_sms", batch_id, recipient, status, code, at, client_reference} and inbound
// {type: "mo_text", id, from, to, body, received_at}. Sinch signs SMS callbacks only when its account manager sets up
// HMAC, OAuth or mTLS, none of which its public pages specify byte for byte: the callback URLs carry the site's path
// token instead (routes/provider-webhooks.ts).
import { type OutboundPolicy, safeFetch, withoutTrailingSlashes } from '../../net/outbound.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import type { ParsedInbound } from './vonage.ts';
import { jsonObject } from './json-object.ts';

export interface SinchProviderOptions {
  servicePlanId: string;
  apiToken: string;
  from: string;
  region?: 'us' | 'eu' | 'au' | 'br' | 'ca';
  /** The path token the delivery callback URL must carry (the same as the site's inbound URL). */
  webhookToken: string;
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

/** A callback URL built by the jobs (…/delivery/{provider}?m=id) with the path token as its last path segment. */
export function withPathToken(callbackUrl: string, token: string): string {
  const url = new URL(callbackUrl);
  url.pathname = `${withoutTrailingSlashes(url.pathname)}/${token}`;
  return url.toString();
}

const record = jsonObject;

export function createSinchProvider(options: SinchProviderOptions): SmsProvider {
  const {
    servicePlanId,
    apiToken,
    from,
    region = 'eu',
    webhookToken,
    apiBaseUrl = `https://${region}.sms.api.sinch.com`,
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);
  const url = `${withoutTrailingSlashes(apiBaseUrl)}/xms/v1/${encodeURIComponent(servicePlanId)}/batches`;

  async function send(message: OutgoingSms): Promise<SendResult> {
    const payload: Record<string, unknown> = {
      from,
      to: [message.to],
      body: message.body,
      client_reference: message.id,
    };
    if (message.statusCallbackUrl) {
      payload.delivery_report = 'per_recipient';
      payload.callback_url = withPathToken(message.statusCallbackUrl, webhookToken);
    }
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(payload),
      },
      timeoutMs,
    );
    // Sinch may have the batch: the next attempt asks for it by client_reference (lookup) before resending.
    if ('failure' in attempt) return unanswered('Sinch', attempt, { unknown: true });
    const json = record(attempt.text);
    if (attempt.response.ok) {
      const id = json?.id;
      if (typeof id === 'string' && id) return { ok: true, providerMessageId: id };
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `Sinch HTTP ${attempt.response.status} without a batch id`,
      };
    }
    const code = typeof json?.code === 'string' ? ` ${json.code}` : '';
    const text = typeof json?.text === 'string' ? `: ${redactNumbers(json.text)}` : '';
    return failureFor(attempt.response, `Sinch HTTP ${attempt.response.status}${code}${text}`, now());
  }

  /**
   * A batch sent with this client_reference (our outbox id) in the last 24 hours, Sinch's default window for the
   * list. https://developers.sinch.com/docs/sms/api-reference/sms/batches/listbatches
   * Throws when Sinch cannot be asked, so the caller retries the lookup instead of resending.
   */
  async function lookup(id: string): Promise<{ found: true; providerMessageId: string } | { found: false }> {
    const query = new URLSearchParams({ client_reference: id, page_size: '10' });
    const result = await fetchWithTimeout(
      doFetch,
      `${url}?${query.toString()}`,
      { method: 'GET', headers: { authorization: `Bearer ${apiToken}`, accept: 'application/json' } },
      timeoutMs,
    );
    if ('failure' in result) throw new Error(`Sinch lookup ${result.failure}`);
    if (!result.response.ok) throw new Error(`Sinch lookup HTTP ${result.response.status}`);
    const batches = record(result.text)?.batches;
    if (!Array.isArray(batches)) throw new Error('Sinch lookup: unexpected answer');
    const match = batches.find(
      (b): b is { id: string } =>
        Boolean(b) &&
        typeof b === 'object' &&
        (b as Record<string, unknown>).client_reference === id &&
        typeof (b as Record<string, unknown>).id === 'string',
    );
    return match ? { found: true, providerMessageId: match.id } : { found: false };
  }

  return { name: 'sinch', send, lookup };
}

const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** An MO text callback; null for anything else (binary, MMS). */
export function parseSinchInbound(value: unknown): ParsedInbound | null {
  const v = asRecord(value);
  if (v.type !== 'mo_text' || typeof v.id !== 'string' || typeof v.from !== 'string' || typeof v.body !== 'string')
    return null;
  if (v.id.length > 200 || v.from.length > 40 || v.body.length > 2000) return null;
  return { from: `+${v.from.replace(/^\+/, '')}`, body: v.body, messageId: `sinch:${v.id}` };
}

// Sinch's delivery statuses (same page) as ours; Unknown changes nothing.
const STATUS: Record<string, string> = {
  queued: 'queued',
  dispatched: 'sent',
  delivered: 'delivered',
  failed: 'failed',
  rejected: 'failed',
  aborted: 'failed',
  expired: 'undelivered',
  cancelled: 'canceled',
  deleted: 'canceled',
};

/** A recipient delivery report callback, as our delivery status of the batch; null for anything else. */
export function parseSinchDelivery(value: unknown): { providerMessageId: string; status: string } | null {
  const v = asRecord(value);
  if (
    v.type !== 'recipient_delivery_report_sms' ||
    typeof v.batch_id !== 'string' ||
    !v.batch_id ||
    v.batch_id.length > 200
  )
    return null;
  const status = typeof v.status === 'string' ? STATUS[v.status.toLowerCase()] : undefined;
  return status ? { providerMessageId: v.batch_id, status } : null;
}
