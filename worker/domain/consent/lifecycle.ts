// The consent lifecycle: request (double opt-in), confirm, withdraw, expire. Every change is one atomic batch:
// the compare-and-set on the consent, its event and log leaf, and any outbox message.
import { storeKey, type Statement } from '../../db/client.ts';
import type { ConsentRow } from '../../db/consents.ts';
import type { SubjectRow } from '../../db/subjects.ts';
import { storageFault } from '../../db/faults.ts';
import { AppError, StorageUnavailable } from '../../errors.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import { systemMessage } from '../../sms/template.ts';
import type { DomainContext } from '../context.ts';
import { consentChange, newEvent } from '../proof-log/events.ts';
import { normalisePhone, type NormalisedPhone } from './phone.ts';
import { allowedCountries } from '../site/config.ts';
import { guardAbuse, guardDecline, guardNumber, numberWindowStart, type ChallengePolicy } from '../limits/opt-in.ts';
import { batchedLimits, enforceLimits, type Limit } from '../limits/rate-windows.ts';
import { browserFamily, pageOriginAndPath, truncateIp } from './client-info.ts';
import { cachedSite, loadSite, plausibleSiteId, siteFromRow, type Site } from '../site/sites.ts';

export { confirmConsent, expireDue, type ConfirmHow, type ConfirmOutcome } from './confirm.ts';
import { servedUnrecorded } from '../site/widget-document.ts';
import type { ConsentRequest } from './request.ts';

export type { ConsentRequest };

export type RequestOutcome =
  | { kind: 'declined' }
  | { kind: 'pending'; consentId: string; expiresAt: number; maskedPhone: string };

const stale = (detail: string, path: string) =>
  new AppError('stale_texts', 409, detail, { errors: [{ path, message: detail }] });

export const proofUrl = (ctx: Pick<DomainContext, 'publicUrl'>, consentId: string) =>
  `${ctx.publicUrl}/proofs/${consentId}`;

// Served texts and published policies never change, so a notice found once is known for good (per database).
const knownNotices = new WeakMap<object, Map<string, string>>();

/** What a sign-up cites of the notice it was shown. */
export type CitedNotice = Pick<ConsentRequest, 'textSha256' | 'policyVersion' | 'locale'>;

function noticesOf(ctx: Pick<DomainContext, 'store'>): Map<string, string> {
  let known = knownNotices.get(storeKey(ctx.store));
  if (!known) knownNotices.set(storeKey(ctx.store), (known = new Map()));
  return known;
}
const noticeKey = (siteId: string, cited: CitedNotice) =>
  `${siteId}|${cited.textSha256}|${cited.locale}|${cited.policyVersion}`;
function rememberNotice(ctx: Pick<DomainContext, 'store'>, key: string, policySha256: string) {
  const known = noticesOf(ctx);
  if (known.size > 10_000) known.clear();
  known.set(key, policySha256);
}

/**
 * The site a sign-up names. In a process that has not read it yet (a cold Workers isolate) its row is read together
 * with the notice the sign-up cites, in one query, and a notice found whole is remembered as `shownNotice` would:
 * a cold sign-up then costs that read, the opt-in's read and its batch, as a warm one costs the last two.
 * `cite` reads the notice from a body not validated yet (asked only when the site is not cached): anything it gets
 * wrong is found again, and answered, by `shownNotice`.
 */
export async function loadSiteForSignUp(
  ctx: DomainContext,
  siteId: string,
  cite: () => Promise<CitedNotice | null>,
): Promise<Site> {
  const cached = cachedSite(ctx, siteId);
  if (cached) return cached;
  if (!plausibleSiteId(siteId)) return loadSite(ctx, siteId);
  const cited = await cite();
  if (!cited || noticesOf(ctx).has(noticeKey(siteId, cited))) return loadSite(ctx, siteId);
  const row = await ctx.sites.getWithNotice(siteId, cited);
  const site = await siteFromRow(ctx, siteId, row?.site ?? null);
  if (row?.policySha256 && row.servedLocale === cited.locale && row.servedPolicyVersion === cited.policyVersion) {
    rememberNotice(ctx, noticeKey(site.id, cited), row.policySha256);
  }
  return site;
}

