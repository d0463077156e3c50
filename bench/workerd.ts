// Throughput under workerd (Miniflare, local D1 on disk): a hello-world worker, then the real worker's consent POST
// (a distinct number per request) and send gate, in one run, each as a ratio to the hello-world, with p99.
// Run: npm run build && npx tsx bench/workerd.ts   (BENCH_SECONDS, BENCH_CONNECTIONS to change the load)
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { COMPATIBILITY_DATE, startWorkers } from '../scripts/start-workers.ts';
import { freePort, tempDir } from '../test/runtime/servers.ts';

// autocannon ships no types; this is the part used here.
interface RequestSpec {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: RequestSpec) => RequestSpec;
}
interface AutocannonOptions {
  url: string;
  connections?: number;
  duration?: number;
  headers?: Record<string, string>;
  requests?: RequestSpec[];
}
interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN = 'bench-admin-token-0123456789abcdef';

interface Case {
  name: string;
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, options: AutocannonOptions): Promise<Case> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    name,
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main() {
  const hello = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response("Hello, world!"); } };',
    compatibilityDate: COMPATIBILITY_DATE,
    cf: false,
    host: '127.0.0.1',
    port: await freePort(),
    log: new Log(LogLevel.WARN),
  });
  const helloUrl = (await hello.ready).toString().replace(/\/$/, '');

  for (let i = 0; i < 50; i++) await (await fetch(helloUrl)).text();
  const cases = [await measure('workerd hello-world', { url: helloUrl })];
  for (const persist of [true, false]) cases.push(...(await realWorker(persist)));
  await hello.dispose();

  const baseline = cases[0]!.rps;
  console.log(`workerd bench: ${SECONDS} s per case, ${CONNECTIONS} connections, Miniflare ${COMPATIBILITY_DATE}`);
  for (const c of cases) {
    const ratio = (c.rps / baseline).toFixed(3);
    console.log(
      `${c.name.padEnd(30)} ${c.rps.toFixed(0).padStart(7)} req/s  p99 ${String(c.p99).padStart(5)} ms  ×${ratio} hello${(c.non2xx && !c.name.includes('404')) || c.errors ? `  (non-2xx ${c.non2xx}, errors ${c.errors})` : ''}`,
    );
  }
}

/** The real worker with its local D1 on disk (as `npm run start:workers`) or in memory. */
async function realWorker(persist: boolean): Promise<Case[]> {
  const where = persist ? 'D1 on disk' : 'D1 in memory';
  const dir = tempDir('bench-workerd');
  const port = await freePort();
  const server = await startWorkers({
    env: {
      PORT: String(port),
      ASSENT_DATA_DIR: dir,
      ASSENT_ADMIN_TOKEN: ADMIN,
      ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    quiet: true,
    persist,
  });
  const base = server.url;
  const auth = { authorization: `Bearer ${ADMIN}` };
  // Every bench request comes from 127.0.0.1: raise the demo site's limits so they are not what is measured.
  const site = (await (await fetch(`${base}/v1/sites/demo`, { headers: auth })).json()) as {
    config: Record<string, unknown>;
  };
  const put = await fetch(`${base}/v1/sites/demo`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...site.config,
      limits: { perNumberPerDay: 3, perIpPerHour: 10_000, perSitePerDay: 10_000_000 },
    }),
  });
  if (!put.ok) throw new Error(`could not raise the limits: ${put.status} ${await put.text()}`);
  const doc = (await (await fetch(`${base}/v1/sites/demo/widget?locale=fr`)).json()) as {
    textSha256: string;
    policy: { version: number };
  };

  let n = 0;
  const consentBody = () =>
    JSON.stringify({
      phone: `06 ${String(10 + Math.floor(n / 1e6)).padStart(2, '0')} ${String(Math.floor(n / 1e4) % 100).padStart(2, '0')} ${String(Math.floor(n / 100) % 100).padStart(2, '0')} ${String(n++ % 100).padStart(2, '0')}`,
      choice: 'yes',
      locale: 'fr',
      textSha256: doc.textSha256,
      policyVersion: doc.policy.version,
    });
  const gatePath = '/v1/sites/demo/subscribers/lookup';
  const gateInit = {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '+33610000000' }),
  };
  // Warm the isolate (JIT, D1 statement cache) before measuring.
  for (let i = 0; i < 50; i++) await fetch(`${base}${gatePath}`, gateInit);

  const cases: Case[] = [];
  // The app without storage (a 404 through every middleware): separates Hono and the app from D1's cost.
  if (persist) cases.push(await measure('app, no D1 (404)', { url: `${base}/bench-nothing` }));
  cases.push(
    await measure(`consent POST (${where})`, {
      url: base,
      requests: [
        {
          method: 'POST',
          path: '/v1/sites/demo/consents',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: consentBody() }),
        },
      ],
    }),
  );
  cases.push(await measure(`send gate (${where})`, { url: `${base}${gatePath}`, ...gateInit }));

  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  return cases;
}

await main();
