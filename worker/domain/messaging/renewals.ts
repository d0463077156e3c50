// Renewal instead of silence: after a policy version that changed purposes, recipients or transfers, the owner asks
// each affected, still-confirmed subscriber once, by SMS (inside the sending hours, with the opt-out mention, through
// the outbox like every send), to agree to the new version. Yes is a `renewed` leaf in the consent's own chain; No, or
// no answer by the campaign's deadline, ends the consent (a `withdrawn` leaf). GDPR Art. 7(1) asks that consent be
// provable for what it covers; Art. 13(3) that a new purpose be told before the data serve it.
// A campaign for the audience `imported` asks the numbers brought in from an existing list instead (re-permission):
// Yes is a `confirmed` leaf that turns the owner's declaration into a consent proven by the subscriber; No, or
// silence until the deadline, ends it.
import type { Statement } from '../../db/client.ts';
import type { ConsentRow } from '../../db/consents.ts';
import type { RenewalCampaignRow, RenewalRequestRow } from '../../db/renewals.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import { nextAllowedSendTime } from '../../sms/quiet-hours.ts';
import { systemMessage } from '../../sms/template.ts';
import type { DomainContext } from '../context.ts';
import { consentChange } from '../proof-log/events.ts';
import { quietHoursOf } from '../site/config.ts';
import { loadSite, type Site } from '../site/sites.ts';

const DAY = 86_400_000;
export const RENEWAL_DEADLINE_DAYS = { min: 7, max: 60, default: 30 } as const;

export type RenewalAudience = 'renewal' | 'imported';