/** Checks that the visitor was shown texts this server served, for this locale and policy version; returns the
 *  policy's SHA-256. */
async function shownNotice(ctx: DomainContext, site: Site, req: ConsentRequest): Promise<string> {
  const key = noticeKey(site.id, req);
  const hit = noticesOf(ctx).get(key);
  if (hit) return hit;
  // The texts served and the policy they cite, in one query.
  const served = await ctx.policies.notice(site.id, req);
  if (!served || served.locale !== req.locale) {
    // Shown while storage could not record them: the storage fault is the answer (retry), not stale texts (reload).
    if (!served && servedUnrecorded(ctx, site.id, req.textSha256))
      throw new StorageUnavailable('widget texts not recorded');
    throw stale('These texts were not served for this site and locale; reload the form.', 'textSha256');
  }
  if (served.policyVersion !== req.policyVersion) {
    throw stale('The policy version does not match the texts shown; reload the form.', 'policyVersion');
  }
  if (!served.policySha256) throw stale(`Policy version ${req.policyVersion} is not published.`, 'policyVersion');
  rememberNotice(ctx, key, served.policySha256);
  return served.policySha256;
}

/**
 * An opt-in (or a refusal) from the widget or the hosted form. `options.challenge` says whether this path may ask
 * for a challenge response when the limits are near (see ChallengePolicy). On a new pending consent the
 * confirmation SMS is committed to the outbox, and ctx.onQueued sends it on its way.
 */
export async function requestConsent(
  ctx: DomainContext,
  site: Site,
  req: ConsentRequest,
  options: { challenge: ChallengePolicy },
): Promise<RequestOutcome> {
  const policySha256 = await shownNotice(ctx, site, req);
  if (req.choice === 'no') {
    // Nothing personal is kept for a refusal: a counter only (and the rate limits' hashed counters).
    await guardDecline(ctx, site, req.ip);
    // Announced to webhooks as a counter too: the delivery names nobody.
    const now = ctx.clock();
    await ctx.store.batch([
      ctx.sites.countDecline(site.id),
      ctx.webhooks.fanOutDecline(site.id, newId(ctx.random, now), now),
    ]);
    return { kind: 'declined' };
  }
  // Every attempt is counted once against the limits: in the opt-in's own batch (one commit), or alone when the
  // request fails before that batch (a 429 from the counters then comes before the request's own error).
  const counting: Counting = { limits: await guardAbuse(ctx, site, req, options.challenge), counted: false };
  const phone = await countedOnError(ctx, counting, async () => {
    const phone = normalisePhone(req.phone, req.country ?? site.config.defaultCountry);
    if (!allowedCountries(site.config).includes(phone.country)) {
      throw new AppError('country_not_allowed', 422, `Numbers from ${phone.country} are not accepted by this site.`, {
        errors: [{ path: 'phone', message: 'This country is not accepted.' }],
      });
    }
    return phone;
  });
  const phoneIndex = await ctx.sealer.blindIndex(site.id, phone.e164);
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await requestOnce(ctx, site, req, phone, phoneIndex, policySha256, counting);
      if (outcome.kind === 'pending') ctx.onQueued();
      return outcome;
    } catch (error) {
      // A concurrent first request for the same number wins the subject insert: retry once as a known subject.
      // (Storage faults are not retried: the store is failing, and the visitor is told to retry.)
      if (attempt >= 2 || error instanceof AppError || storageFault(error)) throw error;
    }
  }
}

/** The limits of one opt-in attempt, and whether a committed batch has counted them already (a retry does not). */
interface Counting {
  limits: Limit[];
  counted: boolean;
}

/** Runs `work`; when it throws before the opt-in's batch counted the attempt, counts it alone first. */
async function countedOnError<T>(ctx: DomainContext, counting: Counting, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!counting.counted && !storageFault(error)) {
      counting.counted = true;
      await enforceLimits(ctx, counting.limits);
    }
    throw error;
  }
}

