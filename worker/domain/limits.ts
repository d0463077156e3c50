// Rate limits against SMS pumping and guessing: fixed windows stored in the database (shared by every process),
// answering 429 problem+json with Retry-After.
import { AppError } from '../errors.ts';
import type { DomainContext } from './context.ts';

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

/** Counts one hit on every limit at once; throws 429 naming the first exceeded, with Retry-After in seconds. */
export async function enforceLimits(ctx: DomainContext, limits: Limit[]): Promise<void> {
  if (limits.length === 0) return;
  const now = ctx.clock();
  const windows = limits.map((l) => windowOf(now, l.windowMs));
  const counts = await ctx.limits.hit(limits.map((l, i) => ({ key: `${l.key}:${windows[i]!.id}`, expiresAt: windows[i]!.end })));
  const exceeded = limits.findIndex((l, i) => counts[i]! > l.limit);
  if (exceeded === -1) return;
  const limit = limits[exceeded]!;
  const retryAfter = Math.max(1, Math.ceil((windows[exceeded]!.end - now) / 1000));
  throw new AppError('rate_limited', 429, `Too many attempts; try again in ${retryAfter} seconds.`, {
    headers: { 'Retry-After': String(retryAfter) },
    errors: [{ path: limit.scope ?? '(request)', message: `At most ${limit.limit} per ${Math.round(limit.windowMs / 60_000)} minutes.` }],
    extensions: { retryAfter },
  });
}

/** Share of a limit already used in its current window (0..1), for deciding when to ask for a challenge. */
export async function limitUsage(ctx: DomainContext, limit: Limit): Promise<number> {
  const w = windowOf(ctx.clock(), limit.windowMs);
  return (await ctx.limits.peek(`${limit.key}:${w.id}`)) / limit.limit;
}
