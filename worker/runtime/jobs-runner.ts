// The background jobs on every runtime: one jobs loop (worker/jobs.ts) and two small drivers. Where the process lives
// on (Node, Deno), a timer; where it does not (Workers, Deno Deploy), the platform's events: a cron tick, and the work
// a request asked for, handed to that request's waitUntil. A failure is always logged; none is dropped unseen.
import type { AppDeps } from '../deps.ts';
import { createJobs, type JobReport, type Jobs, type JobsOptions } from '../jobs.ts';
import { jsonLogger } from '../logger.ts';

/** Keeps a promise's work alive after the response (Workers: ctx.waitUntil). */
export type WaitUntil = (work: Promise<unknown>) => void;

export interface JobsRunner {
  /** The dependencies with the hooks that feed the jobs: serve the app from these. */
  deps: AppDeps;
  jobs: Jobs;
}

export interface TimerJobs extends JobsRunner {
  /** Stops the timer after one last full pass (its failure logged like any other; a hung one waited for 60 s at most). */
  stop(): Promise<void>;
}

export interface EventJobs extends JobsRunner {
  /** After a response: what its request asked for (background tasks, a send pass), to the request's waitUntil. */
  afterResponse(waitUntil: WaitUntil): void;
  /** A cron tick: a full pass (or one more of the live loop). Never rejects: the loop logs a failure. */
  tick(): Promise<JobReport | null>;
}

/** Node, Deno: a full pass every second after the last one, and a send pass as soon as a request queues messages. */
export function timerJobs(
  base: AppDeps,
  options: { everyMs?: number; capMs?: number; jobs?: JobsOptions } = {},
): TimerJobs {
  const { everyMs = 1000, capMs = 60_000 } = options;
  const deps: AppDeps = { ...base, onQueued: () => void jobs.kick() }; // kick never rejects: the loop logs failures
  // No request's background budget bounds a loop here: a burst's backlog is sent pass after pass, for up to the loop's
  // handoverMs (10 s), instead of four passes (200 messages) a loop as on Workers.
  const jobs = createJobs(deps, { handoverPasses: 1_000, ...options.jobs });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  // A pass that never settles (a hung call) must hold up neither the timer nor a shutdown: the wait is capped, the
  // next tick comes anyway, and the jobs start a new loop once the hung one is stale.
  async function pass(): Promise<void> {
    let cap: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([jobs.finish(), new Promise((resolve) => (cap = setTimeout(resolve, capMs)))]);
    clearTimeout(cap);
  }
  async function tick(): Promise<void> {
    await pass(); // never rejects: jobs.finish() answers null for a failed pass, which the loop logged
    if (!stopped) timer = setTimeout(tick, everyMs);
  }
  void tick();
  return {
    deps,
    jobs,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass();
      await jobs.witnessed(); // a witness round under way ends within its time-outs
    },
  };
}

/**
 * Workers, Deno Deploy: nothing runs between events. A request that queued messages or background tasks hands them
 * to its own waitUntil once answered; the cron tick runs a full pass. One loop per isolate, owned by the event that
 * started it (createJobs hands over and presumes a dropped loop dead, so jobs never stop for good).
 */
export function eventJobs(base: AppDeps, options: { jobs?: JobsOptions } = {}): EventJobs {
  const logger = base.logger ?? jsonLogger();
  const pending: (() => Promise<unknown>)[] = [];
  let queued = false;
  const deps: AppDeps = {
    ...base,
    onQueued: () => {
      queued = true;
    },
    background: (task) => void pending.push(task),
  };
  const jobs = createJobs(deps, options.jobs);
  return {
    deps,
    jobs,
    afterResponse(waitUntil) {
      for (const task of pending.splice(0)) {
        waitUntil(
          Promise.resolve()
            .then(task)
            .catch((error: unknown) =>
              logger.error('background task failed', { error: error instanceof Error ? error.name : 'unknown' }),
            ),
        );
      }
      // Whichever request finishes first runs the jobs; the messages were committed before the flag was set.
      if (queued) {
        queued = false;
        waitUntil(jobs.kick());
      }
    },
    // The witness round a tick started runs in the tick's own waitUntil (Workers drops work nothing holds).
    tick: async () => {
      const report = await jobs.kick(true);
      await jobs.witnessed();
      return report;
    },
  };
}
