// Marketing campaigns: one rendered template to every confirmed, current, unsuppressed subscriber, through the outbox,
// inside the site's sending hours, now or at a time the owner chose; named, counted, and stoppable. Transactional
// messages (confirmations, replies) never wait for these hours.
import type { Statement } from '../../db/client.ts';
import type { CampaignRow } from '../../db/campaigns.ts';
import { notFound } from '../../errors.ts';
import { sha256Hex, newId } from '../../crypto/tokens.ts';
import { nextAllowedSendTime } from '../../sms/quiet-hours.ts';
import { previewMessage, type MessagePreview, type TemplateVariables } from '../../sms/template.ts';
import type { DomainContext } from '../context.ts';
import { assertDeclaredPurpose } from '../policies/versions.ts';
import { quietHoursOf } from '../site/config.ts';
import { assertMarketingSender } from '../site/french-rules.ts';
import { loadSite, type Site } from '../site/sites.ts';

export interface SendRequest {
  template: string;
  variables: TemplateVariables;
  transliterate?: boolean;
  /** Same key, same send: a retried request queues nothing twice and answers the same campaign. */
  idempotencyKey?: string;
  /**
   * The purpose of this send, one the published policy declares (else a 422). Existing customers (article L34-5
   * CPCE) get it only when it is their record's purpose; without one, they get nothing.
   */
  purpose?: string | undefined;
  /** The language of the opt-out mention (one of the site's locales; default: the site's). */
  locale?: string | undefined;
  /** When to send (ms); absent or past: now. The sending hours apply either way. */
  sendAt?: number | undefined;
  /** Who starts it: `account:<id>`, `key:<id>`, `admin` or `api`. */
  createdBy?: string;
}

type ConfirmedRow = Awaited<ReturnType<DomainContext['consents']['confirmedPage']>>[number];

export type SkipReason = 'renewal_required' | 'suppressed' | 'erased' | 'purpose_not_covered';

export interface SendReport {
  campaignId: string;
  queued: number;
  skipped: { reason: SkipReason; count: number }[];
  sendAt: string;
  quietHours: boolean;
  /** True when the owner chose a later time. */
  scheduled: boolean;
  message: MessagePreview;
}

export function preview(
  site: Site,
  req: Omit<SendRequest, 'idempotencyKey'>,
  locale = site.config.defaultLocale,
): MessagePreview {
  return previewMessage({
    template: req.template,
    variables: req.variables,
    locale,
    senderName: site.config.program.name,
    ...(site.config.program.shortCode ? { shortCode: site.config.program.shortCode } : {}),
    ...(req.transliterate ? { transliterate: true } : {}),
  });
}

/** Why the gate holds a confirmed consent back from a marketing send of `purpose`, or null when it may receive it. */
function heldBack(row: ConfirmedRow, purpose: string | undefined): SkipReason | null {
  if (row.renewalRequired) return 'renewal_required';
  if (row.suppressed) return 'suppressed';
  if (!row.wrappedKey) return 'erased';
  if (row.basis === 'existing_customer' && (!purpose || purpose !== row.purpose)) return 'purpose_not_covered';
  return null;
}

const emptySkips = (): Record<SkipReason, number> => ({
  renewal_required: 0,
  suppressed: 0,
  erased: 0,
  purpose_not_covered: 0,
});
const skipList = (skipped: Record<string, number>) =>
  Object.entries(skipped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => ({ reason: reason as SkipReason, count }));

/** Who a send would reach now (the console's audience count): the same gate as the send, nothing queued. */
export async function audienceOf(
  ctx: DomainContext,
  site: Site,
  purpose?: string,
): Promise<{ recipients: number; skipped: { reason: SkipReason; count: number }[] }> {
  const skipped = emptySkips();
  let recipients = 0;
  let after = '';
  for (;;) {
    const page = await ctx.consents.confirmedPage(site.id, after, 500);
    if (page.length === 0) break;
    after = page[page.length - 1]!.consentId;
    for (const row of page) {
      const reason = heldBack(row, purpose);
      if (reason) skipped[reason]++;
      else recipients++;
    }
  }
  return { recipients, skipped: skipList(skipped) };
}

