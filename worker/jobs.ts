// Background work shared by every runtime: expire pending consents, send due messages. Node and Deno run it on a
// timer and after requests; Workers from Cron Triggers and ctx.waitUntil.
import { contextFromDeps, type AppDeps } from './app.ts';
import { expireDue } from './domain/consents.ts';
import { dispatchDue, type DispatchReport } from './domain/dispatcher.ts';
import { integrate } from './domain/log.ts';
import { applyRetention } from './domain/retention.ts';

export interface JobReport extends DispatchReport {
  expired: number;
  /** Sites whose log got a new signed checkpoint. */
  checkpointed: number;
  /** Subjects erased by the retention rules (checked every ten minutes). */
  erased: number;
}

export function createJobs(input: AppDeps) {
  const { deps, ctx } = contextFromDeps(input);
  let running: Promise<JobReport> | null = null;
  let lastPurge = 0;
  async function runOnce(): Promise<JobReport> {
    const expired = await expireDue(ctx);
    const report = await dispatchDue(ctx, {
      providerFor: deps.providerFor,
      statusCallbackUrl: (site, id) =>
        site.config.sms.provider === 'console' ? undefined : `${ctx.publicUrl}/v1/sites/${site.id}/delivery/${site.config.sms.provider}?m=${id}`,
    });
    // New events get into a signed checkpoint soon, not only when someone asks for a proof.
    const behind = await ctx.log.sitesBehind();
    for (const site of behind) await integrate(ctx, site);
    let retained = 0;
    if (ctx.clock() - lastPurge > 600_000) {
      lastPurge = ctx.clock();
      await ctx.store.batch([ctx.limits.purge(lastPurge)]);
      retained = await applyRetention(ctx);
    }
    return { expired, checkpointed: behind.length, erased: retained, ...report };
  }
  return {
    ctx,
    /** One pass at a time per process; a call during a pass waits for it. */
    run(): Promise<JobReport> {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
export type Jobs = ReturnType<typeof createJobs>;
