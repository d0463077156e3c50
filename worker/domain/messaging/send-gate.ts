// The send gate: may this site text this number now? Only a confirmed, current, unsuppressed consent says yes; or an
// imported one (declared by the site owner, never proven) while the site allows it, until its deadline (config imports).
// Numbers arrive in bodies; answers name the subscriber by its opaque id and a masked number, never the number.
import type { GateFacts, GateView } from '../../db/gate-reads.ts';
import { AppError, notFound } from '../../errors.ts';
import { proofUrl } from '../consent/lifecycle.ts';
import { erasedMark } from '../subscribers/erased-mark.ts';
import { retainedUntil } from '../subscribers/last-contact.ts';
import type { DomainContext } from '../context.ts';
import { normalisePhone } from '../consent/phone.ts';
import { assertGatePurpose } from '../policies/versions.ts';
import type { Site } from '../site/sites.ts';
import { importsStanding } from '../site/config.ts';
import { ID_PATTERN } from '../../crypto/tokens.ts';

export type GateStatus = 'none' | 'pending' | 'confirmed' | 'withdrawn' | 'expired' | 'erased' | 'imported';
export type GateReason =
  | 'no-consent'
  | 'not-confirmed'
  | 'withdrawn'
  | 'expired'
  | 'erased'
  | 'suppressed'
  | 'renewal-required'
  | 'purpose-not-covered'
  | 'import-not-allowed'
  | 'import-expired';

export interface GateAnswer {
  /** Opaque and stable for this number on this site; null when the site never saw the number. */
  subscriberId: string | null;
  maskedPhone: string;
  status: GateStatus;
  canSend: boolean;
  /** Why not, when canSend is false. */
  reason?: GateReason;
  proofUrl: string | null;
  renewalRequired: boolean;
  suppressed: boolean;
  /**
   * The day the number is erased at the latest, unless its subscriber initiates a contact before (a reply, a click on
   * their link): the last such contact plus the site's `retention.lastContactDays`. Null for a number not kept.
   */
  retainedUntil: string | null;
  /** Only for the existing-customer exception (article L34-5 CPCE): its basis and the one purpose it allows. */
  basis?: 'existing_customer';
  purpose?: string;
}

/** A subscriber id is the subject's random row id (22 URL-safe characters): it says nothing of the number. */
export const SUBSCRIBER_ID = ID_PATTERN;

/**
 * An existing customer's record allows its own purpose only (article L34-5 CPCE: the seller's own similar products
 * or services): a send that names no purpose, or another, is refused. A consent covers every purpose of its policy.
 */
const purposeCovered = (view: GateFacts | null, purpose: string | undefined) =>
  view?.basis !== 'existing_customer' || (purpose !== undefined && purpose === view.purpose);

/**
 * `imports`: whether the site may text its imported numbers now (importsStanding). An imported number stays `imported`
 * until a re-permission campaign confirms or ends it; past the deadline the gate says `import-expired`.
 */
function judge(
  view: GateFacts | null,
  suppressedUnknown: boolean,
  imports: ReturnType<typeof importsStanding>,
  purpose?: string,
) {
  const suppressed = view ? Boolean(view.suppressed) : suppressedUnknown;
  const status: GateStatus = view?.erasedAt ? 'erased' : (view?.status ?? 'none');
  const renewalRequired = Boolean(view?.renewalRequired);
  const covered = purposeCovered(view, purpose);
  const inForce = status === 'confirmed' || (status === 'imported' && imports === 'allowed');
  const canSend = inForce && !suppressed && !renewalRequired && covered;
  const reason: GateReason | undefined = canSend
    ? undefined
    : suppressed && status === 'imported'
      ? 'suppressed'
      : status === 'imported'
        ? imports === 'expired'
          ? 'import-expired'
          : imports === 'not-allowed'
            ? 'import-not-allowed'
            : 'renewal-required'
        : status === 'confirmed'
          ? suppressed
            ? 'suppressed'
            : renewalRequired
              ? 'renewal-required'
              : 'purpose-not-covered'
          : status === 'none'
            ? suppressed
              ? 'suppressed'
              : 'no-consent'
            : status === 'pending'
              ? 'not-confirmed'
              : status;
  return { status, canSend, suppressed, renewalRequired, ...(reason ? { reason } : {}) };
}

