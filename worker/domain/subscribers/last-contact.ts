// The retention clock of a number: the last contact its subscriber initiated (an opt-in, a reply SMS, a click on one of
// their links; an SMS they received is not one), and the day the number is erased at the latest (retention.ts).
import type { DomainContext } from '../context.ts';
import type { SiteConfig } from '../site/config.ts';

const DAY = 86_400_000;

/** The subscriber initiated a contact now (a reply, a click on their link): their number's retention starts again. */
export async function recordContact(ctx: DomainContext, subjectId: string): Promise<void> {
  await ctx.store.batch([ctx.subjects.contact(subjectId, ctx.clock())]);
}

/** When a number whose subscriber last initiated a contact at `lastContactAt` is erased at the latest. */
export function retainedUntil(config: Pick<SiteConfig, 'retention'>, lastContactAt: number): number {
  return lastContactAt + config.retention.lastContactDays * DAY;
}
