// Where each witness of our policy stands for one site's log, for the console: the last size it cosigned and when,
// its last error, and whether it fell behind (the head has waited longer than an interval and a minute, or it fails).
import type { DomainContext } from '../domain/context.ts';
import type { Witnessing } from './submit.ts';

export interface WitnessStanding {
  name: string;
  url: string | null;
  cosignedSize: number;
  /** ms, or null: never cosigned. */
  cosignedAt: number | null;
  lastError: string | null;
  behind: boolean;
}

export async function witnessStandings(
  ctx: DomainContext,
  w: Witnessing,
  siteId: string,
  head: { size: number; updatedAt: number },
): Promise<WitnessStanding[]> {
  const rows = new Map((await ctx.witness.submissions(siteId)).map((r) => [r.witness, r]));
  const late = ctx.clock() - head.updatedAt > w.intervalMs + 60_000;
  return w.policy.witnesses.map((x) => {
    const row = rows.get(x.name);
    const cosignedSize = row?.cosignedSize ?? 0;
    return {
      name: x.name,
      url: x.url,
      cosignedSize,
      cosignedAt: row?.cosignedAt ?? null,
      lastError: row?.lastError ?? null,
      behind: head.size > 0 && cosignedSize < head.size && (late || (row?.failures ?? 0) > 0),
    };
  });
}
