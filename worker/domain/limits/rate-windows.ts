// Rate limits against SMS pumping and guessing: fixed windows stored in the database (shared by every process),
// answering 429 problem+json with Retry-After.
import type { SQL } from 'drizzle-orm';
import type { Statement } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';

export interface Limit {
  key: string;
  limit: number;
  windowMs: number;
  /** The field or scope named in the problem (e.g. "phone"). */
  scope?: string;
}

function windowOf(now: number, windowMs: number) {
  const start = Math.floor(now / windowMs) * windowMs;
  return { id: start, end: start + windowMs };
}

/** The 429 for `limit`, whose window ends at `until`, with Retry-After in seconds. */
export function rateLimited(limit: Limit, until: number, now: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((until - now) / 1000));
  return new AppError('rate_limited', 429, `Too many attempts; try again in ${retryAfter} seconds.`, {
    headers: { 'Retry-After': String(retryAfter) },
    errors: [
      {
        path: limit.scope ?? '(request)',
        message: `At most ${limit.limit} per ${Math.round(limit.windowMs / 60_000)} minutes.`,
      },
    ],
    extensions: { retryAfter },
  });
}

/** Throws the 429 naming the first of `limits` whose new count is over it, with Retry-After in seconds. */
function throwIfExceeded(limits: Limit[], windows: { end: number }[], counts: number[], now: number): void {
  const exceeded = limits.findIndex((l, i) => counts[i]! > l.limit);
  if (exceeded === -1) return;
  throw rateLimited(limits[exceeded]!, windows[exceeded]!.end, now);
}

const countersOf = (limits: Limit[], now: number) => {
  const windows = limits.map((l) => windowOf(now, l.windowMs));
  const counters = limits.map((l, i) => ({
    key: `${l.key}:${windows[i]!.id}`,
    expiresAt: windows[i]!.end,
    limit: l.limit,
  }));
  return { windows, counters };
};

/** Counts one hit on every limit at once; throws 429 naming the first exceeded, with Retry-After in seconds. */
export async function enforceLimits(ctx: DomainContext, limits: Limit[]): Promise<void> {
  if (limits.length === 0) return;
  const now = ctx.clock();
  const { windows, counters } = countersOf(limits, now);
  throwIfExceeded(limits, windows, await ctx.limits.hit(counters), now);
}

/** Counts one hit on every limit at once; returns each limit's new count and the end of its window, in order. */
export async function countHits(
  ctx: DomainContext,
  limits: Limit[],
): Promise<{ limit: Limit; count: number; until: number }[]> {
  if (limits.length === 0) return [];
  const { windows, counters } = countersOf(limits, ctx.clock());
  const counts = await ctx.limits.hit(counters);
  return limits.map((limit, i) => ({ limit, count: counts[i]!, until: windows[i]!.end }));
}

/** The hits of `limits` counted inside a caller's own write batch (one commit instead of two). */
export interface BatchedLimits {
  /** To put first in the batch. */
  statements: Statement[];
  /** Holds only while no limit is exceeded: every write of the batch must be guarded by it, so that a limited
   *  request writes nothing but its counters. */
  guard: SQL;
  /** With the batch's results for `statements` (its first results): throws the 429 enforceLimits would have. */
  check(results: unknown[]): void;
}

export function batchedLimits(ctx: DomainContext, limits: Limit[]): BatchedLimits {
  const now = ctx.clock();
  const { windows, counters } = countersOf(limits, now);
  return {
    statements: counters.length ? [ctx.limits.hits(counters)] : [],
    guard: ctx.limits.within(counters),
    check(results) {
      if (counters.length) throwIfExceeded(limits, windows, ctx.limits.countsOf(results[0], counters), now);
    },
  };
}

/** Share of a limit already used in its current window (0..1), for deciding when to ask for a challenge. */
export async function limitUsage(ctx: DomainContext, limit: Limit): Promise<number> {
  const w = windowOf(ctx.clock(), limit.windowMs);
  return (await ctx.limits.peek(`${limit.key}:${w.id}`)) / limit.limit;
}
