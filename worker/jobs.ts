// Background work shared by every runtime: expire pending consents, send due messages, integrate the logs, apply
// retention. What drives them on each runtime (a timer, or cron ticks and waitUntil) is worker/runtime/jobs-runner.ts;
// after a request that queued messages, every runtime runs a send pass (the log only when not tried in the last few s).
import { contextFromDeps, type AppDeps } from './app.ts';
import { expireDue } from './domain/consent/index.ts';
import {
  closeDueRenewals,
  DISPATCH_LIMIT,
  dispatchDue,
  dispatched,
  resumeCampaignStarts,
  resumeRenewalStarts,
  type DispatchReport,
} from './domain/messaging/index.ts';
import { integrate } from './domain/proof-log/index.ts';
import { announceKeys } from './domain/proof-log/index.ts';
import { applyRetention } from './domain/subscribers/index.ts';
import { deliverWebhooks, type WebhookReport } from './domain/webhooks/index.ts';
import { submitCheckpoints, type SubmitReport } from './witness/submit.ts';

/** How long handled inbound ids (replies, delivery reports) are kept to recognise a provider's retry: 30 days. */
export const INBOUND_KEPT_MS = 30 * 86_400_000;

export interface JobReport extends DispatchReport {
  expired: number;
  /** Sites whose log got a new signed checkpoint. */
  checkpointed: number;
  /** Subjects erased by the retention rules (checked every ten minutes). */
  erased: number;
  /** Signed webhooks sent, retried and given up in this pass. */
  webhooks: WebhookReport;
}

export interface JobsOptions {
  /**
   * A loop of passes older than this is presumed dropped (Workers cancels background work 30 s after the response,
   * and its promise never settles): the next call starts a new loop instead of waiting on it. Everything a pass
   * touches is guarded by leases in the database, so a loop that was only slow and a new one can overlap safely.
   */
  staleMs?: number;
  /**
   * A loop takes more passes only this long; later requests start a new loop (which they own) and the old one ends
   * after its current pass, so no loop outlives the background-work budget of the request that started it.
   */
  handoverMs?: number;
  /** Nor more passes than this either: Workers counts every database call of an invocation against a per-request limit. */
  handoverPasses?: number;
  /** Nor when its current pass has made no progress for this long (a call hanging): a new loop does the work asked. */
  handoverIdleMs?: number;
  /**
   * Send passes integrate the logs at most this often (full passes always do); a loop whose last send pass skipped
   * the log integrates once more when the interval is up, so the last events of a burst do not wait for the cron.
   */
  logEveryMs?: number;
  /** Leaves one integration run takes per site: each run is one bounded piece of work (its statements, its reads). */
  logRunLeaves?: number;
  /**
   * Runs a loop takes at once after one that advanced a log and left leaves behind (within its handoverMs too), so a
   * burst larger than one run (its opt-ins and their sms-sent leaves) is covered by a checkpoint within seconds, not
   * at the next cron; a larger backlog goes on in the next event's loop. Bounded, as every database call of a Workers
   * invocation counts against its limits.
   */
  logCatchUpRuns?: number;
}

