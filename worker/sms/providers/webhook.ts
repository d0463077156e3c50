// The site owner's own sender: each SMS is POSTed as signed JSON (Standard Webhooks headers).
// The receiver must dedupe on `webhook-id` (the outbox id, identical across retries), which is what
// makes a resend after a timeout safe: for this provider a timeout is an ordinary retryable failure.
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { signWebhook } from '../signatures.ts';
import { safeFetch, type OutboundPolicy } from '../../net/outbound.ts';
import { failureFor, fetchWithTimeout, unanswered } from './http.ts';

export interface WebhookProviderOptions {
  url: string;
  /** `whsec_<base64>` or any string (its UTF-8 bytes are the key). */
  secret: string;
  /** The network; every call goes through the outbound guard first (public https only, unless `outbound` says). */
  fetch?: typeof fetch;
  /** Default: public https only, literal check (no resolver). */
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

/** The JSON body the receiver gets. */
export interface WebhookSmsPayload {
  id: string;
  to: string;
  body: string;
  statusCallbackUrl?: string;
}

export function createWebhookProvider(options: WebhookProviderOptions): SmsProvider {
  const {
    url,
    secret,
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);

  async function send(message: OutgoingSms): Promise<SendResult> {
    const payload: WebhookSmsPayload = { id: message.id, to: message.to, body: message.body };
    if (message.statusCallbackUrl) payload.statusCallbackUrl = message.statusCallbackUrl;
    const body = JSON.stringify(payload);
    const signature = await signWebhook({ secret, id: message.id, timestamp: now() / 1000, body });
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body },
      timeoutMs,
    );
    if ('failure' in attempt) return unanswered('webhook', attempt, { note: 'resend is deduped by webhook-id' });
    const { response, text } = attempt;
    if (response.ok) return { ok: true, providerMessageId: providerIdFrom(text) ?? message.id };
    // The receiver's error text is not quoted: it is theirs and may echo the number.
    return failureFor(response, `webhook HTTP ${response.status}`, now());
  }

  return { name: 'webhook', send };
}

function providerIdFrom(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (!json || typeof json !== 'object') return undefined;
    const record = json as Record<string, unknown>;
    for (const key of ['providerMessageId', 'messageId', 'id']) {
      const value = record[key];
      if (typeof value === 'string' && value) return value;
    }
  } catch {
    // A 2xx without JSON is still an acceptance.
  }
  return undefined;
}