/** `masked`: the masked number, computed only for a number the site never saw (a known one has it stored). */
function answer(
  ctx: DomainContext,
  site: Site,
  view: GateView | null,
  masked: () => string,
  suppressedUnknown = false,
  purpose?: string,
): GateAnswer {
  const { status, canSend, reason, renewalRequired, suppressed } = judge(
    view,
    suppressedUnknown,
    importsStanding(site.config, ctx.clock()),
    purpose,
  );
  return {
    subscriberId: view?.subjectId ?? null,
    maskedPhone: view?.masked ?? masked(),
    status,
    canSend,
    ...(reason ? { reason } : {}),
    proofUrl: view?.consentId ? proofUrl(ctx, view.consentId) : null,
    renewalRequired,
    suppressed,
    retainedUntil:
      view && !view.erasedAt ? new Date(retainedUntil(site.config, view.lastContactAt)).toISOString() : null,
    ...(view?.basis === 'existing_customer' && view.purpose
      ? { basis: 'existing_customer' as const, purpose: view.purpose }
      : {}),
  };
}

/** POST …/subscribers/lookup: the gate for one number. An unknown number is a 200 with status "none". */
export async function lookupSubscriber(
  ctx: DomainContext,
  site: Site,
  rawPhone: string,
  purpose?: string,
): Promise<GateAnswer> {
  if (purpose !== undefined) await assertGatePurpose(ctx, site.id, purpose);
  const phone = normalisePhone(rawPhone, site.config.defaultCountry);
  const index = await ctx.sealer.blindIndex(site.id, phone.e164);
  const view = await ctx.subjects.gateView(site.id, index);
  // A number the site does not know may be one it erased: its suppression is a mark shared with many (erased-mark.ts).
  const suppressedUnknown = view ? false : await ctx.subjects.isSuppressed(site.id, index, erasedMark(index));
  return answer(ctx, site, view, phone.mask, suppressedUnknown, purpose);
}

/** GET …/subscribers/{subscriberId}: the same answer; 404 unless the id is one of this site's subscribers. */
export async function subscriberById(ctx: DomainContext, site: Site, subscriberId: string): Promise<GateAnswer> {
  const view = SUBSCRIBER_ID.test(subscriberId) ? await ctx.subjects.gateViewById(site.id, subscriberId) : null;
  if (!view) throw notFound('No subscriber with this id for this site.');
  return answer(ctx, site, view, () => view.masked);
}

export interface BulkResult {
  canSend: boolean;
  status: GateStatus | 'invalid';
  reason?: GateReason;
}

export const MAX_BULK = 1000;

/**
 * POST …/subscribers/check: the gate for up to 1,000 numbers, answered in the order given, with one read of the
 * store. A number that cannot be parsed is `status: "invalid"` in its place rather than failing the batch.
 */
export async function checkSubscribers(
  ctx: DomainContext,
  site: Site,
  phones: string[],
  purpose?: string,
): Promise<BulkResult[]> {
  if (phones.length > MAX_BULK) throw new AppError('validation_failed', 422, `At most ${MAX_BULK} numbers per check.`);
  if (purpose !== undefined) await assertGatePurpose(ctx, site.id, purpose);
  // Normalised one after another (synchronous work), then indexed in one call: no promise per number.
  const e164s: (string | null)[] = phones.map((raw) => {
    try {
      return normalisePhone(raw, site.config.defaultCountry).e164;
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  });
  const valid = e164s.filter((e164): e164 is string => e164 !== null);
  const validIndexes = await ctx.sealer.blindIndexes(site.id, valid);
  let next = 0;
  const indexes = e164s.map((e164) => (e164 === null ? null : validIndexes[next++]!));
  const known = [...new Set(indexes.filter((i): i is string => i !== null))];
  const views = new Map(
    (known.length ? await ctx.subjects.gateFacts(site.id, known) : []).map((v) => [v.phoneIndex, v]),
  );
  const imports = importsStanding(site.config, ctx.clock());
  return indexes.map((index) => {
    if (index === null) return { canSend: false, status: 'invalid' };
    const { canSend, status, reason } = judge(views.get(index) ?? null, false, imports, purpose);
    return { canSend, status, ...(reason ? { reason } : {}) };
  });
}
