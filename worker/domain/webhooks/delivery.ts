// Sends the queued webhook deliveries: each signed per Standard Webhooks, POSTed only to a public https address
// (checked again now, after DNS), in order per endpoint and subscriber, retried with backoff, failed after 3 days.
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/webhooks.ts';
import { signWebhook } from '../../sms/signatures.ts';
import { newToken } from '../../crypto/tokens.ts';
import { OutboundRefusedError, safeFetch } from '../../net/outbound.ts';
import type { DomainContext } from '../context.ts';
import { syncBrevoContact } from './brevo-connector.ts';
import { signingSecrets } from './endpoints.ts';

/** A delivery not accepted within this long after its event is given up (marked failed). */
export const GIVE_UP_MS = 3 * 24 * 3_600_000;
/** A receiver gets this long to answer (Standard Webhooks asks receivers to answer quickly, within seconds). */
const TIMEOUT_MS = 10_000;

/** Exponential backoff from 30 s, doubling, at most an hour apart: a receiver back up is caught up within the hour. */
export const retryDelay = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

const STATUS_OF: Record<string, string> = {
  'consent.requested': 'pending',
  'consent.confirmed': 'confirmed',
  'consent.withdrawn': 'withdrawn',
  'consent.expired': 'expired',
  'subscriber.erased': 'erased',
};

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    consentId?: string;
    subscriberId?: string;
    status?: string;
    proofUrl?: string;
    maskedPhone?: string;
    phone?: string;
  };
}

/**
 * The payload, built when sent from the consent and its subject (nothing personal waits in the queue). The full
 * number only for an endpoint created with includePhone, opened from the subject's ciphertext: after an erasure
 * there is none to send.
 */
export async function webhookPayload(
  ctx: DomainContext,
  delivery: Pick<WebhookDeliveryRow, 'type' | 'eventAt' | 'consentId' | 'subjectId'>,
  endpoint: Pick<WebhookEndpointRow, 'includePhone'>,
): Promise<WebhookPayload> {
  const payload: WebhookPayload = {
    type: delivery.type,
    timestamp: new Date(delivery.eventAt).toISOString(),
    data: {},
  };
  if (!delivery.consentId) return payload; // a decline: a counter only
  const consent = await ctx.consents.byId(delivery.consentId);
  const subject = delivery.subjectId ? await ctx.subjects.byId(delivery.subjectId) : null;
  const erased = !subject?.wrappedKey || subject.erasedAt !== null;
  payload.data = {
    consentId: delivery.consentId,
    ...(delivery.subjectId ? { subscriberId: delivery.subjectId } : {}),
    status: STATUS_OF[delivery.type] ?? consent?.status ?? 'unknown',
    proofUrl: `${ctx.publicUrl}/proofs/${delivery.consentId}`,
    maskedPhone: erased ? '•••' : subject.masked,
  };
  if (endpoint.includePhone && !erased && subject.phoneCiphertext) {
    payload.data.phone = await ctx.sealer.open(subject.wrappedKey!, subject.id, subject.phoneCiphertext);
  }
  return payload;
}

export interface WebhookReport {
  delivered: number;
  retried: number;
  failed: number;
}

