// The Brevo connector: keeps a Brevo contact's SMS attribute and SMS blocklisting in step with the consent, one call
// per queued delivery (the outbox, order, retries and the public-https guard are the webhooks' own, delivery.ts).
// The contact is found by its ext_id, our subscriber id (pseudonymous), so a withdrawal or an erasure reaches it
// without the number, which an erasure has destroyed by then.
// Brevo's contacts API (https://developers.brevo.com/reference/create-contact, .../update-contact), `api-key` header:
// - confirmed: POST /v3/contacts {ext_id, attributes: {SMS: "+33…"}, smsBlacklisted: false, updateEnabled: true}
//   (201 created, 204 updated; "SMS" takes the number with its country code);
// - withdrawn: PUT /v3/contacts/{ext_id}?identifierType=ext_id {smsBlacklisted: true} (204); the contact is one per
//   number, so the withdrawal of any one consent blocklists it (the safe side; a later confirmation lifts it);
// - erased: PUT /v3/contacts/{ext_id}?identifierType=ext_id {attributes: {SMS: ""}, smsBlacklisted: true} (204).
// A 404 on a PUT means Brevo has no such contact (it was never confirmed): nothing to change there.
// Not confirmed from Brevo's reference: that an empty string clears the SMS attribute (it says values that do not
// match an attribute's type are ignored); the README asks the owner to check it once in their account.
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/webhooks.ts';
import { withoutTrailingSlashes } from '../../net/outbound.ts';
import type { DomainContext } from '../context.ts';
import { openSecret } from './endpoints.ts';

export interface ConnectorOutcome {
  ok: boolean;
  /** Brevo's HTTP status; null when nothing was sent (nothing to change) or no answer came. */
  status: number | null;
  error: string | null;
}

/** The call that brings the Brevo contact in step with one event; null when there is nothing to send. */
async function callFor(
  delivery: WebhookDeliveryRow,
  base: string,
  phone: () => Promise<string | undefined>,
): Promise<{ method: 'POST' | 'PUT'; url: string; body: Record<string, unknown> } | null> {
  const extId = delivery.subjectId;
  if (!extId) return null;
  const contact = `${base}/v3/contacts/${encodeURIComponent(extId)}?identifierType=ext_id`;
  switch (delivery.type) {
    case 'consent.confirmed': {
      const number = await phone();
      // Erased since: no number to write (the erasure's own delivery follows).
      if (!number) return null;
      return {
        method: 'POST',
        url: `${base}/v3/contacts`,
        body: { ext_id: extId, attributes: { SMS: number }, smsBlacklisted: false, updateEnabled: true },
      };
    }
    case 'consent.withdrawn':
      return { method: 'PUT', url: contact, body: { smsBlacklisted: true } };
    case 'subscriber.erased':
      return { method: 'PUT', url: contact, body: { attributes: { SMS: '' }, smsBlacklisted: true } };
    default:
      return null;
  }
}

export async function syncBrevoContact(
  ctx: DomainContext,
  doFetch: typeof fetch,
  delivery: WebhookDeliveryRow,
  endpoint: WebhookEndpointRow,
  options: { timeoutMs: number; phone: () => Promise<string | undefined> },
): Promise<ConnectorOutcome> {
  const { timeoutMs, phone } = options;
  const call = await callFor(delivery, withoutTrailingSlashes(endpoint.url), phone);
  if (!call) return { ok: true, status: null, error: null };
  const apiKey = await openSecret(ctx, endpoint.id, endpoint.secretBox);
  const response = await doFetch(call.url, {
    method: call.method,
    headers: {
      'api-key': apiKey,
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'Assent-Brevo-Connector/1',
    },
    body: JSON.stringify(call.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text().catch(() => '');
  if (response.ok || (call.method === 'PUT' && response.status === 404)) {
    return { ok: true, status: response.status, error: null };
  }
  // Brevo's error body is {code, message}; only the code is kept (a message may quote the number).
  const code = /"code"\s*:\s*"([a-z_]{1,40})"/.exec(text.slice(0, 2000))?.[1];
  return { ok: false, status: response.status, error: `HTTP ${response.status}${code ? ` ${code}` : ''}` };
}