export async function sendMarketing(ctx: DomainContext, site: Site, req: SendRequest): Promise<SendReport> {
  assertMarketingSender(site.config);
  if (req.purpose !== undefined) await assertDeclaredPurpose(ctx, site.id, req.purpose);
  const locale = req.locale && site.config.locales.includes(req.locale) ? req.locale : site.config.defaultLocale;
  const message = preview(site, req, locale);
  const transliterated = req.transliterate && message.transliterated;
  const text = transliterated ? message.transliterated!.text : message.text;
  const now = ctx.clock();
  const requested = req.sendAt !== undefined && req.sendAt > now ? req.sendAt : null;
  const sendAt = nextAllowedSendTime(new Date(requested ?? now), quietHoursOf(site.config)).getTime();
  const campaignId = req.idempotencyKey
    ? (await sha256Hex(`campaign|${site.id}|${req.idempotencyKey}`)).slice(0, 32)
    : newId(ctx.random, ctx.clock());
  const campaign: CampaignRow = {
    id: campaignId,
    siteId: site.id,
    bodySha256: await sha256Hex(text),
    body: text,
    locale,
    purpose: req.purpose ?? null,
    segments: transliterated ? message.transliterated!.segments : message.segments,
    encoding: transliterated ? message.transliterated!.encoding : message.encoding,
    requestedAt: requested,
    scheduledAt: sendAt,
    // Draft while its messages are queued: the last batch below says scheduled or sending.
    status: 'draft',
    queued: 0,
    skipped: '{}',
    createdBy: req.createdBy ?? 'api',
    createdAt: now,
    updatedAt: now,
    stoppedAt: null,
    stoppedBy: null,
  };
  await ctx.store.batch([ctx.campaigns.insert(campaign)]);
  const stored = (await ctx.campaigns.get(site.id, campaignId)) ?? campaign;
  // A retried start of a stopped campaign queues nothing (the guarded insert would refuse it anyway).
  const { queued, skipped } =
    stored.status === 'stopped' ? { queued: 0, skipped: emptySkips() } : await queueCampaign(ctx, site, stored);
  // Outside quiet hours the messages are due now: a send pass takes them at once.
  if (queued > 0 && stored.scheduledAt <= now) ctx.onQueued();
  return {
    campaignId,
    queued,
    skipped: skipList(skipped),
    sendAt: new Date(stored.scheduledAt).toISOString(),
    quietHours: stored.scheduledAt > (stored.requestedAt ?? now),
    scheduled: stored.requestedAt !== null,
    message,
  };
}

/**
 * Queues a campaign's messages page by page (its stored text, sealed for each subscriber), then leaves `draft` in
 * one last statement. Each message id derives from the campaign and the subscriber, so running this again for a
 * campaign cut short (a retried request, the jobs) queues only what is missing, never anything twice.
 */
