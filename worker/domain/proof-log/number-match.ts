// "Is this my number?" on a public proof: a yes or no for one number against one proof, never the number itself,
// limited per address and per proof so the page cannot be used to guess numbers.
import { ID_PATTERN, timingSafeEqual } from '../../crypto/tokens.ts';
import { AppError, notFound } from '../../errors.ts';
import { addressKey } from '../limits/opt-in.ts';
import type { DomainContext } from '../context.ts';
import { enforceLimits } from '../limits/rate-windows.ts';
import { normalisePhone } from '../consent/phone.ts';
import { loadSite } from '../site/sites.ts';

const CONSENT_ID = ID_PATTERN;

export async function proofMatches(
  ctx: DomainContext,
  consentId: string,
  phone: string,
  ip: string | undefined,
): Promise<boolean> {
  await enforceLimits(ctx, [
    // A keyed hash of the address's prefix, never the address (the counters are stored).
    { key: `match-ip:${await addressKey(ctx, 'proofs', ip)}`, limit: 30, windowMs: 3_600_000 },
    { key: `match-proof:${consentId.slice(0, 22)}`, limit: 10, windowMs: 3_600_000 },
  ]);
  const consent = CONSENT_ID.test(consentId) ? await ctx.consents.byId(consentId) : null;
  if (!consent) throw notFound('No proof with this id.');
  const [site, subject] = await Promise.all([loadSite(ctx, consent.siteId), ctx.subjects.byId(consent.subjectId)]);
  let candidate = '';
  try {
    candidate = await ctx.sealer.blindIndex(site.id, normalisePhone(phone, site.config.defaultCountry).e164);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    candidate = '0'.repeat(64); // an invalid number simply does not match; same work, same answer time
  }
  return Boolean(subject && !subject.erasedAt) && timingSafeEqual(candidate, subject?.phoneIndex ?? '');
}
