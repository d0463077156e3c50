// A small burst against start:workers (workerd, local D1 on disk): every proof and the checkpoint answer 200 during
// and after it, every proof verifies once covered, the log has no gap, every message goes out once. Then the isolate
// is killed right after the last opt-in, its background work (sends, log integration) dropped: a fresh isolate's next
// cron tick, and nothing else, finishes the work.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { burst, startBurstServer } from '../../bench/workerd-burst.ts';
import type { WorkersServer } from '../../scripts/start-workers.ts';
import { availability, freePort, tempDir, workerdPresent } from './servers.ts';

const { skip } = availability('workerd', workerdPresent());

describe.skipIf(skip)('workerd: a burst of opt-ins, then the isolate dropped mid-run', () => {
  const dir = tempDir('workerd-burst');
  let server: WorkersServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('60 opt-ins at 10 connections; killed after the last one, the next tick resumes', {
    timeout: 150_000,
  }, async () => {
    server = await startBurstServer(dir, await freePort(), 60_000); // the production cron: nothing fires during the test
    await fetch(`${server.url}/healthz`);
    const first = await burst(() => server!, { optIns: 30, concurrency: 10, settleMs: 15_000 });
    expect(first).toMatchObject({
      accepted: 30,
      readsNot200: 0,
      verified: 30,
      verifyFailures: 0,
      gapless: true,
      outbox: { sent: 30 },
    });
    expect(first.devOutboxPerNumber).toEqual({ 1: 30 });
    expect(first.coveredAfterMs).not.toBeNull();

    const retired: { to: string }[] = [];
    const dropWindow = { from: 0, to: 0 };
    let atDrop: Record<string, number> = {};
    const options = {
      optIns: 30,
      concurrency: 10,
      settleMs: 20_000,
      offset: 1_000,
      retiredDevOutbox: retired,
      midway: {
        after: 30,
        run: async () => {
          // The last responses just started their background work: kill the isolate now, then only a cron tick
          // (every 2 s on the fresh one) can finish it.
          const d1 = await server!.mf.getD1Database('DB');
          atDrop = (await d1
            .prepare(
              "SELECT (SELECT count(*) FROM outbox WHERE status = 'queued') AS queued, (SELECT count(*) FROM log_leaves) - (SELECT size FROM log_heads) AS behind",
            )
            .first()) as Record<string, number>;
          // The dev provider's outbox lives in the isolate's memory: read it, then stop the isolate. A message it sends
          // between the two is recorded sent in D1 but in no outbox read here; the window is kept to count those.
          dropWindow.from = Date.now();
          retired.push(...((await (await fetch(`${server!.url}/dev/outbox`)).json()) as { to: string }[]));
          await server!.stop();
          dropWindow.to = Date.now();
          server = await startBurstServer(dir, await freePort(), 2_000);
          // Messages the dropped isolate had claimed before it died stay leased to it (60 s): nobody may send them
          // before the lease runs out, since it may have sent them already. The wait is then the lease's, not the tick's.
          const leases = (await (
            await server.mf.getD1Database('DB')
          )
            .prepare(
              "SELECT count(*) AS leased, coalesce(max(lease_until), 0) AS until FROM outbox WHERE status = 'queued' AND lease_until > ?1",
            )
            .bind(Date.now())
            .first()) as { leased: number; until: number };
          atDrop.leased = leases.leased;
          if (leases.leased) options.settleMs = Math.max(options.settleMs, leases.until - Date.now() + 20_000);
        },
      },
    };
    const second = await burst(() => server!, options);
    console.log(
      `dropped with ${atDrop.queued} messages queued (${atDrop.leased} leased) and ${atDrop.behind} leaves outside a checkpoint; covered after ${second.coveredAfterMs} ms, drained after ${second.drainedAfterMs} ms`,
    );
    expect(second).toMatchObject({
      accepted: 30,
      readsNot200: 0,
      verified: 30,
      verifyFailures: 0,
      gapless: true,
      outbox: { sent: 30 },
    });
    expect(second.coveredAfterMs).not.toBeNull();
    expect(second.drainedAfterMs).not.toBeNull();
    // 60 requests and their 60 confirmation SMS, the policy publication and the key announcement (a send the dropped
    // isolate made and the next one made again is logged twice).
    expect(second.logSize).toBeGreaterThanOrEqual(122);
    expect(second.logSize).toBeLessThanOrEqual(125);
    // Every number got its message; one whose send the dropped isolate had made may have gone out again (the dev
    // provider's memory died with the isolate; a real provider's lookup finds it). A number in neither outbox read
    // can only be one the dropped isolate sent between the read of its outbox and its stop: at most as many as D1
    // records sent in that window (a second of margin for the isolate's coarse clock).
    const unseen = second.devOutboxPerNumber['0'] ?? 0;
    if (unseen > 0) {
      const inWindow = (await (
        await server!.mf.getD1Database('DB')
      )
        .prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND sent_at BETWEEN ?1 AND ?2")
        .bind(dropWindow.from - 1000, dropWindow.to + 1000)
        .first()) as { n: number };
      expect(unseen).toBeLessThanOrEqual(inWindow.n);
    }
  });
});
