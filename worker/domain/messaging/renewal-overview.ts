// What the console's renewal page needs before a start: the live policy version, how many confirmed subscribers must
// renew for it, and whether a campaign for it runs or was cut short while starting (a start resumes it).
import type { RenewalCampaignRow } from '../../db/renewals.ts';
import type { DomainContext } from '../context.ts';
import type { Site } from '../site/sites.ts';
import { audienceOf } from './campaigns.ts';
import { RENEWALS_PER_HOUR_DEFAULT } from './renewals.ts';

export interface RenewalOverview {
  version: number | null;
  /** Confirmed, unsuppressed subscribers flagged for renewal. */
  needed: number;
  open: RenewalCampaignRow | null;
  perHour: number;
}

export async function renewalOverview(ctx: DomainContext, site: Site): Promise<RenewalOverview> {
  const version = await ctx.policies.latestVersion(site.id);
  const perHour = site.config.limits.renewalsPerHour ?? RENEWALS_PER_HOUR_DEFAULT;
  if (version === null) return { version, needed: 0, open: null, perHour };
  const [audience, open] = await Promise.all([audienceOf(ctx, site), ctx.renewals.openFor(site.id, version)]);
  const needed = audience.skipped.find((s) => s.reason === 'renewal_required')?.count ?? 0;
  return { version, needed, open, perHour };
}
