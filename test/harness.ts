// A fresh app for each test: in-memory libSQL with the migrations, a fixed clock you can move, the demo site,
// the console provider's outbox, and the jobs runner.
import { createClient } from '@libsql/client';
import { contextFromDeps, createApp, type AppDeps } from '../worker/app.ts';
import { createSealer } from '../worker/crypto/sealing.ts';
import { createNodeSealer } from '../worker/entry/node/sealer.ts';
import { signingKeysFrom } from '../worker/crypto/keys.ts';
import { generateSigningKey } from '../worker/crypto/signing.ts';
import type { SigningKeys } from '../worker/crypto/keys.ts';
import type { Store } from '../worker/db/client.ts';
import { libsqlStore } from '../worker/db/libsql.ts';
import { migrate } from '../worker/db/migrate.ts';
import { ensureDemoSite } from '../worker/domain/dev/demo-site.ts';
import { migrations } from '../worker/generated/migrations.ts';
import { policyTemplates } from '../worker/generated/policy-templates.ts';
import { createJobs } from '../worker/jobs.ts';
import { silentLogger, type Logger } from '../worker/logger.ts';
import { createConsoleProvider, memoryDevOutbox } from '../worker/sms/providers/console.ts';
import { providerRouter } from '../worker/sms/router.ts';
import type { SmsProvider } from '../worker/sms/provider.ts';
import type { Random } from '../worker/crypto/tokens.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const START = Date.parse('2026-11-28T10:00:00Z');

let sharedKeys: SigningKeys | undefined;
/** One signing key per test run (generating one per test is wasted time). */
export async function testKeys(): Promise<SigningKeys> {
  sharedKeys ??= await signingKeysFrom(JSON.stringify(await generateSigningKey()));
  return sharedKeys;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  ctx: ReturnType<typeof contextFromDeps>['ctx'];
  outbox: ReturnType<typeof memoryDevOutbox>;
  jobs: ReturnType<typeof createJobs>;
  demoKey: string;
  now(): number;
  advance(ms: number): void;
  /** Runs the jobs (expiry, dispatch) once. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function makeHarness(
  options: {
    mode?: 'dev' | 'production';
    url?: string;
    logger?: Logger;
    provider?: SmsProvider;
    start?: number;
    keys?: SigningKeys;
    /** Base for links in messages and pages (a test serving the app over HTTP passes its own origin). */
    publicUrl?: string;
    /** Default: dev mode may call http://127.0.0.1 stand-ins (as ASSENT_ALLOW_LOCAL_CALLBACKS=1), production may not. */
    outbound?: AppDeps['outbound'];
    /** An opened store to use instead of a fresh libSQL client at `url` (e.g. one that fails with real error codes). */
    store?: Store;
    /** Ids and tokens from this source instead of WebCrypto (a seeded one makes a whole run reproducible). */
    random?: Random;
    /** `node`: the Node entry's synchronous sealer (node:crypto) instead of WebCrypto's, as the Node server runs. */
    sealer?: 'webcrypto' | 'node';
  } = {},
): Promise<Harness> {
  const store = options.store ?? libsqlStore(createClient({ url: options.url ?? ':memory:' }));
  await migrate(store, migrations);
  let now = options.start ?? START;
  const outbox = memoryDevOutbox();
  const consoleProvider = createConsoleProvider({ outbox, clock: () => now, print: () => {} });
  const masterKey = new Uint8Array(32).fill(7);
  const deps: AppDeps = {
    store,
    sealer:
      options.sealer === 'node'
        ? createNodeSealer({ masterKey, random: (n) => crypto.getRandomValues(new Uint8Array(n)) })
        : await createSealer({ masterKey, random: (n) => crypto.getRandomValues(new Uint8Array(n)) }),
    mode: options.mode ?? 'dev',
    publicUrl: options.publicUrl ?? 'https://assent.test',
    adminToken: ADMIN_TOKEN,
    keys: options.keys ?? (await testKeys()),
    providerFor: options.provider ? () => options.provider! : providerRouter({ console: consoleProvider }),
    clock: () => now,
    logger: options.logger ?? silentLogger,
    devOutbox: outbox,
    outbound: options.outbound ?? { allowLocal: (options.mode ?? 'dev') === 'dev' },
    ...(options.random ? { random: options.random } : {}),
  };
  const { ctx } = contextFromDeps(deps);
  const demoKey = (await ensureDemoSite(ctx, policyTemplates))!;
  const jobs = createJobs(deps);
  return {
    app: createApp(deps),
    deps,
    ctx,
    outbox,
    jobs,
    demoKey,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async flush() {
      await jobs.run();
    },
    close: async () => store.close(),
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Fetches the widget document, as the widget does, and returns what a submission must cite. */
/** The harness's app again, with the client address taken from an `X-Test-IP` header (else `fallback`), for tests
 * of per-address limits and of what a receipt records about where a request came from. */
export function appWithTestIp(h: Harness, fallback = '203.0.113.1', extra: Partial<AppDeps> = {}) {
  return createApp({ ...h.deps, clientIp: (c) => c.req.header('x-test-ip') ?? fallback, ...extra });
}

export async function widgetFor(h: Harness, locale = 'fr', site = 'demo') {
  const res = await h.app.request(`/v1/sites/${site}/widget?locale=${locale}`);
  if (res.status !== 200) throw new Error(`widget ${res.status}`);
  const doc = (await res.json()) as { textSha256: string; policy: { version: number }; locale: string };
  return { textSha256: doc.textSha256, policyVersion: doc.policy.version, locale: doc.locale };
}

export async function optIn(h: Harness, phone = '06 12 34 56 78', extra: Record<string, unknown> = {}) {
  const w = await widgetFor(h, (extra.locale as string) ?? 'fr');
  return h.app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...w, ...extra }));
}

/** The token in the latest message to a number whose body has a /c/ or /u/ link. */
export function linkToken(h: Harness, kind: 'c' | 'u', to = '+33612345678'): string {
  const messages = h.outbox.list().filter((m) => m.to === to);
  for (const m of messages.reverse()) {
    const match = new RegExp(`/${kind}/([A-Za-z0-9_-]{43})`).exec(m.body);
    if (match) return match[1]!;
  }
  throw new Error(`no /${kind}/ link sent to that number`);
}

/** Opts a number in (fr widget texts), runs the jobs, and returns the pending consent's id. */
export async function pendingConsent(h: Harness, phone = '06 12 34 56 78'): Promise<string> {
  const res = await optIn(h, phone);
  if (res.status !== 202) throw new Error(`opt-in answered ${res.status}`);
  const body = (await res.json()) as { consentId: string };
  await h.flush();
  return body.consentId;
}

/** A confirmed consent for 06 12 34 56 78 (through its link) and the token of its unsubscribe link. */
export async function confirmedConsent(h: Harness): Promise<{ consentId: string; unsubscribe: string }> {
  const consentId = await pendingConsent(h);
  const res = await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`confirm answered ${res.status}`);
  await h.flush();
  return { consentId, unsubscribe: linkToken(h, 'u') };
}

export const consentStatus = async (h: Harness, consentId: string) => (await h.ctx.consents.byId(consentId))!.status;