/** One attempt of one delivery; records its outcome under the claim. */
async function attempt(
  ctx: DomainContext,
  doFetch: typeof fetch,
  delivery: WebhookDeliveryRow,
  token: string,
  report: WebhookReport,
): Promise<void> {
  const now = ctx.clock();
  const endpoint = await ctx.webhooks.endpointById(delivery.endpointId);
  if (!endpoint) {
    await ctx.webhooks.record(delivery.seq, token, {
      status: 'cancelled',
      responseStatus: null,
      error: 'endpoint deleted',
      now,
    });
    return;
  }
  let responseStatus: number | null = null;
  let error: string | null = null;
  if (endpoint.kind === 'brevo') {
    try {
      // The number is read (opened from the subject) only for the call that writes it.
      const phone = async () => (await webhookPayload(ctx, delivery, endpoint)).data.phone;
      const outcome = await syncBrevoContact(ctx, doFetch, delivery, endpoint, { timeoutMs: TIMEOUT_MS, phone });
      if (outcome.ok) {
        await ctx.webhooks.record(delivery.seq, token, {
          status: 'delivered',
          responseStatus: outcome.status,
          error: null,
          now,
        });
        report.delivered++;
        return;
      }
      responseStatus = outcome.status;
      error = outcome.error;
    } catch (caught) {
      error = failureText(caught);
    }
    await retryOrFail(ctx, delivery, endpoint, token, { responseStatus, error, now }, report);
    return;
  }
  try {
    const body = JSON.stringify(await webhookPayload(ctx, delivery, endpoint));
    const timestamp = Math.floor(now / 1000);
    // Standard Webhooks (spec "Signature scheme"): one `v1,<base64 HMAC-SHA256 of id.timestamp.body>` per secret,
    // space-separated, so a receiver holding either secret of a rotation verifies.
    const secrets = await signingSecrets(ctx, endpoint);
    const signed = await Promise.all(
      secrets.map((secret) => signWebhook({ secret, id: delivery.messageId, timestamp, body })),
    );
    const signature = signed.map((s) => s['webhook-signature']).join(' ');
    const response = await doFetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Assent-Webhooks/1',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    responseStatus = response.status;
    await response.body?.cancel().catch(() => {});
    if (response.ok) {
      await ctx.webhooks.record(delivery.seq, token, { status: 'delivered', responseStatus, error: null, now });
      report.delivered++;
      return;
    }
    error = `HTTP ${response.status}`;
  } catch (caught) {
    error = failureText(caught);
  }
  await retryOrFail(ctx, delivery, endpoint, token, { responseStatus, error, now }, report);
}

function failureText(caught: unknown): string {
  return caught instanceof OutboundRefusedError
    ? `refused: ${caught.message}`
    : caught instanceof Error
      ? `${caught.name}: ${caught.message}`
      : 'unknown error';
}

/** A failed attempt: tried again after the backoff, or given up once the delivery is GIVE_UP_MS old. */
async function retryOrFail(
  ctx: DomainContext,
  delivery: WebhookDeliveryRow,
  endpoint: WebhookEndpointRow,
  token: string,
  outcome: { responseStatus: number | null; error: string | null; now: number },
  report: WebhookReport,
): Promise<void> {
  const { responseStatus, error, now } = outcome;
  // The message names the endpoint and the answer only: never the payload (it may hold a number).
  ctx.logger.warn('webhook delivery failed', { endpointId: endpoint.id, status: responseStatus, error });
  const giveUp = now - delivery.createdAt >= GIVE_UP_MS;
  await ctx.webhooks.record(delivery.seq, token, {
    status: giveUp ? 'failed' : 'queued',
    responseStatus,
    error,
    now,
    ...(giveUp ? {} : { nextAttemptAt: now + retryDelay(delivery.attempts) }),
  });
  if (giveUp) report.failed++;
  else report.retried++;
}

/**
 * Sends what is due. Each claim takes only the oldest queued delivery of each endpoint and subscriber, so claims
 * run side by side safely; a subscriber's next event is claimed in the next round, after the previous one landed.
 */
export async function deliverWebhooks(
  ctx: DomainContext,
  options: { fetch?: typeof fetch; limit?: number; rounds?: number; leaseMs?: number } = {},
): Promise<WebhookReport> {
  const { limit = 50, rounds = 20, leaseMs = 60_000 } = options;
  const doFetch = safeFetch(ctx.outbound ?? { allowLocal: false }, options.fetch);
  const report: WebhookReport = { delivered: 0, retried: 0, failed: 0 };
  for (let round = 0; round < rounds; round++) {
    const token = newToken(ctx.random);
    const claimed = await ctx.webhooks.claimDue(ctx.clock(), limit, leaseMs, token);
    if (claimed.length === 0) break;
    await Promise.all(claimed.map((delivery) => attempt(ctx, doFetch, delivery, token, report)));
  }
  return report;
}
