// One writer process for concurrent-writers.test.ts: opens the shared database like the Node entry does (openStore:
// the file with its writes on a worker thread, WAL, synchronous=FULL; or the remote URL in TEST_DB_URL), opts in its share of numbers at a common start time, then
// runs the dispatcher until nothing is due, and prints the ids it sent as one JSON line.
import { contextFromDeps, createApp, type AppDeps } from '../../worker/app.ts';
import { signingKeysFrom } from '../../worker/crypto/keys.ts';
import { createSealer } from '../../worker/crypto/sealing.ts';
import { fromBase64 } from '../../worker/crypto/encoding.ts';
import { ensureDemoSite } from '../../worker/domain/dev/demo-site.ts';
import { parseEnv } from '../../worker/env.ts';
import { openStore } from '../../worker/entry/node/store.ts';
import { policyTemplates } from '../../worker/generated/policy-templates.ts';
import { createJobs } from '../../worker/jobs.ts';
import { silentLogger } from '../../worker/logger.ts';
import { createConsoleProvider, memoryDevOutbox } from '../../worker/sms/providers/console.ts';
import { providerRouter } from '../../worker/sms/router.ts';

/** `dbUrl`: a remote libSQL URL (the Hrana test server) instead of the data dir's file. */
export async function openInstance(dir: string, secrets: { masterKey: string; signingKey: string }, dbUrl?: string) {
  const store = await openStore(parseEnv({ ASSENT_DATA_DIR: dir, ...(dbUrl ? { ASSENT_DB_URL: dbUrl } : {}) }), {
    writerThread: true,
  });
  const outbox = memoryDevOutbox();
  const deps: AppDeps = {
    store,
    sealer: await createSealer({
      masterKey: fromBase64(secrets.masterKey),
      random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    }),
    mode: 'dev',
    publicUrl: 'https://assent.test',
    adminToken: null,
    keys: await signingKeysFrom(secrets.signingKey),
    providerFor: providerRouter({ console: createConsoleProvider({ outbox, print: () => {} }) }),
    logger: silentLogger,
    devOutbox: outbox,
    // Distinct addresses, so the per-address rate limit is not what the test measures.
    clientIp: (c) => c.req.header('x-test-ip'),
  };
  return {
    store,
    outbox,
    deps,
    app: createApp(deps),
    jobs: createJobs(deps),
    ensureDemo: () => ensureDemoSite(contextFromDeps(deps).ctx, policyTemplates),
  };
}

export const numberFor = (i: number) =>
  `06 10 00 ${String(Math.floor(i / 100)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;

async function main() {
  const [dir, first, count, startAt] = process.argv.slice(2);
  const secrets = JSON.parse(process.env.TEST_SECRETS!) as { masterKey: string; signingKey: string };
  const instance = await openInstance(dir!, secrets, process.env.TEST_DB_URL || undefined);
  const doc = (await (await instance.app.request('/v1/sites/demo/widget?locale=fr')).json()) as {
    textSha256: string;
    policy: { version: number };
  };
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  const statuses = await Promise.all(
    Array.from({ length: Number(count) }, async (_, k) => {
      const i = Number(first) + k;
      const res = await instance.app.request('/v1/sites/demo/consents', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-ip': `10.0.${Math.floor(i / 200)}.${i % 200}` },
        body: JSON.stringify({
          phone: numberFor(i),
          choice: 'yes',
          locale: 'fr',
          textSha256: doc.textSha256,
          policyVersion: doc.policy.version,
        }),
      });
      return res.status;
    }),
  );
  // Both processes dispatch the whole outbox at once, several passes each, racing for the same messages.
  for (let pass = 0; pass < 5; pass++) await instance.jobs.run();
  process.stdout.write(`${JSON.stringify({ statuses, sent: instance.outbox.list().map((m) => m.id) })}\n`);
  await instance.store.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
