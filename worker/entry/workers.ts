// Cloudflare Workers entry: bindings → dependencies, once per isolate → createApp. Background work runs from Cron
// Triggers and from the waitUntil of the request that queued it (runtime/jobs-runner.ts eventJobs).
import type { Context, ExecutionContext } from 'hono';
import { createApp } from '../app.ts';
import { buildDeps } from '../runtime/build-deps.ts';
import { eventJobs } from '../runtime/jobs-runner.ts';
import { logStartupFailure, startupProblem } from '../runtime/startup-problem.ts';
import { fromBindings } from './workers/bindings.ts';

async function build(raw: Record<string, unknown>, origin: string) {
  const { env, store } = await fromBindings(raw);
  // Workers sets CF-Connecting-IP itself; a client cannot forge it. Dev (start:workers) may use the request's origin.
  const clientIp = (c: Context) => c.req.header('cf-connecting-ip') ?? undefined;
  const deps = await buildDeps({ env, store, publicUrl: origin, clientIp });
  const jobs = eventJobs(deps);
  return { app: createApp(jobs.deps), jobs };
}

let runtime: ReturnType<typeof build> | null = null;
const runtimeFor = (env: Record<string, unknown>, origin: string) =>
  (runtime ??= build(env, origin).catch((error: unknown) => {
    runtime = null; // the next request tries again
    throw error;
  }));

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const rt = await runtimeFor(env, new URL(request.url).origin).catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    );
    if (rt instanceof Error) return startupProblem(rt);
    const response = await rt.app.fetch(request, env, ctx);
    rt.jobs.afterResponse((work) => ctx.waitUntil(work));
    return response;
  },
  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(runtimeFor(env, 'http://localhost:8787').then((rt) => rt.jobs.tick(), logStartupFailure));
  },
};