export interface RenewalProgress {
  id: string;
  audience: RenewalAudience;
  policyVersion: number;
  createdAt: string;
  sendAt: string;
  deadline: string;
  closedAt: string | null;
  /** False while its start is incomplete (cut short): starting again for the same version resumes it. */
  started: boolean;
  /** Subscribers asked (one SMS each). */
  asked: number;
  answers: { renewed: number; declined: number; lapsed: number; ended: number; waiting: number };
  sms: { queued: number; sent: number; failed: number; cancelled: number };
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function renewalProgress(ctx: DomainContext, campaign: RenewalCampaignRow): Promise<RenewalProgress> {
  const [counts, sms] = await Promise.all([ctx.renewals.counts(campaign.id), ctx.renewals.smsCounts(campaign)]);
  const by = (rows: { status: string; count: number }[], status: string) =>
    Number(rows.find((r) => r.status === status)?.count ?? 0);
  const answers = {
    renewed: by(counts, 'renewed'),
    declined: by(counts, 'declined'),
    lapsed: by(counts, 'lapsed'),
    ended: by(counts, 'ended'),
    waiting: by(counts, 'asked'),
  };
  return {
    id: campaign.id,
    audience: campaign.audience,
    policyVersion: campaign.policyVersion,
    createdAt: iso(campaign.createdAt),
    sendAt: iso(campaign.sendAt),
    deadline: iso(campaign.deadline),
    closedAt: campaign.closedAt === null ? null : iso(campaign.closedAt),
    started: campaign.startedAt !== null,
    asked: Object.values(answers).reduce((a, b) => a + b, 0),
    answers,
    sms: {
      queued: by(sms, 'queued'),
      sent: by(sms, 'sent'),
      failed: by(sms, 'failed'),
      cancelled: by(sms, 'cancelled'),
    },
  };
}

/** Renewal SMS per hour and site when the configuration says nothing (`limits.renewalsPerHour`). */
export const RENEWALS_PER_HOUR_DEFAULT = 1000;
const HOUR = 3_600_000;

/**
 * Starts a campaign for the latest published version: one request and one SMS per confirmed, unsuppressed consent
 * that version flagged for renewal. A second campaign for the same version while one is open is a 409. A start cut
 * short (a crash, a storage fault between its batches) is resumed by the next start for that version: the same
 * campaign, deadline and links, every request and SMS written once (their ids and the unique request per consent make
 * the rewrite a no-op), until its last batch marks it started.
 */
export async function startRenewal(
  ctx: DomainContext,
  site: Site,
  options: { deadlineDays?: number; audience?: RenewalAudience } = {},
): Promise<RenewalProgress> {
  const audience = options.audience ?? 'renewal';
  const version = await ctx.policies.latestVersion(site.id);
  if (version === null) throw new AppError('no_policy', 409, 'The site has no published policy.');
  const open = await ctx.renewals.openFor(site.id, version, audience);
  if (open && open.startedAt !== null)
    throw new AppError('renewal_running', 409, `A ${audience} campaign for policy version ${version} is running.`, {
      errors: [{ path: '(body)', message: `Campaign ${open.id} runs until ${iso(open.deadline)}.` }],
    });
  let campaign = open;
  if (!campaign) {
    const now = ctx.clock();
    const sendAt = nextAllowedSendTime(new Date(now), quietHoursOf(site.config)).getTime();
    const days = options.deadlineDays ?? RENEWAL_DEADLINE_DAYS.default;
    campaign = {
      id: newId(ctx.random, ctx.clock()),
      siteId: site.id,
      policyVersion: version,
      createdAt: now,
      sendAt,
      // Counted from when the SMS can go, so quiet hours never shorten the time to answer.
      deadline: sendAt + days * DAY,
      closedAt: null,
      startedAt: null,
      audience,
    };
    await ctx.store.batch([ctx.renewals.insertCampaign(campaign)]);
  }
  const queued = await queueRenewals(ctx, site, campaign);
  // Inside the sending hours the messages go now; outside, at the jobs' tick once sendAt has come.
  if (queued > 0 && campaign.sendAt <= ctx.clock()) ctx.onQueued();
  return renewalProgress(ctx, { ...campaign, startedAt: campaign.startedAt ?? ctx.clock() });
}

/**
 * Writes a campaign's requests and SMS, page by page, then marks it started. The SMS are spread so that no hour holds
 * more than the site's `limits.renewalsPerHour` (each hour's share starts inside the sending hours); the spread
 * follows the consents' order, so a resumed start gives each SMS the time the first one did.
 */
async function queueRenewals(ctx: DomainContext, site: Site, campaign: RenewalCampaignRow): Promise<number> {
  const now = ctx.clock();
  const perHour = site.config.limits.renewalsPerHour ?? RENEWALS_PER_HOUR_DEFAULT;
  const quiet = quietHoursOf(site.config);
  let slot = campaign.sendAt;
  let inSlot = 0;
  let queued = 0;
  // The deadline as each language writes it, formatted once per language (a formatter costs ~0.2 ms to build).
  const deadlines = new Map<string, string>();
  const deadlineText = (locale: string) => {
    let text = deadlines.get(locale);
    if (text === undefined) {
      text = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: site.config.timezone }).format(
        campaign.deadline,
      );
      deadlines.set(locale, text);
    }
    return text;
  };
  let after = '';
  for (;;) {
    const status = campaign.audience === 'imported' ? 'imported' : 'confirmed';
    const page = await ctx.consents.pageByStatus(site.id, status, after, 200);
    if (page.length === 0) break;
    after = page[page.length - 1]!.consentId;
    const statements: Statement[] = [];
    for (const row of page) {
      if ((campaign.audience === 'renewal' && !row.renewalRequired) || row.suppressed || !row.wrappedKey) continue;
      if (inSlot === perHour) {
        slot = nextAllowedSendTime(new Date(slot + HOUR), quiet).getTime();
        inSlot = 0;
      }
      inSlot++;
      const token = newToken(ctx.random);
      const request: RenewalRequestRow = {
        id: newId(ctx.random, ctx.clock()),
        campaignId: campaign.id,
        siteId: site.id,
        consentId: row.consentId,
        tokenHash: await sha256Hex(token),
        status: 'asked',
        createdAt: now,
        answeredAt: null,
      };
      const body = systemMessage(campaign.audience === 'imported' ? 'repermission' : 'renewal', row.locale, {
        program: site.config.program.name,
        url: `${ctx.publicUrl}/r/${token}`,
        deadline: deadlineText(row.locale),
        shortCode: site.config.program.shortCode,
      });
      statements.push(
        ctx.renewals.insertRequest(request),
        // One SMS per subscriber and campaign, whatever retries the start: its id derives from both.
        ctx.outbox.enqueueOnce({
          id: (await sha256Hex(`renewal|${campaign.id}|${row.consentId}`)).slice(0, 32),
          siteId: site.id,
          subjectId: row.subjectId,
          consentId: row.consentId,
          kind: 'renewal',
          campaignId: campaign.id,
          bodyCiphertext: await ctx.sealer.seal(row.wrappedKey, row.subjectId, body),
          status: 'queued',
          nextAttemptAt: slot,
          createdAt: now,
        }),
      );
      queued++;
    }
    if (statements.length > 0) await ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
  if (campaign.startedAt === null) await ctx.store.batch([ctx.renewals.markStarted(campaign.id, ctx.clock())]);
  return queued;
}