export function createJobs(input: AppDeps, options: JobsOptions = {}) {
  const {
    staleMs = 30_000,
    handoverMs = 10_000,
    handoverPasses = 4,
    handoverIdleMs = 5_000,
    logEveryMs = 5_000,
    logRunLeaves = 512,
    logCatchUpRuns = 7,
  } = options;
  const { deps, ctx } = contextFromDeps(input);
  let lastPurge = 0;
  let lastLog = Number.NEGATIVE_INFINITY;
  let logOwed = false;
  /** The last integration left leaves behind in a log it advanced (not one whose lease another integrator held). */
  let logBehind = false;

  async function integrateLogs(): Promise<number> {
    lastLog = ctx.clock();
    logOwed = false;
    logBehind = false;
    let checkpointed = 0;
    // Keys first: a key the logs do not announce yet is announced, and integrated in this same pass.
    await announceKeys(ctx);
    // Bounded runs, one integrator per site (a lease in the database): a backlog shrinks run by run.
    for (const site of await ctx.log.sitesBehind()) {
      const run = await integrate(ctx, site, { maxLeaves: logRunLeaves });
      if (run.integrated > 0) checkpointed++;
      if (run.integrated > 0 && run.behind) logBehind = true;
    }
    submitToWitnesses();
    return checkpointed;
  }
  /** One more integration in the loop (a failure logged, the next pass tries again); its checkpoints added. */
  async function integrateInLoop(report: JobReport | Error): Promise<JobReport | Error> {
    let checkpointed = 0;
    try {
      checkpointed = await integrateLogs();
    } catch (error) {
      logBehind = false;
      ctx.logger.error('log integration failed', { error: describe(error) }); // the next pass tries again
    }
    return report instanceof Error ? report : { ...report, checkpointed: report.checkpointed + checkpointed };
  }

  // Witnesses are asked after integration, in the background: no pass, send or proof waits on a witness (one that is
  // down costs its time-out here only). One round at a time; the submitter bounds how often each witness is asked.
  let witnessRound: Promise<SubmitReport | null> | null = null;
  let lastWitnessRound = Number.NEGATIVE_INFINITY;
  /** After integration: a round at most every min(interval, 10 s) (each reads every head); `now` forces one. */
  function submitToWitnesses(now = false): Promise<SubmitReport | null> {
    if (!deps.witnessing) return Promise.resolve(null);
    if (!now && !witnessRound && ctx.clock() - lastWitnessRound < Math.min(deps.witnessing.intervalMs, 10_000))
      return Promise.resolve(null);
    if (!witnessRound) lastWitnessRound = ctx.clock();
    witnessRound ??= submitCheckpoints(ctx, deps.witnessing)
      .catch((error: unknown) => {
        ctx.logger.warn('witness submission failed', { error: describe(error) });
        return null;
      })
      .finally(() => {
        witnessRound = null;
      });
    return witnessRound;
  }

  async function pass(full: boolean): Promise<JobReport> {
    const expired = full ? await expireDue(ctx) : 0;
    // Renewal campaigns past their deadline end the consents that did not answer (their leaves, in this pass's log).
    if (full) await closeDueRenewals(ctx);
    // Campaign starts cut short (a crash between their batches) are finished, so none stays half-started.
    if (full) await resumeCampaignStarts(ctx);
    if (full) await resumeRenewalStarts(ctx);
    let erased = 0;
    if (full && ctx.clock() - lastPurge > 600_000) {
      lastPurge = ctx.clock();
      await ctx.store.batch([ctx.limits.purge(lastPurge), ctx.inbound.purge(lastPurge - INBOUND_KEPT_MS)]);
      erased = await applyRetention(ctx);
    }
    const report = await dispatchDue(ctx, {
      statusCallbackUrl: (site, id) =>
        site.config.sms.provider === 'console'
          ? undefined
          : `${ctx.publicUrl}/v1/sites/${site.id}/delivery/${site.config.sms.provider}?m=${id}`,
    });
    // After the messages: webhooks announce committed changes, and a slow receiver must not hold up an SMS.
    const webhooks = await deliverWebhooks(ctx);
    // Last, so the events this pass logged (expiry, erasure, replies) get into its checkpoint.
    let checkpointed = 0;
    if (full || ctx.clock() - lastLog >= logEveryMs) checkpointed = await integrateLogs();
    else logOwed = true;
    return { expired, checkpointed, erased, webhooks, ...report };
  }

  // One loop of passes per process; a caller that finds a live loop asks it for one more pass. The loop belongs to
  // the caller that started it (on Workers, the request whose waitUntil holds it). Its promise never rejects: a
  // failed pass is logged where it fails, and the loop ends with the error of its last pass, if that one failed.
  let loop: {
    startedAt: number;
    progressAt: number;
    passes: number;
    catchUpRuns: number;
    done: Promise<JobReport | Error>;
  } | null = null;
  let again: { full: boolean } | null = null;
  const takeAgain = () => {
    const next = again;
    again = null;
    return next;
  };
  /**
   * The last pass took its whole send limit, so more may be due: the loop takes another pass at once rather than leave
   * a burst's messages for the next tick (one per second on Node and Deno, a minute's cron on Workers), within the
   * loop's bounds (handoverPasses, handoverMs), which keep Workers' background budget.
   */
  const backlogged = (report: JobReport | Error, entry: { startedAt: number; passes: number }) =>
    !(report instanceof Error) &&
    dispatched(report) >= DISPATCH_LIMIT &&
    entry.passes < handoverPasses &&
    ctx.clock() - entry.startedAt < handoverMs;
  const describe = (error: unknown) =>
    error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'unknown';

  function start(full: boolean): Promise<JobReport | Error> {
    const entry = {
      startedAt: ctx.clock(),
      progressAt: ctx.clock(),
      passes: 0,
      catchUpRuns: 0,
      done: null as unknown as Promise<JobReport | Error>,
    };
    const first = full || takeAgain()?.full === true;
    loop = entry;
    // A failed pass is logged and the loop goes on with the passes asked for meanwhile (a storage hiccup under load
    // must not strand them until the next tick).
    const attempt = async (isFull: boolean): Promise<JobReport | Error> => {
      entry.passes++;
      try {
        return await pass(isFull);
      } catch (error) {
        ctx.logger.error('jobs failed', { error: describe(error) });
        return error instanceof Error ? error : new Error(String(error));
      } finally {
        entry.progressAt = ctx.clock();
      }
    };
    entry.done = (async () => {
      try {
        let report = await attempt(first);
        let full = first;
        let slices = 0;
        while (loop === entry) {
          // A backlog's next pass is of the same kind as the one that left it: a full pass's (a timer's, a tool's)
          // integrates the log as it goes rather than leave it owed, which would hold its caller for the log interval.
          const next = takeAgain() ?? (backlogged(report, entry) ? { full } : null);
          if (next) {
            full = next.full;
            report = await attempt(next.full);
          } else if (logBehind && entry.catchUpRuns < logCatchUpRuns && ctx.clock() - entry.startedAt < handoverMs) {
            // The last run advanced a log and left leaves behind: the next run now (a run whose lease another
            // integrator held does not count as progress).
            entry.catchUpRuns++;
            report = await integrateInLoop(report);
            entry.progressAt = ctx.clock();
          } else if (logOwed) {
            // Wait out the log interval in short slices, so a pass asked for meanwhile runs at once (the slice count
            // bounds the wait even under a clock that does not move).
            const wait = lastLog + logEveryMs - ctx.clock();
            if (wait > 0 && slices++ < logEveryMs / 200) {
              await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 200)));
              entry.progressAt = ctx.clock();
            } else report = await integrateInLoop(report);
          } else break;
        }
        return report;
      } finally {
        if (loop === entry) loop = null;
      }
    })();
    return entry.done;
  }

  /** Whether a loop can take one more pass; a dropped loop is forgotten, an old one hands over to a new one. */
  function live(): boolean {
    if (!loop) return false;
    const age = ctx.clock() - loop.startedAt;
    if (age >= staleMs) {
      ctx.logger.warn('jobs: a pass never finished (background work dropped?); starting a new one', { ageMs: age });
      loop = null;
      again = null;
      return false;
    }
    return age < handoverMs && loop.passes < handoverPasses && ctx.clock() - loop.progressAt < handoverIdleMs;
  }

  /** A full pass, awaited: of a new loop, or one more of the live loop (which, if it failed first, a new loop runs). */
  async function settle(): Promise<JobReport | Error> {
    if (!live()) return start(true);
    again = { full: true };
    const report = await loop!.done;
    return report instanceof Error ? settle() : report;
  }

  return {
    ctx,
    /** The witness round under way, if any (tests, shutdown, Workers' waitUntil); null when none ran. Never rejects. */
    witnessed: (): Promise<SubmitReport | null> => witnessRound ?? Promise.resolve(null),
    /** Starts a witness round now (or joins the one under way). */
    submitToWitnesses: () => submitToWitnesses(true),
    /** A full pass (tests, tools), awaited; rejects with the error of its pass (already logged). */
    async run(): Promise<JobReport> {
      const report = await settle();
      if (report instanceof Error) throw report;
      return report;
    },
    /** run() for a timer or a shutdown: the same full pass, null when it failed (the loop has logged why). */
    async finish(): Promise<JobReport | null> {
      const report = await settle();
      return report instanceof Error ? null : report;
    },
    /**
     * Asks for a pass without waiting on another caller's: starts a loop and returns it, or, during a live loop,
     * asks it for one more pass and returns at once (Workers must not await a promise from another request). Never
     * rejects: null when the pass failed (logged by the loop) or was handed to the live loop.
     */
    async kick(full = false): Promise<JobReport | null> {
      if (!live()) {
        const report = await start(full);
        return report instanceof Error ? null : report;
      }
      again = { full: full || again?.full === true };
      return null;
    },
  };
}
export type Jobs = ReturnType<typeof createJobs>;
