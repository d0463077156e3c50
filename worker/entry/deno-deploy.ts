// Deno Deploy entry: no filesystem and no native modules there, so the database is a remote libSQL/Turso (fetch
// client), secrets come from the project's environment variables, and the jobs run from Deno.cron and after requests.
// Apply the migrations first from any machine: `ASSENT_DB_URL=… ASSENT_DB_AUTH_TOKEN=… npm run db:migrate`.
import { getConnInfo } from 'hono/deno';
import { createApp } from '../app.ts';
import { parseEnv } from '../env.ts';
import { buildDeps, clientIpResolver } from '../runtime/build-deps.ts';
import { eventJobs } from '../runtime/jobs-runner.ts';
import { remoteStore } from '../runtime/remote-store.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown;
  cron(name: string, schedule: string, handler: () => Promise<unknown>): Promise<void>;
  resolveDns(name: string, type: 'A' | 'AAAA'): Promise<string[]>;
};

// Every A and AAAA address of a name (a type it has no record of adds none), so a configured URL pointing at a
// private address is refused before sending.
const resolveOne = (host: string, type: 'A' | 'AAAA') =>
  Deno.resolveDns(host, type).catch((error: Error) => (error.name === 'NotFound' ? [] : Promise.reject(error)));
const resolveAll = async (host: string) =>
  (await Promise.all([resolveOne(host, 'A'), resolveOne(host, 'AAAA')])).flat();

const env = parseEnv({ ...Deno.env.toObject(), ASSENT_MODE: 'production' });
const store = remoteStore(env);
if (!store) throw new Error('On Deno Deploy, ASSENT_DB_URL must be a remote libSQL URL (libsql:// or https://).');
const clientIp = clientIpResolver(env, (c) => getConnInfo(c).remote.address);
const jobs = eventJobs(await buildDeps({ env, store, clientIp, resolve: resolveAll }));
const app = createApp(jobs.deps);
void Deno.cron('assent jobs', '* * * * *', jobs.tick);
// Deno Deploy keeps an isolate's pending promises running after the response; what a request asked for starts then.
Deno.serve(async (request, info) => {
  const response = await app.fetch(request, info);
  jobs.afterResponse((work) => void work); // each piece of work logs its own failure
  return response;
});
