// Delivery reports from a provider (Twilio's status callback, a webhook's report): the message's delivery status,
// only ever for a message of the site the report was signed for.
import type { DomainContext } from './context.ts';

export type DeliveryReport = { providerMessageId: string; status: string } | { id: string; status: string };

export async function recordDelivery(ctx: Pick<DomainContext, 'outbox'>, siteId: string, report: DeliveryReport): Promise<void> {
  if ('providerMessageId' in report) await ctx.outbox.setDeliveryStatus(siteId, report.providerMessageId, report.status);
  else await ctx.outbox.setDeliveryStatusById(report.id, siteId, report.status);
}

/** The site a queued message belongs to, or null when the outbox has no such message. */
export async function siteOfMessage(ctx: Pick<DomainContext, 'outbox'>, id: string): Promise<string | null> {
  return (await ctx.outbox.byId(id))?.siteId ?? null;
}
