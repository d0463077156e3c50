// Development's reply box: an inbound message signed as a provider would sign it (Standard Webhooks), with the
// site's inbound secret; a site without one gets one generated and saved first.
import { newId } from '../../crypto/tokens.ts';
import { formatWebhookSecret, signWebhook, type WebhookSignatureHeaders } from '../../sms/signatures.ts';
import type { DomainContext } from '../context.ts';
import { loadSite, replaceSiteConfig } from '../site/sites.ts';

export interface SignedReply {
  siteId: string;
  /** JSON `{from, body, messageId}`, as POST /v1/sites/{site}/inbound/generic reads it. */
  body: string;
  headers: WebhookSignatureHeaders;
}

export async function signedDevReply(
  ctx: DomainContext,
  siteId: string,
  reply: { from: string; body: string },
): Promise<SignedReply> {
  let site = await loadSite(ctx, siteId);
  if (!site.config.inboundSecret) {
    await replaceSiteConfig(ctx, site, { ...site.config, inboundSecret: formatWebhookSecret(ctx.random(32)) });
    site = await loadSite(ctx, site.id);
  }
  const body = JSON.stringify({
    from: reply.from.slice(0, 40),
    body: reply.body.slice(0, 2000),
    messageId: `dev-${newId(ctx.random, ctx.clock())}`,
  });
  const headers = await signWebhook({
    secret: site.config.inboundSecret!,
    id: `msg_${newId(ctx.random, ctx.clock())}`,
    timestamp: ctx.clock() / 1000,
    body,
  });
  return { siteId: site.id, body, headers };
}