async function requestOnce(
  ctx: DomainContext,
  site: Site,
  req: ConsentRequest,
  phone: NormalisedPhone,
  phoneIndex: string,
  policySha256: string,
  counting: Counting,
): Promise<RequestOutcome> {
  const { e164, country } = phone;
  const now = ctx.clock();
  const expiresAt = now + site.config.pendingTtlHours * 3_600_000;
  // The attempt's counters go first in the batch; every personal write is guarded by them being within the limits.
  const limited = counting.counted ? null : batchedLimits(ctx, counting.limits);
  const guard = limited?.guard;
  const statements: Statement[] = limited ? [...limited.statements] : [];
  const counters = statements.length;
  // The subject and its recent confirmation messages, in one read.
  const view = await countedOnError(ctx, counting, () =>
    ctx.subjects.forRequest(site.id, phoneIndex, numberWindowStart(ctx)),
  );
  let subject = view?.subject ?? null;
  const token = newToken(ctx.random);
  // The confirmation SMS, sealed under the subject's key with the number when the subject is new (one unwrap).
  const body = systemMessage('confirm-request', req.locale, {
    program: site.config.program.name,
    url: `${ctx.publicUrl}/c/${token}`,
    shortCode: site.config.program.shortCode,
  });
  let bodyCiphertext: string;
  // Reviving an erased subject races other revivals: its consent is written only if this revival's key won.
  const revived = Boolean(subject && !subject.wrappedKey);
  if (!subject?.wrappedKey) {
    const id = subject?.id ?? newId(ctx.random, now);
    const {
      wrappedKey,
      sealed: [phoneCiphertext, sealedBody],
    } = await ctx.sealer.newSubject(id, [e164, body]);
    bodyCiphertext = sealedBody!;
    const fresh: SubjectRow = {
      id,
      siteId: site.id,
      phoneIndex,
      phoneCiphertext: phoneCiphertext!,
      wrappedKey,
      country,
      masked: phone.mask(),
      createdAt: now,
      erasedAt: null,
      // The opt-in is a contact the subscriber initiated: the retention clock starts here.
      lastContactAt: now,
    };
    // A number erased earlier comes back as a new subject key: nothing of the erased data is recoverable.
    statements.push(subject ? ctx.subjects.revive(fresh, guard) : ctx.subjects.insert(fresh, guard));
    subject = fresh;
  } else {
    bodyCiphertext = await ctx.sealer.seal(subject.wrappedKey, subject.id, body);
  }
  const tokenHash = await sha256Hex(token);
  const opId = newId(ctx.random, now);
  if (statements.length === counters) {
    await countedOnError(ctx, counting, () => guardNumber(ctx, site, subject.id, view?.sentSince));
    // A new opt-in by a known number is a contact it initiated: its retention clock starts again.
    statements.push(ctx.subjects.contact(subject.id, now, guard));
  }
  // Every request opens its own consent, even for a number with one pending: answering the pending one's id would
  // hand this requester another request's record (its page, address prefix, browser and, later, its status). The
  // pending one keeps its own link until it expires; each link confirms the request that sent it.
  const consentId = newId(ctx.random, now);
  const changed = ctx.consents.changed(consentId, opId);
  const event = await newEvent(ctx, {
    siteId: site.id,
    consentId,
    type: 'requested',
    at: now,
    prev: null,
    details: {
      method: req.method,
      locale: req.locale,
      policyVersion: req.policyVersion,
      policySha256,
      textSha256: req.textSha256,
      expiresAt: new Date(expiresAt).toISOString(),
    },
  });
  const row: Parameters<typeof ctx.consents.insert>[0] = {
    id: consentId,
    siteId: site.id,
    subjectId: subject.id,
    status: 'pending',
    locale: req.locale,
    policyVersion: req.policyVersion,
    policySha256,
    textSha256: req.textSha256,
    collectionMethod: req.method,
    // Data minimisation: the page without its query or fragment, the browser family, the address's prefix.
    pageUrl: pageOriginAndPath(req.pageUrl),
    ipPrefix: truncateIp(req.ip),
    userAgent: browserFamily(req.userAgent),
    confirmTokenHash: tokenHash,
    // Never disclosed: the real unsubscribe token is made at confirmation. Until then a stand-in no token hashes to
    // (a SHA-256 is 64 hex digits), unique as the consent's id and ordered like it, so it enters the index beside
    // the other opt-ins of its commit instead of on a random page of its own.
    unsubscribeTokenHash: `pending:${consentId}`,
    requestedAt: now,
    expiresAt,
    updatedAt: now,
    lastOpId: opId,
    // Born with its first leaf as its chain head (the leaf appended below, in the same batch): no UPDATE after it.
    chainHash: event.leafHash,
  };
  statements.push(
    revived
      ? ctx.consents.insertIfSubjectKey(row, subject.id, subject.wrappedKey!, guard)
      : ctx.consents.insert(row, guard),
  );
  // The event, its leaf and the message follow the consent's change (and so the limits' guard too).
  statements.push(...ctx.events.append(event, changed, { chained: true }));
  statements.push(
    ctx.outbox.enqueue(
      {
        id: newId(ctx.random, now),
        siteId: site.id,
        subjectId: subject.id,
        consentId,
        kind: 'confirm-request',
        bodyCiphertext,
        status: 'queued',
        nextAttemptAt: now,
        createdAt: now,
      },
      changed,
    ),
  );
  // A new consent has a fresh id: nothing can have raced it, unless a concurrent revival won the subject's key.
  const readBack = revived;
  if (readBack) statements.push(ctx.consents.row(consentId));
  const results = await ctx.store.batch(statements as [Statement, ...Statement[]]);
  // Committed: the attempt is counted, whatever follows. Over a limit, the guarded writes wrote nothing: a 429.
  counting.counted = true;
  limited?.check(results);
  const after = readBack ? ((results.at(-1) as ConsentRow[])[0] ?? null) : { lastOpId: opId };
  if (!after || after.lastOpId !== opId) {
    // Another revival of the erased subject won its key: start over as a known subject.
    throw new Error('subject revived concurrently');
  }
  return { kind: 'pending', consentId, expiresAt, maskedPhone: subject.masked };
}

