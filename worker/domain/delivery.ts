// Delivery reports from a provider (Twilio's status callback, a webhook's report): the message's delivery status,
// only ever for a message of the site the report was signed for. A report that changes the status of a consent's
// own SMS (the confirmation request, the confirmation) is logged on that consent's chain.
import type { DomainContext } from './context.ts';
import { appendConsentLeaf } from './events.ts';

export type DeliveryReport = { providerMessageId: string; status: string } | { id: string; status: string };

/** The outbox kinds whose sending and delivery the consent's log records (marketing sends are not consent facts). */
export const LOGGED_SMS_KINDS: readonly string[] = ['confirm-request', 'confirmed'];

export async function recordDelivery(
  ctx: Pick<DomainContext, 'outbox' | 'random' | 'consents' | 'events' | 'store' | 'clock' | 'logger'>,
  siteId: string,
  report: DeliveryReport,
): Promise<void> {
  const changed =
    'providerMessageId' in report
      ? await ctx.outbox.setDeliveryStatus(siteId, report.providerMessageId, report.status)
      : await ctx.outbox.setDeliveryStatusById(report.id, siteId, report.status);
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