/** The jobs: renewal starts cut short a minute ago or more are finished (see startRenewal). Returns how many. */
export async function resumeRenewalStarts(ctx: DomainContext, olderThanMs = 60_000): Promise<number> {
  const cut = await ctx.renewals.unstarted(ctx.clock() - olderThanMs, 5);
  for (const campaign of cut) {
    const queued = await queueRenewals(ctx, await loadSite(ctx, campaign.siteId), campaign);
    if (queued > 0 && campaign.sendAt <= ctx.clock()) ctx.onQueued();
  }
  return cut.length;
}

export async function renewalCampaign(ctx: DomainContext, site: Site, id: string): Promise<RenewalProgress> {
  const campaign = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await ctx.renewals.campaign(site.id, id) : null;
  if (!campaign) throw notFound('No renewal campaign with this id for this site.');
  return renewalProgress(ctx, campaign);
}

export async function renewalCampaigns(ctx: DomainContext, site: Site): Promise<RenewalProgress[]> {
  return Promise.all((await ctx.renewals.campaigns(site.id)).map((c) => renewalProgress(ctx, c)));
}

export interface RenewalView {
  request: RenewalRequestRow;
  campaign: RenewalCampaignRow;
  consent: ConsentRow;
  /** The new version's summary in the consent's language (what the renewal page shows). */
  summary: string;
}

/** What a renewal link names, or null for an unknown token. */
export async function renewalByToken(ctx: DomainContext, token: string): Promise<RenewalView | null> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return null;
  const request = await ctx.renewals.byTokenHash(await sha256Hex(token));
  if (!request) return null;
  const [campaign, consent] = await Promise.all([
    ctx.renewals.campaignById(request.campaignId),
    ctx.consents.byId(request.consentId),
  ]);
  if (!campaign || !consent) return null;
  const policy = await ctx.policies.get(campaign.siteId, campaign.policyVersion, consent.locale);
  return { request, campaign, consent, summary: policy?.summary ?? '' };
}

export type RenewalOutcome = 'renewed' | 'declined' | 'lapsed' | 'ended';

/**
 * The subscriber's answer (a POST from the renewal page). Yes: a `renewed` leaf citing the new version and its hash in
 * the consent's language, the renewal flag cleared; No: the consent ends. After the deadline, or once the consent
 * ended otherwise (STOP), the answer changes nothing and says so. Idempotent: a second answer reports the first.
 */
export async function answerRenewal(
  ctx: DomainContext,
  view: RenewalView,
  choice: 'yes' | 'no',
): Promise<RenewalOutcome> {
  const { request, campaign } = view;
  if (request.status !== 'asked') return request.status as RenewalOutcome;
  const now = ctx.clock();
  if (now >= campaign.deadline || campaign.closedAt !== null) return 'lapsed';
  const asked = askedStatus(campaign);
  for (let attempt = 0; attempt < 5; attempt++) {
    const consent = attempt === 0 ? view.consent : await ctx.consents.byId(request.consentId);
    if (consent?.status !== asked) {
      await ctx.store.batch([ctx.renewals.answer(request.id, 'ended', now)]);
      return 'ended';
    }
    const result =
      choice === 'yes'
        ? asked === 'imported'
          ? await confirmImported(ctx, consent, campaign, now)
          : await renew(ctx, consent, campaign, now)
        : await endConsent(ctx, consent, campaign, 'renewal-declined', now);
    const [, ...rest] = await ctx.store.batch([
      ...(result.statements as [Statement, ...Statement[]]),
      ctx.renewals.answer(request.id, choice === 'yes' ? 'renewed' : 'declined', now, result.guard),
      ctx.consents.row(consent.id),
    ]);
    const after = (rest.at(-1) as ConsentRow[])[0];
    if (after?.lastOpId === result.opId) return choice === 'yes' ? 'renewed' : 'declined';
  }
  throw new AppError('conflict', 409, 'The consent kept changing; try again.');
}

