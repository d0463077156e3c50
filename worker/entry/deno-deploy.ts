// Deno Deploy entry: no filesystem and no native modules there, so the database is a remote libSQL/Turso (fetch
// client), secrets come from the project's environment variables, and the jobs run from Deno.cron and after requests.
// Apply the migrations first from any machine: `ASSENT_DB_URL=… ASSENT_DB_AUTH_TOKEN=… npm run db:migrate`.
import { getConnInfo } from 'hono/deno';
import { createApp, type AppDeps } from '../app.ts';
import { fromBase64 } from '../crypto/encoding.ts';
import { signingKeysFrom } from '../crypto/keys.ts';
import { createSealer } from '../crypto/sealing.ts';
import { libsqlWebStore } from '../db/libsql-web.ts';
import { parseEnv } from '../env.ts';
import { clientIpResolver } from '../net/client-ip.ts';
import type { Resolver } from '../net/outbound.ts';
import { createJobs } from '../jobs.ts';
import { createConsoleProvider, memoryDevOutbox } from '../sms/providers/console.ts';
import { providerRouter } from '../sms/router.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown;
  cron(name: string, schedule: string, handler: () => Promise<unknown>): Promise<void>;
  resolveDns(name: string, type: 'A' | 'AAAA'): Promise<string[]>;
};

// Every A and AAAA address of a name, so a configured URL pointing at a private address is refused before sending.
const resolveAll: Resolver = async (host) =>
  (await Promise.all((['A', 'AAAA'] as const).map((type) => Deno.resolveDns(host, type).catch(() => [] as string[])))).flat();

const env = parseEnv({ ...Deno.env.toObject(), ASSENT_MODE: 'production' });
if (!env.ASSENT_DB_URL || env.ASSENT_DB_URL.startsWith('file:')) {
  throw new Error('On Deno Deploy, ASSENT_DB_URL must be a remote libSQL URL (libsql:// or https://).');
}
const deps: AppDeps = {
  store: libsqlWebStore({ url: env.ASSENT_DB_URL, ...(env.ASSENT_DB_AUTH_TOKEN ? { authToken: env.ASSENT_DB_AUTH_TOKEN } : {}) }),
  sealer: await createSealer({ masterKey: fromBase64(env.ASSENT_MASTER_KEY!), random: (n) => crypto.getRandomValues(new Uint8Array(n)) }),
  mode: 'production',
  publicUrl: env.ASSENT_PUBLIC_URL!,
  adminToken: env.ASSENT_ADMIN_TOKEN ?? null,
  keys: await signingKeysFrom(env.ASSENT_SIGNING_KEY!, env.ASSENT_SIGNING_KEYS_RETIRED),
  providerFor: providerRouter({ console: createConsoleProvider({ outbox: memoryDevOutbox() }) }),
  onQueued: () => void jobs.kick(), // a failed pass is logged by the jobs loop
  clientIp: clientIpResolver(env.ASSENT_TRUST_PROXY, (c) => getConnInfo(c).remote.address, (c) => c.req.header('x-forwarded-for')),
  ...(env.ASSENT_SERVER_TIMING !== undefined ? { serverTiming: env.ASSENT_SERVER_TIMING } : {}),
  outbound: { allowLocal: false, resolve: resolveAll },
};
const jobs = createJobs(deps);
void Deno.cron('assent jobs', '* * * * *', () => jobs.kick(true));
Deno.serve(createApp(deps).fetch);
