// The background jobs on every runtime: one jobs loop (worker/jobs.ts) and two small drivers. Where the process lives
// on (Node, Deno), a timer; where it does not (Workers, Deno Deploy), the platform's events: a cron tick, and the work
// a request asked for, handed to that request's waitUntil. A failure is always logged; none is dropped unseen.
import type { AppDeps } from '../deps.ts';
import { createJobs, type Jobs, type JobsOptions } from '../jobs.ts';
import { jsonLogger } from '../log.ts';

/** Keeps a promise's work alive after the response (Workers: ctx.waitUntil). */
export type WaitUntil = (work: Promise<unknown>) => void;

export interface JobsRunner {
  /** The dependencies with the hooks that feed the jobs: serve the app from these. */
  deps: AppDeps;
  jobs: Jobs;
}

/** Node, Deno: a full pass every second after the last one, and a send pass as soon as a request queues messages. */
export function timerJobs(base: AppDeps, options: { everyMs?: number; capMs?: number; jobs?: JobsOptions } = {}) {
  const { everyMs = 1000, capMs = 60_000 } = options;
  const deps: AppDeps = { ...base, onQueued: () => void jobs.kick() }; // kick never rejects: the loop logs failures
  const jobs = createJobs(deps, options.jobs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  function tick() {
    if (stopped) return;
    // A pass that never settles (a hung call) must not stop the timer: the next tick comes anyway, and the jobs
    // start a new loop once the hung one is stale.
    let cap: ReturnType<typeof setTimeout> | undefined;
    void Promise.race([jobs.finish(), new Promise((resolve) => (cap = setTimeout(resolve, capMs)))]).then(() => {
      clearTimeout(cap);
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  }
  tick();
  return {
    deps,
    jobs,
    /** Stops the timer after one last full pass (its failure logged like any other). */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await jobs.finish();
    },
  } satisfies JobsRunner & Record<string, unknown>;
}

/**
 * Workers, Deno Deploy: nothing runs between events. A request that queued messages or background tasks hands them
 * to its own waitUntil once answered; the cron tick runs a full pass. One loop per isolate, owned by the event that
 * started it (createJobs hands over and presumes a dropped loop dead, so jobs never stop for good).
 */
export function eventJobs(base: AppDeps, options: { jobs?: JobsOptions } = {}) {
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
    /** After a response: what its request asked for, to the request's waitUntil. */
    afterResponse(waitUntil: WaitUntil): void {
      for (const task of pending.splice(0)) {
        waitUntil(
          task().catch((error: unknown) => logger.error('background task failed', { error: error instanceof Error ? error.name : 'unknown' })),
        );
      }
      // Whichever request finishes first runs the jobs; the messages were committed before the flag was set.
      if (queued) {
        queued = false;
        waitUntil(jobs.kick());
      }
    },
    /** A cron tick: a full pass (or one more of the live loop). Never rejects: the loop logs a failure. */
    tick: () => jobs.kick(true),
  } satisfies JobsRunner & Record<string, unknown>;
}