export interface Withdrawal {
  method: 'link' | 'sms' | 'api';
  keyword?: string;
  /** Logged beside the keyword for a withdrawal by SMS: the provider's message id and the SHA-256 of the raw text. */
  evidence?: Record<string, string>;
}

/**
 * Withdraws every pending, confirmed or imported consent of a subject for the site and suppresses the number, in one
 * batch. Its compare-and-set accepts both states, so it wins over a confirm whichever commits first.
 */
export async function withdrawAll(ctx: DomainContext, subject: SubjectRow, how: Withdrawal): Promise<ConsentRow[]> {
  const withdrawn = new Map<string, ConsentRow>();
  // A change loses only to another leaf of the same consent written since the read (a confirmation, an SMS sent):
  // then the consent is read again and withdrawn again, until none is left active. A STOP always ends the chain.
  for (let round = 0; ; round++) {
    const now = ctx.clock();
    const active = await ctx.consents.activeForSubject(subject.id);
    if (active.length === 0 && round > 0) return [...withdrawn.values()];
    if (round >= 20) throw new Error('withdrawal kept losing to concurrent changes');
    const statements: Statement[] = [
      ctx.subjects.suppress(subject.siteId, subject.phoneIndex, `withdrawn:${how.method}`, now),
    ];
    for (const consent of active) {
      withdrawn.set(consent.id, consent);
      const change = await consentChange(ctx, consent, {
        from: ['pending', 'confirmed', 'imported'],
        set: {
          status: 'withdrawn',
          withdrawnAt: now,
          withdrawMethod: how.method,
          withdrawKeyword: how.keyword ?? null,
        },
        event: 'withdrawn',
        at: now,
        details: { method: how.method, ...(how.keyword ? { keyword: how.keyword } : {}), ...how.evidence },
      });
      statements.push(...change.statements);
    }
    await ctx.store.batch(statements as [Statement, ...Statement[]]);
    if (active.length === 0) return [];
  }
}
