// Storage limitation (GDPR Art. 5(1)(e)): numbers with no live consent are erased after the site's retention
// periods, and any number, even subscribed, three years after its last consent change (the CNIL's reference for
// prospects, which every published policy states). Their proofs stay (without the number), and a withdrawn number
// stays suppressed (as a mark shared by many numbers once erased).
import type { DomainContext } from '../context.ts';
import { loadSite } from '../site/sites.ts';
import { eraseSubject } from './rights.ts';
import { MAX_PROSPECT_DAYS } from '../../policy/retention-periods.ts';

const DAY = 86_400_000;

/** Erases dormant subjects of every site; returns how many. Bounded per run; the next run continues. */
export async function applyRetention(ctx: DomainContext, limit = 200): Promise<number> {
  let erased = 0;
  for (const { id } of await ctx.sites.list()) {
    const site = await loadSite(ctx, id);
    const now = ctx.clock();
    const { unconfirmedDays, withdrawnDays } = site.config.retention;
    const neverConfirmed = await ctx.subjects.dormant(id, now - unconfirmedDays * DAY, true, limit - erased);
    for (const subject of neverConfirmed) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += neverConfirmed.length;
    const withdrawn = await ctx.subjects.dormant(id, now - withdrawnDays * DAY, false, limit - erased);
    // Still suppressed if it had withdrawn: the suppression row is kept, and erasure adds none of its own here.
    for (const subject of withdrawn) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += withdrawn.length;
    // The policy's ceiling: "at the latest three years after your last contact with us", subscribed or not.
    const stale = await ctx.subjects.inactive(id, now - MAX_PROSPECT_DAYS * DAY, limit - erased);
    for (const subject of stale) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += stale.length;
    if (erased >= limit) break;
  }
  return erased;
}
