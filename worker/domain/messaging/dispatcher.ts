// Sends due outbox messages: claim with a lease held by a token (safe with several processes), decrypt, re-check
// consent, send, then record by compare-and-set on the token. A message whose lease ran out mid-send is reconciled
// with the provider (lookup by message id) by its next claimer, never blindly resent; retries back off exponentially.
import { toBase64Url } from '../../crypto/encoding.ts';
import type { OutboxRow } from '../../db/outbox.ts';
import type { DomainContext } from '../context.ts';
import { loadSite, type Site } from '../site/sites.ts';
import { quietHoursOf } from '../site/config.ts';
import { nextAllowedSendTime } from '../../sms/quiet-hours.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import { LOGGED_SMS_KINDS } from './delivery-reports.ts';
import { appendConsentLeaf, chainOf, newEvent } from '../proof-log/events.ts';
import type { ConsentRow } from '../../db/consents.ts';

/** The provider for each message is the site's (ctx.providerFor). */
export interface DispatchOptions {
  /** Messages per run. */
  limit?: number;
  /** Messages leased per claim. */
  claimSize?: number;
  /**
   * Sends in flight at once (DISPATCH_CONCURRENCY): a provider answers in ~0.1–0.5 s, so one at a time caps a pass at
   * a few messages a second. Messages to one number are never in flight together and go in the order claimed.
   */
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Builds the status callback URL for a message, when the provider supports callbacks. */
  statusCallbackUrl?: (site: Site, messageId: string) => string | undefined;
}

export interface DispatchReport {
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  /** Outcomes not recorded because the lease had passed to another claimer (it reconciles them). */
  lost: number;
}

export function backoffMs(attempt: number, base: number, max: number, jitter: number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.75 + 0.5 * jitter));
}

/** Why a message must not go out given its consent's state now (a STOP always wins), or null. */
function unwanted(row: OutboxRow, status: string | null): string | null {
  if (!row.consentId || row.kind === 'reply') return null;
  if (!status) return 'consent missing';
  if (row.kind === 'confirm-request' && status !== 'pending') return `consent ${status}`;
  // A re-permission request (renewals.ts, audience imported) goes to a number still `imported`.
  if (row.kind === 'renewal' && status === 'imported') return null;
  if ((row.kind === 'confirmed' || row.kind === 'marketing' || row.kind === 'renewal') && status !== 'confirmed')
    return `consent ${status}`;
  return null;
}

/** Messages one send pass takes at most (a pass that took this many may have left more due). */
export const DISPATCH_LIMIT = 50;

/**
 * Sends in flight at once by default: below Workers' six simultaneous connections per invocation, and a rate every
 * supported provider's API takes (a 429 is retried after its Retry-After like any other).
 */
export const DISPATCH_CONCURRENCY = 5;

/** How many messages a pass took: a pass that took its whole limit may have left more due. */
export const dispatched = (report: DispatchReport) =>
  report.sent + report.retried + report.failed + report.cancelled + report.lost;