async function queueCampaign(
  ctx: DomainContext,
  site: Site,
  campaign: CampaignRow,
): Promise<{ queued: number; skipped: Record<SkipReason, number> }> {
  const skipped = emptySkips();
  const now = ctx.clock();
  let queued = 0;
  let after = '';
  for (;;) {
    const page = await ctx.consents.confirmedPage(site.id, after, 200);
    if (page.length === 0) break;
    after = page[page.length - 1]!.consentId;
    const statements: Statement[] = [];
    for (const row of page) {
      const reason = heldBack(row, campaign.purpose ?? undefined);
      if (reason) {
        skipped[reason]++;
        continue;
      }
      statements.push(
        ctx.campaigns.enqueue({
          id: (await sha256Hex(`campaign|${campaign.id}|${row.subjectId}`)).slice(0, 32),
          siteId: site.id,
          subjectId: row.subjectId,
          consentId: row.consentId,
          campaignId: campaign.id,
          bodyCiphertext: await ctx.sealer.seal(row.wrappedKey!, row.subjectId, campaign.body),
          nextAttemptAt: campaign.scheduledAt,
          createdAt: now,
        }),
      );
      queued++;
    }
    if (statements.length > 0) await ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
  await ctx.store.batch([
    ctx.campaigns.started(campaign.id, {
      status: campaign.scheduledAt > now ? 'scheduled' : 'sending',
      queued,
      skipped: JSON.stringify(skipped),
      updatedAt: ctx.clock(),
    }),
  ]);
  return { queued, skipped };
}

/**
 * The jobs: campaigns left in `draft` for a minute (their start was cut short: a crash, a storage fault) are queued
 * to the end. Returns how many were resumed.
 */
export async function resumeCampaignStarts(ctx: DomainContext, olderThanMs = 60_000): Promise<number> {
  const drafts = await ctx.campaigns.drafts(ctx.clock() - olderThanMs, 5);
  for (const draft of drafts) {
    const { queued } = await queueCampaign(ctx, await loadSite(ctx, draft.siteId), draft);
    if (queued > 0 && draft.scheduledAt <= ctx.clock()) ctx.onQueued();
  }
  return drafts.length;
}

export type CampaignStatus = CampaignRow['status'];

export interface CampaignProgress {
  id: string;
  /** `scheduled` (waits for its time), `sending`, `done` (nothing left queued), `stopped`; `draft` while starting. */
  status: CampaignStatus;
  createdAt: string;
  createdBy: string;
  requestedAt: string | null;
  sendAt: string;
  purpose: string | null;
  message: { text: string; sha256: string; locale: string; encoding: string; segments: number };
  /** Subscribers the send was for: queued at the start, plus those the gate held back. */
  audience: number;
  progress: { queued: number; sent: number; delivered: number; undelivered: number; failed: number; cancelled: number };
  /** Held back at the start by the gate, and cancelled before sending (stopped, withdrawn, erased), by reason. */
  skipped: { reason: string; count: number }[];
  /** Segments billed so far (sent messages), and for every message still to go as well. */
  cost: { segmentsPerMessage: number; segmentsSent: number; segmentsPlanned: number };
  stoppedAt: string | null;
  stoppedBy: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Why a message was cancelled, as a reason code (from the dispatcher's or the stop's note on the row). */
function cancelReason(lastError: string | null): string {
  if (lastError === 'campaign stopped') return 'stopped';
  if (lastError === 'subject erased') return 'erased';
  if (lastError?.startsWith('consent ')) return lastError.slice('consent '.length);
  return 'cancelled';
}

export async function campaignProgress(ctx: DomainContext, row: CampaignRow): Promise<CampaignProgress> {
  const tally = await ctx.campaigns.tally(row.id);
  const progress = { queued: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, cancelled: 0 };
  const skipped: Record<string, number> = JSON.parse(row.skipped) as Record<string, number>;
  for (const t of tally) {
    const count = Number(t.count);
    if (t.status === 'queued') progress.queued += count;
    else if (t.status === 'failed') progress.failed += count;
    else if (t.status === 'cancelled') {
      progress.cancelled += count;
      const reason = cancelReason(t.lastError);
      skipped[reason] = (skipped[reason] ?? 0) + count;
    } else if (t.status === 'sent') {
      progress.sent += count;
      if (t.deliveryStatus === 'delivered') progress.delivered += count;
      else if (t.deliveryStatus === 'undelivered' || t.deliveryStatus === 'failed') progress.undelivered += count;
    }
  }
  const held = Object.entries(JSON.parse(row.skipped) as Record<string, number>).reduce((a, [, n]) => a + n, 0);
  let status = row.status;
  // Scheduled until its time, even with nobody to text (its audience is who could be texted when it was sent).
  if (status === 'scheduled' || status === 'sending') {
    if (ctx.clock() < row.scheduledAt) status = 'scheduled';
    else status = progress.queued === 0 ? 'done' : 'sending';
  }
  return {
    id: row.id,
    status,
    createdAt: iso(row.createdAt)!,
    createdBy: row.createdBy,
    requestedAt: iso(row.requestedAt),
    sendAt: iso(row.scheduledAt)!,
    purpose: row.purpose,
    message: {
      text: row.body,
      sha256: row.bodySha256,
      locale: row.locale,
      encoding: row.encoding,
      segments: row.segments,
    },
    audience: row.queued + held,
    progress,
    skipped: Object.entries(skipped)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => ({ reason, count })),
    cost: {
      segmentsPerMessage: row.segments,
      segmentsSent: row.segments * progress.sent,
      segmentsPlanned: row.segments * (progress.sent + progress.queued),
    },
    stoppedAt: iso(row.stoppedAt),
    stoppedBy: row.stoppedBy,
  };
}

const campaignIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

async function campaignRow(ctx: DomainContext, site: Site, id: string): Promise<CampaignRow> {
  const row = campaignIdPattern.test(id) ? await ctx.campaigns.get(site.id, id) : null;
  if (!row) throw notFound('No campaign with this id for this site.');
  return row;
}

export async function campaign(ctx: DomainContext, site: Site, id: string): Promise<CampaignProgress> {
  return campaignProgress(ctx, await campaignRow(ctx, site, id));
}

export async function campaignList(ctx: DomainContext, site: Site): Promise<CampaignProgress[]> {
  return Promise.all((await ctx.campaigns.list(site.id)).map((row) => campaignProgress(ctx, row)));
}

/**
 * Stops a campaign: every message of it not yet taken by a dispatcher is cancelled in one batch; those already sent
 * stay sent, and one being sent at this moment is sent once and recorded (the dispatcher checks the campaign before
 * each message it takes). Stopping a stopped campaign changes nothing.
 */
export async function stopCampaign(
  ctx: DomainContext,
  site: Site,
  id: string,
  by: string,
): Promise<CampaignProgress & { cancelledNow: number }> {
  await campaignRow(ctx, site, id);
  const { cancelled } = await ctx.campaigns.stop(site.id, id, by, ctx.clock());
  return { ...(await campaign(ctx, site, id)), cancelledNow: cancelled };
}