/** The status a campaign's consents are in while asked: confirmed (a renewal) or imported (a re-permission). */
const askedStatus = (campaign: RenewalCampaignRow) => (campaign.audience === 'imported' ? 'imported' : 'confirmed');

async function campaignPolicy(ctx: DomainContext, consent: ConsentRow, campaign: RenewalCampaignRow) {
  const policy =
    (await ctx.policies.get(campaign.siteId, campaign.policyVersion, consent.locale)) ??
    (await ctx.policies.versionLocales(campaign.siteId, campaign.policyVersion))[0];
  if (!policy) throw new Error(`policy version ${campaign.policyVersion} of ${campaign.siteId} is missing`);
  return policy;
}

/**
 * Yes from an imported number: the subscriber confirms, from the link sent to the number, what the owner only
 * declared. A `confirmed` leaf in the imported consent's chain (the campaign and the policy version agreed to), and
 * the consent is `confirmed` from then on, proven like any double opt-in.
 */
async function confirmImported(ctx: DomainContext, consent: ConsentRow, campaign: RenewalCampaignRow, now: number) {
  const policy = await campaignPolicy(ctx, consent, campaign);
  return consentChange(ctx, consent, {
    from: ['imported'],
    set: {
      status: 'confirmed',
      confirmedAt: now,
      confirmMethod: 'link',
      renewalRequired: false,
      renewedVersion: campaign.policyVersion,
    },
    event: 'confirmed',
    at: now,
    details: {
      method: 'link',
      // The link went to the number by SMS; the import had no request device to compare with.
      sameDeviceAsRequest: false,
      campaignId: campaign.id,
      policyVersion: campaign.policyVersion,
      policySha256: policy.sha256,
    },
  });
}

async function renew(ctx: DomainContext, consent: ConsentRow, campaign: RenewalCampaignRow, now: number) {
  const policy = await campaignPolicy(ctx, consent, campaign);
  return consentChange(ctx, consent, {
    from: ['confirmed'],
    set: { renewalRequired: false, renewedVersion: campaign.policyVersion },
    event: 'renewed',
    at: now,
    details: {
      policyVersion: campaign.policyVersion,
      policySha256: policy.sha256,
      method: 'link',
      campaignId: campaign.id,
    },
  });
}

function endConsent(
  ctx: DomainContext,
  consent: ConsentRow,
  campaign: RenewalCampaignRow,
  method: 'renewal-declined' | 'renewal-lapsed',
  now: number,
) {
  return consentChange(ctx, consent, {
    from: [askedStatus(campaign)],
    set: { status: 'withdrawn', withdrawnAt: now, withdrawMethod: method, withdrawKeyword: null },
    event: 'withdrawn',
    at: now,
    details: { method, campaignId: campaign.id },
  });
}

/**
 * The jobs: campaigns past their deadline end every consent that did not answer and is still waiting for renewal
 * (silence is not consent: GDPR recital 32), then close. Bounded per call; returns how many consents ended.
 */
export async function closeDueRenewals(ctx: DomainContext, limit = 200): Promise<number> {
  let ended = 0;
  for (const campaign of await ctx.renewals.due(ctx.clock(), 5)) {
    const waiting = await ctx.renewals.waiting(campaign.id, '', limit);
    for (const request of waiting) {
      const now = ctx.clock();
      const consent = await ctx.consents.byId(request.consentId);
      // Renewed (or confirmed) since through a later campaign, or ended otherwise: nothing to end.
      const stillAsked =
        campaign.audience === 'imported'
          ? consent?.status === 'imported'
          : consent?.status === 'confirmed' && consent.renewalRequired;
      if (!consent || !stillAsked) {
        await ctx.store.batch([ctx.renewals.answer(request.id, 'ended', now)]);
        continue;
      }
      const change = await endConsent(ctx, consent, campaign, 'renewal-lapsed', now);
      await ctx.store.batch([
        ...(change.statements as [Statement, ...Statement[]]),
        ctx.renewals.answer(request.id, 'lapsed', now, change.guard),
      ]);
      ended++;
    }
    if (waiting.length < limit) await ctx.store.batch([ctx.renewals.close(campaign.id, ctx.clock())]);
  }
  return ended;
}