export async function dispatchDue(ctx: DomainContext, options: DispatchOptions): Promise<DispatchReport> {
  const {
    limit = DISPATCH_LIMIT,
    claimSize = 10,
    concurrency = DISPATCH_CONCURRENCY,
    leaseMs = 60_000,
    maxAttempts = 8,
    baseDelayMs = 5_000,
    maxDelayMs = 3_600_000,
  } = options;
  const report: DispatchReport = { sent: 0, retried: 0, failed: 0, cancelled: 0, lost: 0 };
  // This run's claim token: every outcome below is recorded only while the run still holds the message's claim.
  const token = toBase64Url(ctx.random(12));
  const sites = new Map<string, Promise<Site>>();
  // Small claims, one after another: a lease covers only what is about to be sent, and several dispatchers share
  // the work instead of one taking a whole pass's worth.
  const claims = async function* () {
    for (let taken = 0; taken < limit; ) {
      const rows = await ctx.outbox.claimDue(ctx.clock(), Math.min(claimSize, limit - taken), leaseMs, token);
      yield rows;
      taken += rows.length;
      if (rows.length < claimSize) return;
    }
  };
  // Each claim is sent before the next is taken, up to `concurrency` numbers at once, each number's messages in
  // order: a lease still covers only what is about to be sent.
  for await (const rows of claims()) {
    await inParallel(bySubject(rows), Math.max(1, concurrency), async (own) => {
      for (const row of own) await sendOne(row);
    });
  }
  return report;

  async function sendOne(row: OutboxRow): Promise<void> {
    const log = { messageId: row.id, kind: row.kind, attempt: row.attempts };
    /** Records an outcome if the claim is still this run's; otherwise counts it lost (the new holder reconciles). */
    const held = (recorded: boolean, counter: Exclude<keyof DispatchReport, 'lost'>) => {
      if (recorded) report[counter]++;
      else {
        report.lost++;
        ctx.logger.warn('sms claim lost before its outcome was recorded; the next claimer reconciles it', log);
      }
      return recorded;
    };
    // Set once the provider may have the message: a failure after that point leaves its outcome unknown.
    let attempted = false;
    try {
      // Read just before this send, so a STOP that landed a moment ago still stops it.
      const now = await ctx.subjects.withConsentStatus(row.subjectId, row.consentId);
      const chain = now?.consentStatus ? { chainIdx: now.chainIdx, chainHash: now.chainHash } : null;
      const subject = now?.subject;
      const reason = unwanted(row, now?.consentStatus ?? null);
      if (reason || !subject?.wrappedKey || !subject.phoneCiphertext || !row.bodyCiphertext) {
        held(await ctx.outbox.finish(row.id, token, 'cancelled', reason ?? 'subject erased'), 'cancelled');
        return;
      }
      let loading = sites.get(row.siteId);
      if (!loading) {
        // Loaded once per pass for all its messages; a failed load is not kept (the next message tries again).
        loading = loadSite(ctx, row.siteId);
        sites.set(row.siteId, loading);
        loading.catch(() => sites.delete(row.siteId));
      }
      const site = await loading;
      const provider = ctx.providerFor(site, ctx);
      const [to, body] = (await ctx.sealer.openAll(subject.wrappedKey, subject.id, [
        subject.phoneCiphertext,
        row.bodyCiphertext,
      ])) as [string, string];
      // A stopped campaign's message left queued by the stop (it was held by a claim then) never goes out now; read
      // per message, so at most the messages in flight at the stop (`concurrency`) leave after it. One whose earlier
      // attempt may have gone out is first looked up below, so a message sent is recorded sent, never cancelled.
      const stopped =
        row.kind === 'marketing' &&
        row.campaignId !== null &&
        (await ctx.campaigns.statusOf(row.campaignId)) === 'stopped';
      if (row.outcomeUnknown && provider.lookup) {
        const found = await provider.lookup(row.id, to);
        if (found.found) {
          held(
            await markSent(ctx, row, token, {
              provider: provider.name,
              providerMessageId: found.providerMessageId,
              body,
              chain,
            }),
            'sent',
          );
          return;
        }
      }
      if (stopped) {
        held(await ctx.outbox.finish(row.id, token, 'cancelled', 'campaign stopped'), 'cancelled');
        return;
      }
      const callback = options.statusCallbackUrl?.(site, row.id);
      attempted = true;
      const result = await provider.send({
        id: row.id,
        to,
        body,
        ...(callback ? { statusCallbackUrl: callback } : {}),
      });
      if (result.ok) {
        held(
          await markSent(ctx, row, token, {
            provider: provider.name,
            providerMessageId: result.providerMessageId,
            body,
            chain,
          }),
          'sent',
        );
      } else if (result.retryable && row.attempts < maxAttempts) {
        const wait = Math.max(
          backoffMs(row.attempts, baseDelayMs, maxDelayMs, ctx.random(1)[0]! / 255),
          'retryAfterSeconds' in result && result.retryAfterSeconds ? result.retryAfterSeconds * 1000 : 0,
        );
        let at = ctx.clock() + wait;
        // A marketing retry must still land inside the sending hours; transactional messages retry at once.
        if (row.kind === 'marketing' || row.kind === 'renewal')
          at = nextAllowedSendTime(new Date(at), quietHoursOf(site.config)).getTime();
        if (
          held(
            await ctx.outbox.retryLater(row.id, token, at, result.reason, 'unknown' in result || row.outcomeUnknown),
            'retried',
          )
        ) {
          ctx.logger.warn('sms send will be retried', { ...log, reason: result.reason, waitMs: wait });
        }
      } else {
        if (held(await ctx.outbox.finish(row.id, token, 'failed', result.reason), 'failed')) {
          ctx.logger.error('sms send failed', { ...log, reason: result.reason });
        }
      }
    } catch (error) {
      // Unexpected: keep the message, try again later. The error text never holds the number or body.
      const wait = backoffMs(row.attempts, baseDelayMs, maxDelayMs, 0.5);
      // An outcome still unknown stays unknown (e.g. the lookup itself failed), and a failure once the provider may
      // have the message (recording its answer failed) makes it unknown: the next attempt asks before resending.
      ctx.logger.error('dispatch error', {
        ...log,
        error: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
      });
      const reason = error instanceof Error ? error.name : 'error';
      // An error that never goes away (a body that no longer opens) must not keep the message queued for good.
      if (row.attempts >= maxAttempts) held(await ctx.outbox.finish(row.id, token, 'failed', reason), 'failed');
      else
        held(
          await ctx.outbox.retryLater(row.id, token, ctx.clock() + wait, reason, row.outcomeUnknown || attempted),
          'retried',
        );
    }
  }
}

