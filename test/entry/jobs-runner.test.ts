// The jobs runner's two drivers (worker/runtime/jobs-runner.ts): the timer of Node and Deno, and the events of Workers
// and Deno Deploy (cron tick, the request's own waitUntil). Every failure is logged and the jobs go on.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import type { Logger } from '../../worker/logger.ts';
import { eventJobs, timerJobs } from '../../worker/runtime/jobs-runner.ts';
import { json, makeHarness, widgetFor, type Harness } from '../harness.ts';

let h: Harness;
afterEach(async () => h?.close());

function recordingLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (msg: string, fields?: object) =>
    void lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { info: keep('info'), warn: keep('warn'), error: keep('error') };
  return { lines, logger };
}

async function optInThrough(app: ReturnType<typeof createApp>, phone: string) {
  const res = await app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...(await widgetFor(h)) }));
  expect(res.status).toBe(202);
}

async function until(check: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
  return check();
}

describe('event driver (Workers, Deno Deploy)', () => {
  it("sends nothing during the request; the send pass goes to that request's waitUntil, and only once", async () => {
    h = await makeHarness();
    const runner = eventJobs(h.deps, { jobs: { logEveryMs: 0 } });
    const app = createApp(runner.deps);
    await optInThrough(app, '06 12 34 56 70');
    expect(h.outbox.list()).toHaveLength(0);
    const work: Promise<unknown>[] = [];
    runner.afterResponse((p) => work.push(p));
    expect(work).toHaveLength(1);
    await Promise.all(work);
    expect(h.outbox.list().map((m) => m.to)).toEqual(['+33612345670']);
    const next: Promise<unknown>[] = [];
    runner.afterResponse((p) => next.push(p)); // a request that queued nothing hands nothing
    expect(next).toHaveLength(0);
  });

  it('a background task that fails is logged, and its waitUntil promise resolves', async () => {
    const { lines, logger } = recordingLogger();
    h = await makeHarness({ logger });
    const runner = eventJobs(h.deps);
    runner.deps.background!(() => Promise.reject(new TypeError('boom')));
    const work: Promise<unknown>[] = [];
    runner.afterResponse((p) => work.push(p));
    await expect(Promise.all(work)).resolves.toBeDefined();
    expect(lines).toContain('error background task failed {"error":"TypeError"}');
  });

  it('the cron tick runs a full pass; a failing one is logged and answers null', async () => {
    const { lines, logger } = recordingLogger();
    h = await makeHarness({ logger });
    let broken = true;
    const store = h.deps.store;
    const flaky = {
      ...store,
      batch: (s: Parameters<typeof store.batch>[0]) =>
        broken ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : store.batch(s),
    };
    const runner = eventJobs({ ...h.deps, store: flaky }, { jobs: { logEveryMs: 0 } });
    await optInThrough(h.app, '06 12 34 56 71');
    expect(await runner.tick()).toBeNull();
    expect(lines.some((l) => l.startsWith('error jobs failed') && l.includes('SQLITE_BUSY'))).toBe(true);
    broken = false;
    expect(await runner.tick()).toMatchObject({ sent: 1 });
  });
});

describe('timer driver (Node, Deno)', () => {
  it('a request that queues a message gets it sent without waiting for the next tick', async () => {
    h = await makeHarness();
    const runner = timerJobs(h.deps, { everyMs: 60_000, jobs: { logEveryMs: 0 } });
    try {
      await until(() => false, 50); // the first tick has run (nothing due)
      await optInThrough(createApp(runner.deps), '06 12 34 56 72');
      expect(await until(() => h.outbox.list().length === 1)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('a failed tick is logged and the timer goes on', async () => {
    const { lines, logger } = recordingLogger();
    h = await makeHarness({ logger });
    let broken = true;
    const store = h.deps.store;
    const flaky = {
      ...store,
      batch: (s: Parameters<typeof store.batch>[0]) =>
        broken ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : store.batch(s),
    };
    await optInThrough(h.app, '06 12 34 56 73'); // through the harness' app: only the timer sends it
    const runner = timerJobs({ ...h.deps, store: flaky }, { everyMs: 10, jobs: { logEveryMs: 0 } });
    try {
      expect(await until(() => lines.some((l) => l.startsWith('error jobs failed') && l.includes('SQLITE_BUSY')))).toBe(
        true,
      );
      expect(h.outbox.list()).toHaveLength(0);
      broken = false;
      expect(await until(() => h.outbox.list().length === 1)).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('stop runs a last pass, then no more', async () => {
    h = await makeHarness();
    const runner = timerJobs(h.deps, { everyMs: 60_000, jobs: { logEveryMs: 0 } });
    await until(() => false, 50); // the first tick has run (nothing due); the next is a minute away
    await optInThrough(h.app, '06 12 34 56 74'); // through the harness' app: no kick
    expect(h.outbox.list()).toHaveLength(0);
    await runner.stop();
    expect(h.outbox.list()).toHaveLength(1);

    // A fast timer stopped: ten of its ticks later, a queued message is still queued.
    const fast = timerJobs(h.deps, { everyMs: 10, jobs: { logEveryMs: 0 } });
    await fast.stop();
    await optInThrough(h.app, '06 12 34 56 75');
    await until(() => false, 100);
    expect(h.outbox.list()).toHaveLength(1);
  });

  it('a pass that hangs holds up neither the next tick nor stop (the wait is capped)', async () => {
    h = await makeHarness();
    let calls = 0;
    const hung = { ...h.deps.store, batch: () => (calls++, new Promise<never>(() => {})) };
    await optInThrough(h.app, '06 12 34 56 77');
    const runner = timerJobs(
      { ...h.deps, store: hung },
      { everyMs: 10, capMs: 50, jobs: { logEveryMs: 0, handoverIdleMs: 0 } },
    );
    expect(await until(() => calls >= 2)).toBe(true); // a later tick came while the first pass still hung
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
