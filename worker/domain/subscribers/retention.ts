// Storage limitation (GDPR Art. 5(1)(e)): numbers with no live consent are erased after the site's retention
// periods, and any number, even subscribed, once its subscriber has initiated no contact for `lastContactDays` (three
// years at most: the CNIL's reference for prospects, "trois ans à compter de la fin de la relation commerciale ou du
// dernier contact émanant du prospect", which every published policy states). A contact the subscriber initiated is an
// opt-in, a reply SMS or a click on one of their links (the confirmation page, their own page); an SMS they received is
// not. Their proofs stay (without the number), and a withdrawn number stays suppressed (as a mark shared by many
// numbers once erased).
import type { DomainContext } from '../context.ts';
import { loadSite } from '../site/sites.ts';
import { eraseSubject } from './rights.ts';

const DAY = 86_400_000;

/** Erases dormant subjects of every site; returns how many. Bounded per run; the next run continues. */
export async function applyRetention(ctx: DomainContext, limit = 200): Promise<number> {
  let erased = 0;
  for (const { id } of await ctx.sites.list()) {
    const site = await loadSite(ctx, id);
    const now = ctx.clock();
    const { unconfirmedDays, withdrawnDays, lastContactDays } = site.config.retention;
    const neverConfirmed = await ctx.subjects.dormant(id, now - unconfirmedDays * DAY, true, limit - erased);
    for (const subject of neverConfirmed) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += neverConfirmed.length;
    const withdrawn = await ctx.subjects.dormant(id, now - withdrawnDays * DAY, false, limit - erased);
    // Still suppressed if it had withdrawn: the suppression row is kept, and erasure adds none of its own here.
    for (const subject of withdrawn) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += withdrawn.length;
    // The policy states this period: "at the latest <lastContactDays> after your last contact with us", subscribed or not.
    const stale = await ctx.subjects.inactive(id, now - lastContactDays * DAY, limit - erased);
    for (const subject of stale) await eraseSubject(ctx, subject, { reason: 'retention', suppress: false });
    erased += stale.length;
    if (erased >= limit) break;
  }
  return erased;
}
