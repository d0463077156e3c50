// Delivery reports from a provider (Twilio's status callback, a webhook's report): the message's delivery status,
// only ever for a message of the site the report was signed for. A report that changes the status of a consent's
// own SMS (the confirmation request, the confirmation) is logged on that consent's chain.
import type { DomainContext } from '../context.ts';
import { appendConsentLeaf } from '../proof-log/events.ts';

export type DeliveryReport = { providerMessageId: string; status: string } | { id: string; status: string };

/** The outbox kinds whose sending and delivery the consent's log records (marketing sends are not consent facts). */
export const LOGGED_SMS_KINDS: readonly string[] = ['confirm-request', 'confirmed', 'renewal'];

/**
 * How far along each delivery status is. A report applies only over an earlier one, so statuses move forward
 * (queued → sent → delivered | undelivered | failed | canceled) and a report replayed or arriving late changes
 * nothing: providers do not promise order, and a captured report must not undo a later one.
 */
const DELIVERY_STAGE: Readonly<Record<string, number>> = {
  queued: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  canceled: 3,
};

/** The statuses a report of `status` may replace; none for a status we do not know (it changes nothing). */
export function deliveryStatusesBefore(status: string): string[] {
  const stage = DELIVERY_STAGE[status];
  if (stage === undefined) return [];
  return Object.keys(DELIVERY_STAGE).filter((s) => DELIVERY_STAGE[s]! < stage);
}

type DeliveryCtx = Pick<
  DomainContext,
  'outbox' | 'random' | 'consents' | 'events' | 'store' | 'clock' | 'logger' | 'inbound'
>;

/**
 * A signed webhook's report, applied once per `webhook-id`: the id is claimed first (a replay, even with another
 * body, is acknowledged and does nothing) and given back when applying it failed, so the sender's retry is applied.
 */
export async function recordSignedDelivery(
  ctx: DeliveryCtx,
  siteId: string,
  webhookId: string,
  report: DeliveryReport,
): Promise<void> {
  const key = `webhook-id:${webhookId}`;
  if (!(await ctx.inbound.claim(siteId, key, ctx.clock()))) return;
  try {
    await recordDelivery(ctx, siteId, report);
    await ctx.inbound.record(siteId, key, 'delivery');
  } catch (error) {
    await ctx.inbound
      .release(siteId, key)
      .catch(() => ctx.logger.warn('delivery webhook claim not released; a retry is applied once it goes stale'));
    throw error;
  }
}

export async function recordDelivery(
  ctx: Omit<DeliveryCtx, 'inbound'>,
  siteId: string,
  report: DeliveryReport,
): Promise<void> {
  if (!(report.status in DELIVERY_STAGE)) return;
  const from = deliveryStatusesBefore(report.status);
  const changed =
    'providerMessageId' in report
      ? await ctx.outbox.setDeliveryStatus(siteId, report.providerMessageId, report.status, from)
      : await ctx.outbox.setDeliveryStatusById(report.id, siteId, report.status, from);
  for (const message of changed) {
    if (!message.consentId || !LOGGED_SMS_KINDS.includes(message.kind)) continue;
    const logged = await appendConsentLeaf(ctx, message.consentId, {
      type: 'delivery',
      at: ctx.clock(),
      details: {
        messageId: message.id,
        ...(message.providerMessageId ? { providerMessageId: message.providerMessageId } : {}),
        status: report.status.slice(0, 40),
      },
    });
    if (!logged) ctx.logger.warn('delivery report not logged on its consent', { messageId: message.id });
  }
}

/** The site a queued message belongs to, or null when the outbox has no such message. */
export async function siteOfMessage(ctx: Pick<DomainContext, 'outbox'>, id: string): Promise<string | null> {
  return (await ctx.outbox.byId(id))?.siteId ?? null;
}
