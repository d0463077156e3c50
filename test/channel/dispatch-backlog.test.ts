// A burst of opt-ins leaves more confirmation SMS than one send pass takes (50): the loop that sends them takes another
// pass at once while its last one took its whole limit, instead of leaving the rest for the next tick (a second on
// Node, a minute's cron on Workers). A loop stays within its pass budget (Workers' background budget: four passes
// by default, two here); on Node and Deno the timer's jobs drain the whole backlog in one loop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobs } from '../../worker/jobs.ts';
import { timerJobs } from '../../worker/runtime/jobs-runner.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { optInBurst } from './burst.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ sealer: 'node' });
});
afterEach(() => h.close());

const queue = (count: number) => optInBurst(h, count, 20_000_000, 9);
const queued = async () =>
  Number((await h.deps.store.queryColumn("SELECT COUNT(*) FROM outbox WHERE status = 'queued'"))[0]);

describe('a backlog of confirmation SMS', () => {
  it('is sent by one kick, pass after pass, while each pass takes its whole limit (60 messages: 2 passes)', async () => {
    await queue(60);
    // logEveryMs 0: each send pass integrates the log, so no loop waits out a log interval on the harness's still clock.
    const jobs = createJobs(h.deps, { logEveryMs: 0 });
    const report = await jobs.kick();
    expect(report).not.toBeNull();
    expect(h.outbox.list()).toHaveLength(60);
    expect(await queued()).toBe(0);
  });

  it('stays within a loop’s pass budget (2 passes: 100 of 110), the rest left to the next event', async () => {
    await queue(110);
    const jobs = createJobs(h.deps, { handoverPasses: 2, logEveryMs: 0 });
    await jobs.kick();
    expect(h.outbox.list()).toHaveLength(100);
    expect(await queued()).toBe(10);
    await jobs.kick();
    expect(h.outbox.list()).toHaveLength(110);
  });

  it('is drained in one loop by the timer jobs of Node and Deno (110 messages, past the four passes of Workers)', async () => {
    await queue(110);
    const runner = timerJobs(h.deps, { everyMs: 3_600_000 });
    try {
      // The timer's first tick starts a loop; this full pass joins it, and the loop drains the rest.
      await runner.jobs.finish();
      expect(h.outbox.list()).toHaveLength(110);
      expect(await queued()).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