/**
 * Records a send and, for a consent's own SMS, logs it on the consent's chain in the same batch: the hash of the
 * exact body, the provider and its message id, never the number. When another leaf of the consent came first (the
 * chain head read before the send moved), the leaf is appended again from a fresh read.
 */
async function markSent(
  ctx: DomainContext,
  row: OutboxRow,
  token: string,
  sent: {
    provider: string;
    providerMessageId: string;
    body: string;
    chain: { chainIdx: number | null; chainHash: string | null } | null;
  },
): Promise<boolean> {
  const at = ctx.clock();
  if (!row.consentId || !LOGGED_SMS_KINDS.includes(row.kind) || !sent.chain) {
    return ctx.outbox.markSent(row.id, token, sent.providerMessageId, at);
  }
  const consentId = row.consentId;
  const leaf = {
    type: 'sms-sent' as const,
    at,
    details: {
      messageId: row.id,
      kind: row.kind,
      provider: sent.provider,
      providerMessageId: sent.providerMessageId,
      bodySha256: await sha256Hex(sent.body),
    },
  };
  const event = await newEvent(ctx, { siteId: row.siteId, consentId, ...leaf, prev: chainOf(sent.chain) });
  const { recorded, results } = await ctx.outbox.markSentWith(
    row.id,
    token,
    sent.providerMessageId,
    at,
    (recordedHere) => [
      ...ctx.events.append(event, ctx.consents.chainAt(consentId, sent.chain!.chainHash, recordedHere)),
      ctx.consents.row(consentId),
    ],
  );
  const after = (results.at(-1) as ConsentRow[])[0];
  if (recorded && after && after.chainHash !== event.leafHash) {
    if (!(await appendConsentLeaf(ctx, consentId, leaf).catch(() => false))) {
      ctx.logger.warn('sent sms not logged on its consent', { messageId: row.id });
    }
  }
  return recorded;
}

/** A claim's messages by number (subject), each number's in the order claimed. */
function bySubject(rows: OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const own = groups.get(row.subjectId);
    if (own) own.push(row);
    else groups.set(row.subjectId, [row]);
  }
  return [...groups.values()];
}

/**
 * Runs `task` on every item, at most `limit` at once. A task that fails (storage down while recording an outcome)
 * stops the others taking more; the call settles once every running task has, with the first failure.
 */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      try {
        await task(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failure = lanes.find((lane) => lane.status === 'rejected');
  if (failure) throw failure.reason;
}
