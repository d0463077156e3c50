// A burst can leave more leaves than one integration run takes (its opt-ins and, once sent, their sms-sent leaves; 512 a run):
// the jobs loop that integrated a run and left leaves behind runs the next one at once, within its handover time and
// its catch-up budget, so the burst's proofs are covered within seconds instead of at the next cron (a minute on
// Workers). It stops when a run makes no progress (another integrator holds the log), when its handover time is up
// and when its catch-up runs are spent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobs } from '../../worker/jobs.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { optInBurst } from './burst.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ sealer: 'node' });
});
afterEach(() => h.close());

const queue = (count: number) => optInBurst(h, count, 30_000_000, 8);
const count = async (sql: string) => Number((await h.deps.store.queryColumn(sql))[0]);
const leaves = () => count("SELECT COUNT(*) FROM log_leaves WHERE site_id = 'demo'");
const covered = () => count("SELECT COALESCE(MAX(size), 0) FROM log_heads WHERE site_id = 'demo'");

describe('a log backlog larger than one integration run', () => {
  it('is covered by one pass, run after run (520 opt-ins: more leaves than one run of 512 takes)', async () => {
    await queue(520);
    // One pass, as a Workers request's loop whose pass budget is spent: it sends 50 messages and integrates the log.
    const jobs = createJobs(h.deps, { handoverPasses: 1 });
    const report = await jobs.kick(true);
    expect(report).not.toBeNull();
    const total = await leaves();
    expect(total).toBeGreaterThanOrEqual(570);
    expect(await covered()).toBe(total);
  }, 60_000);

  it('leaves the rest to the next event once its handover time is up', async () => {
    await queue(40);
    const jobs = createJobs(h.deps, { logEveryMs: 0, logRunLeaves: 15, handoverMs: 1_000 });
    // The clock moves past the handover time during the first integration run: no second run in this loop.
    const integrate = h.deps.store.batch;
    let moved = false;
    h.deps.store.batch = (statements) => {
      if (!moved) {
        moved = true;
        h.advance(1_000);
      }
      return integrate(statements);
    };
    await jobs.kick();
    h.deps.store.batch = integrate;
    const first = await covered();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(await leaves());
    // The next event's loop goes on from there.
    await jobs.kick();
    expect(await covered()).toBeGreaterThan(first);
  });

  it('takes at most its catch-up runs in one loop, the rest in the next event’s', async () => {
    await queue(40);
    const jobs = createJobs(h.deps, { logEveryMs: 0, logRunLeaves: 10, logCatchUpRuns: 2, handoverPasses: 1 });
    await jobs.kick(true);
    // The pass's own run and two catch-up runs: 30 leaves of the 82.
    expect(await covered()).toBe(30);
    await jobs.kick(true);
    expect(await covered()).toBe(60);
  });
});
