// Anti-pumping for consent requests: per address and per site counters before any work (for "no" as for "yes"), a
// challenge when they are near, and at most a few confirmation SMS per number in any 24 hours.
import { AppError } from '../../errors.ts';
import type { ConsentRequest } from '../consent/request.ts';
import type { ChallengeVerifier, DomainContext } from '../context.ts';
import { limitPrefix } from '../consent/client-info.ts';
import { enforceLimits, limitUsage, type Limit } from './rate-windows.ts';
import type { Site } from '../site/sites.ts';

export type { ChallengeVerifier };

const DAY = 86_400_000;

/** Where the per-number window of guardNumber starts now. */
export const numberWindowStart = (ctx: Pick<DomainContext, 'clock'>) => ctx.clock() - DAY;
const HOUR = 3_600_000;

/**
 * Whether an opt-in may be asked for a challenge response: 'when-near-limits' (the widget, which renders the
 * challenge), or 'never' (the hosted form: a page without script, guarded by its signed form token instead,
 * http/hosted-form-guard.ts). An explicit choice of every caller, so leaving it out is a type error, not a bypass.
 */
export type ChallengePolicy = 'when-near-limits' | 'never';

/**
 * Anti-pumping: per IP (hourly) and per site (daily) counters, counted for every opt-in attempt; when either is at
 * 80 % and the site has a challenge configured (and the runtime a verifier: ctx.verifyChallenge), a valid challenge
 * response is required first unless `policy` is 'never'. Returns the limits to count: the caller counts them in its
 * own write batch (batchedLimits), or alone (enforceLimits) when it fails before writing anything.
 */
export async function guardAbuse(
  ctx: DomainContext,
  site: Site,
  req: ConsentRequest,
  policy: ChallengePolicy,
): Promise<Limit[]> {
  const { limits, challenge } = site.config;
  const verify = policy === 'when-near-limits' ? ctx.verifyChallenge : undefined;
  const ipLimit = {
    key: `consent-ip:${site.id}:${await addressKey(ctx, site.id, req.ip)}`,
    limit: limits.perIpPerHour,
    windowMs: HOUR,
  };
  const siteLimit = { key: `consent-site:${site.id}`, limit: limits.perSitePerDay, windowMs: DAY };
  if (challenge && verify) {
    const usage = Math.max(await limitUsage(ctx, ipLimit), await limitUsage(ctx, siteLimit));
    if (usage >= 0.8 && !(req.challengeToken && (await verify(site, req.challengeToken, req.ip)))) {
      throw new AppError('challenge_required', 403, 'Please complete the challenge to continue.', {
        errors: [{ path: 'challengeToken', message: 'A valid challenge response is required.' }],
        extensions: { challenge: { provider: challenge.provider, siteKey: challenge.siteKey } },
      });
    }
  }
  return [ipLimit, siteLimit];
}

/**
 * A "no" is limited like a "yes" (per address per hour, per site per day, on counters of its own so refusals
 * never use up the room for opt-ins), and keeps nothing personal either: the counter is all that is written.
 */
export async function guardDecline(ctx: DomainContext, site: Site, ip: string | undefined): Promise<void> {
  const { limits } = site.config;
  await enforceLimits(ctx, [
    { key: `decline-ip:${site.id}:${await addressKey(ctx, site.id, ip)}`, limit: limits.perIpPerHour, windowMs: HOUR },
    { key: `decline-site:${site.id}`, limit: limits.perSitePerDay, windowMs: DAY },
  ]);
}

/**
 * The address as a counter key: a keyed hash (the site's blind-index key) of its limiting prefix, so the counters
 * table holds no address, and a leaked table cannot be reversed by hashing the 2^32 IPv4 addresses.
 */
export async function addressKey(
  ctx: Pick<DomainContext, 'sealer'>,
  scope: string,
  ip: string | undefined,
): Promise<string> {
  const prefix = limitPrefix(ip);
  return prefix === 'unknown' ? prefix : (await ctx.sealer.blindIndex(scope, `ip:${prefix}`)).slice(0, 32);
}

/** At most `perNumberPerDay` confirmation SMS to one number in any 24 hours (counted from the outbox itself). */
/** `sentSince`: the count of confirmation messages in the window when the caller already read it (see numberWindowStart). */
export async function guardNumber(
  ctx: DomainContext,
  site: Site,
  subjectId: string,
  sentSince?: number,
): Promise<void> {
  const since = ctx.clock() - DAY;
  const sent = sentSince ?? (await ctx.outbox.countConfirmRequests(subjectId, since));
  if (sent < site.config.limits.perNumberPerDay) return;
  const oldest = (await ctx.outbox.oldestConfirmRequest(subjectId, since)) ?? ctx.clock();
  const retryAfter = Math.max(1, Math.ceil((oldest + DAY - ctx.clock()) / 1000));
  throw new AppError(
    'rate_limited',
    429,
    `Too many confirmation messages to this number; try again in ${retryAfter} seconds.`,
    {
      headers: { 'Retry-After': String(retryAfter) },
      errors: [
        { path: 'phone', message: `At most ${site.config.limits.perNumberPerDay} confirmation messages per 24 hours.` },
      ],
      extensions: { retryAfter },
    },
  );
}
