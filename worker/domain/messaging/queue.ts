// The queue, visible: what waits in a site's outbox, per campaign and for transactional messages, until when and why
// (quiet hours, a time the owner chose, a retry after a failure, the renewal rate cap), read from the outbox rows.
import type { DomainContext } from '../context.ts';
import type { Site } from '../site/sites.ts';

export type QueueReason = 'due' | 'sending' | 'retry' | 'rate_cap' | 'scheduled' | 'quiet_hours';

export interface QueueEntry {
  /** The marketing or renewal campaign, or null for transactional messages (confirmations, replies). */
  campaignId: string | null;
  kind: string;
  count: number;
  reason: QueueReason;
  /** The first and last of these messages' next attempt times. */
  from: string;
  until: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function queueView(ctx: DomainContext, site: Site): Promise<QueueEntry[]> {
  const now = ctx.clock();
  const groups = await ctx.campaigns.queue(site.id, now);
  const campaigns = new Map<string, { requestedAt: number | null; scheduledAt: number } | null>();
  const out: QueueEntry[] = [];
  for (const g of groups) {
    let reason: QueueReason;
    if (g.state === 'sending') reason = 'sending';
    else if (g.state === 'retry') reason = 'retry';
    else if (g.state === 'due') reason = 'due';
    else if (g.state === 'capped') reason = 'rate_cap';
    else if (g.kind === 'marketing' && g.campaignId) {
      if (!campaigns.has(g.campaignId)) campaigns.set(g.campaignId, await ctx.campaigns.get(site.id, g.campaignId));
      const c = campaigns.get(g.campaignId);
      // The owner's time, unless the sending hours pushed it later.
      reason = c && c.requestedAt !== null && c.scheduledAt === c.requestedAt ? 'scheduled' : 'quiet_hours';
    } else reason = g.kind === 'marketing' || g.kind === 'renewal' ? 'quiet_hours' : 'scheduled';
    out.push({
      campaignId: g.campaignId,
      kind: g.kind,
      count: g.count,
      reason,
      from: iso(g.first),
      until: iso(g.last),
    });
  }
  return out;
}
