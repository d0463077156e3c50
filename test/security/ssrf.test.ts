// Server-side request forgery: a site owner's SMS URLs (webhook `sms.url`, Twilio `sms.apiBaseUrl`) reach public
// https addresses only — refused when saved, refused again at send time after resolving the name, never redirected.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../worker/app.ts';
import { forgetSite } from '../../worker/domain/site/sites.ts';
import { EnvError, parseEnv } from '../../worker/env.ts';
import { createJobs } from '../../worker/jobs.ts';
import { dnsResolver } from '../../worker/entry/node/dns-resolver.ts';
import { pinnedFetch } from '../../worker/entry/node/pinned-fetch.ts';
import { outboundUrlProblem, safeFetch, type Resolver } from '../../worker/net/outbound.ts';
import { createConsoleProvider, memoryDevOutbox } from '../../worker/sms/providers/console.ts';
import { providerRouter } from '../../worker/sms/router.ts';
import { ADMIN_TOKEN, json, makeHarness, optIn, type Harness } from '../harness.ts';

/** Every way of writing a place the server must not call (the list and more). */
const REFUSED = [
  'http://127.0.0.1/sms',
  'https://127.0.0.1/sms',
  'https://0x7f000001/sms',
  'https://2130706433/sms',
  'https://0177.0.0.1/sms',
  'https://127.1/sms',
  'https://[::1]/sms',
  'https://[::ffff:127.0.0.1]/sms',
  'https://[0:0:0:0:0:ffff:7f00:1]/sms',
  'https://169.254.169.254/latest/meta-data/',
  'https://[fd00:ec2::254]/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://localhost/sms',
  'https://localhost./sms',
  'https://hooks.localhost/sms',
  'https://printer.local/sms',
  'https://intranet/sms',
  'https://10.0.0.1/sms',
  'https://172.16.5.4/sms',
  'https://192.168.1.1/sms',
  'https://100.64.0.1/sms',
  'https://0.0.0.0/sms',
  'https://[::]/sms',
  'https://[fe80::1]/sms',
  'https://224.0.0.1/sms',
  'https://255.255.255.255/sms',
  'https://[ff02::1]/sms',
  'https://[64:ff9b::7f00:1]/sms',
  'https://[2002:7f00:1::]/sms',
  'file:///etc/passwd',
  'gopher://hooks.example.com:70/_POST',
  'data:text/plain,hello',
  'ftp://hooks.example.com/sms',
  'https://user:pass@hooks.example.com/sms',
  'https://hooks.example.com@127.0.0.1/sms',
  'http://hooks.example.com/sms',
  'http://hooks.example.com\\@localhost:9999/sms',
  'http://hooks.example.com\\@127.0.0.1:9999/sms',
  'https://%31%32%37.0.0.1/sms',
  'https://127\u30020\u30020\u30021/sms',
  'https://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/sms',
  'not a url',
];
/** The local forms ASSENT_ALLOW_LOCAL_CALLBACKS=1 opens in dev (and nothing more). */
const LOCAL = ['http://127.0.0.1:9999/sms', 'http://localhost:9999/sms'];
const PUBLIC = [
  'https://hooks.example.com/sms',
  'https://1.1.1.1/sms',
  'https://[2606:4700:4700::1111]/sms',
  'https://api.twilio.example:8443',
];

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WEBHOOK_SECRET = 'whsec-0123456789abcdef';

/** A local listener that records every request; it answers 200, or what `answer` says. */
let listener: Server;
let hits: { method: string; url: string }[] = [];
let answer: (url: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
let port = 0;
beforeAll(async () => {
  listener = createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    const { status, headers } = answer(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{"id":"hook-1"}');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  hits = [];
  answer = () => ({ status: 200 });
});

/** A fresh site "hook" (no policy yet, so any provider may be set) using the webhook provider. */
async function webhookSite(h: Harness, url = 'https://hooks.example.com/sms'): Promise<Record<string, unknown>> {
  const got = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
    config: Record<string, unknown>;
  };
  const config: Record<string, unknown> = { ...got.config, sms: { provider: 'webhook', url, secret: WEBHOOK_SECRET } };
  delete config.policy;
  delete config.inboundSecret;
  delete config.challenge;
  const res = await h.app.request('/v1/sites', json({ id: 'hook', config }, admin));
  expect(res.status, await res.clone().text()).toBe(201);
  return config;
}

const put = (h: Harness, config: unknown) => h.app.request('/v1/sites/hook', { ...json(config, admin), method: 'PUT' });
const storedSms = async (h: Harness) =>
  JSON.stringify((await (await h.app.request('/v1/sites/hook', { headers: admin })).json()) as object);

describe('saved: a URL that is not https to a public address is a 422 naming the field, and nothing changes', () => {
  it.each(['production', 'dev'] as const)('%s mode, local callbacks not allowed: sms.url', async (mode) => {
    h = await makeHarness({ mode, outbound: { allowLocal: false } });
    const config = await webhookSite(h);
    const before = await storedSms(h);
    for (const url of [...REFUSED, ...LOCAL]) {
      const res = await put(h, { ...config, sms: { provider: 'webhook', url, secret: WEBHOOK_SECRET } });
      expect(res.status, url).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(
        body.errors.map((e) => e.path),
        url,
      ).toContain('sms.url');
    }
    expect(await storedSms(h)).toBe(before);
    for (const url of PUBLIC) {
      expect((await put(h, { ...config, sms: { provider: 'webhook', url, secret: WEBHOOK_SECRET } })).status, url).toBe(
        200,
      );
    }
  });

  it('sms.apiBaseUrl (Twilio) the same way', async () => {
    h = await makeHarness({ mode: 'production' });
    const config = await webhookSite(h);
    const twilio = {
      provider: 'twilio',
      accountSid: `AC${'a'.repeat(32)}`,
      authToken: 'twilio-token-0123',
      from: '+447700900000',
    };
    // Creating the site with Twilio directly (no published policy to cover a switch yet).
    const created = await h.app.request('/v1/sites', json({ id: 'tw', config: { ...config, sms: twilio } }, admin));
    expect(created.status, await created.clone().text()).toBe(201);
    for (const apiBaseUrl of [...REFUSED, ...LOCAL]) {
      const res = await h.app.request('/v1/sites/tw', {
        ...json({ ...config, sms: { ...twilio, apiBaseUrl } }, admin),
        method: 'PUT',
      });
      expect(res.status, apiBaseUrl).toBe(422);
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(
        body.errors.map((e) => e.path),
        apiBaseUrl,
      ).toContain('sms.apiBaseUrl');
    }
  });

  it('ASSENT_ALLOW_LOCAL_CALLBACKS (dev) opens http://127.0.0.1 and localhost as written, and no other form', async () => {
    h = await makeHarness({ mode: 'dev', outbound: { allowLocal: true } });
    const config = await webhookSite(h);
    for (const url of LOCAL)
      expect((await put(h, { ...config, sms: { provider: 'webhook', url, secret: WEBHOOK_SECRET } })).status, url).toBe(
        200,
      );
    for (const url of REFUSED.filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost)\//.test(u))) {
      expect((await put(h, { ...config, sms: { provider: 'webhook', url, secret: WEBHOOK_SECRET } })).status, url).toBe(
        422,
      );
    }
  });

  it('production refuses to start with ASSENT_ALLOW_LOCAL_CALLBACKS=1', () => {
    const production = {
      ASSENT_MODE: 'production',
      ASSENT_PUBLIC_URL: 'https://consent.example',
      ASSENT_ADMIN_TOKEN: 'prod-admin-Xk9pQ2vL7mN4wR8tY1zB6cD3',
      ASSENT_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
      ASSENT_SIGNING_KEY: JSON.stringify({
        kty: 'OKP',
        crv: 'Ed25519',
        d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      }),
    };
    expect(() => parseEnv(production)).not.toThrow();
    expect(() => parseEnv({ ...production, ASSENT_ALLOW_LOCAL_CALLBACKS: '1' })).toThrow(EnvError);
  });

  it('the literal check refuses every form without a resolver (what Workers relies on)', () => {
    for (const url of [...REFUSED, ...LOCAL])
      expect(outboundUrlProblem(url, { allowLocal: false }), url).not.toBeNull();
    for (const url of PUBLIC) expect(outboundUrlProblem(url, { allowLocal: false }), url).toBeNull();
  });
});

/**
 * An app whose provider router sends through `network`: what the machine's network would do with a URL. Here
 * every name leads to the local listener, as a DNS answer of 127.0.0.1 would; the guard alone stands between.
 */
function sendingApp(h: Harness, outbound: AppDeps['outbound']) {
  const network: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, init);
  };
  const deps: AppDeps = {
    ...h.deps,
    outbound,
    providerFor: providerRouter({
      console: createConsoleProvider({ outbox: memoryDevOutbox(), print: () => {} }),
      fetch: network,
    }),
  };
  return { app: createApp(deps), jobs: createJobs(deps) };
}

/** Points the demo site at `url` as a row written earlier would (bypassing the save-time check), then opts in. */
async function sendThrough(h: Harness, url: string, outbound: AppDeps['outbound']) {
  const { app, jobs } = sendingApp(h, outbound);
  const row = (await h.ctx.sites.get('demo'))!;
  const config = JSON.parse(row.config) as Record<string, unknown>;
  config.sms = { provider: 'webhook', url, secret: WEBHOOK_SECRET };
  await h.ctx.sites.updateConfig('demo', JSON.stringify(config), h.now());
  forgetSite(h.ctx, 'demo');
  const res = await optIn({ ...h, app } as Harness);
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await jobs.run();
  return (await h.ctx.outbox.forConsent(consentId))[0]!;
}

const resolvingTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses;

describe('at send time: the name is resolved and every address must be public', () => {
  it('a name resolving to 127.0.0.1 is refused: the message fails, the local listener gets nothing', async () => {
    h = await makeHarness({ mode: 'production' });
    const row = await sendThrough(h, 'https://hooks.attacker.example/sms', {
      allowLocal: false,
      resolve: resolvingTo('127.0.0.1'),
    });
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/127\.0\.0\.1.*not a public address/);
    expect(hits).toEqual([]);
  });

  it('one private address among public ones is enough to refuse (no address is tried first)', async () => {
    h = await makeHarness({ mode: 'production' });
    const row = await sendThrough(h, 'https://hooks.attacker.example/sms', {
      allowLocal: false,
      resolve: resolvingTo('93.184.216.34', '::ffff:169.254.169.254'),
    });
    expect(row.status).toBe('failed');
    expect(hits).toEqual([]);
  });

  it('a name that does not resolve fails the message without a request', async () => {
    h = await makeHarness({ mode: 'production' });
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const row = await sendThrough(h, 'https://nowhere.attacker.example/sms', { allowLocal: false, resolve: failing });
    expect(row.status).toBe('failed');
    expect(hits).toEqual([]);
  });

  it('a stored local URL is refused when the server does not allow local callbacks (literal check, no resolver)', async () => {
    h = await makeHarness({ mode: 'production' });
    const row = await sendThrough(h, `http://127.0.0.1:${port}/sms`, { allowLocal: false });
    expect(row.status).toBe('failed');
    expect(hits).toEqual([]);
  });

  it('control: a name resolving to a public address is sent (the listener above would have seen a leak)', async () => {
    h = await makeHarness({ mode: 'production' });
    const row = await sendThrough(h, 'https://hooks.example.com/sms', {
      allowLocal: false,
      resolve: resolvingTo('93.184.216.34'),
    });
    expect(row.status).toBe('sent');
    expect(hits).toEqual([{ method: 'POST', url: '/sms' }]);
  });

  it('dev with ASSENT_ALLOW_LOCAL_CALLBACKS: localhost must resolve to loopback only', async () => {
    h = await makeHarness({ mode: 'dev' });
    const ok = await sendThrough(h, `http://localhost:${port}/sms`, {
      allowLocal: true,
      resolve: resolvingTo('127.0.0.1', '::1'),
    });
    expect(ok.status).toBe('sent');
    expect(hits).toHaveLength(1);
  });

  it('the real resolver answers every address of a name (localhost: loopback only)', async () => {
    const addresses = await dnsResolver('localhost');
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(a).toMatch(/^(127\.|::1$)/);
    const guarded = safeFetch({ allowLocal: false, resolve: dnsResolver }, () =>
      Promise.reject(new Error('must not be called')),
    );
    await expect(guarded('https://localhost/sms', { method: 'POST' })).rejects.toThrow(/not a public host/);
  });
});

describe('redirects are a failure, never followed', () => {
  it('a 302 to another address fails the message; the target is never requested', async () => {
    h = await makeHarness({ mode: 'dev' });
    answer = (url) =>
      url === '/sms'
        ? { status: 302, headers: { location: `http://127.0.0.1:${port}/internal-admin` } }
        : { status: 200 };
    const row = await sendThrough(h, `http://127.0.0.1:${port}/sms`, { allowLocal: true });
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/redirect/);
    expect(hits.map((x) => x.url)).toEqual(['/sms']);
  });

  it('307 and 308 too (they would repeat the POST with its body)', async () => {
    for (const status of [301, 303, 307, 308]) {
      hits = [];
      answer = (url) => (url === '/sms' ? { status, headers: { location: '/elsewhere' } } : { status: 200 });
      const guarded = safeFetch({ allowLocal: true });
      await expect(guarded(`http://127.0.0.1:${port}/sms`, { method: 'POST', body: '{}' })).rejects.toThrow(/redirect/);
      expect(hits.map((x) => x.url)).toEqual(['/sms']);
    }
  });
});

describe('Node: the connection goes only to the address that was checked (DNS rebinding)', () => {
  it('a name that answers a public address to the check and 127.0.0.1 at connect time is refused before any socket', async () => {
    const answers = ['93.184.216.34', '127.0.0.1'];
    let calls = 0;
    const rebinding: Resolver = async () => [answers[Math.min(calls++, 1)]!];
    const guarded = safeFetch(
      { allowLocal: false, resolve: rebinding },
      pinnedFetch({ allowLocal: false, resolve: rebinding }),
    );
    let accepted = 0;
    const count = () => accepted++;
    listener.on('connection', count);
    try {
      await expect(
        guarded(`https://rebind.attacker.example:${port}/sms`, { method: 'POST', body: '{}' }),
      ).rejects.toThrow(/127\.0\.0\.1.*not a public address/);
      expect(calls).toBe(2); // checked once by the guard, once by the connection itself
      expect(accepted).toBe(0);
      expect(hits).toEqual([]);
    } finally {
      listener.off('connection', count);
    }
  });

  it('plain http to a name resolving to 127.0.0.1 is refused at connect time; allowed only with local callbacks', async () => {
    const local: Resolver = async () => ['127.0.0.1'];
    await expect(
      pinnedFetch({ allowLocal: false, resolve: local })(`http://hooks.attacker.example:${port}/sms`),
    ).rejects.toThrow(/not a public address/);
    expect(hits).toEqual([]);
    answer = () => ({ status: 201, headers: { 'x-answer': 'yes' } });
    const res = await pinnedFetch({ allowLocal: true, resolve: local })(
      `http://hooks.attacker.example:${port}/sms?x=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"id":"1"}',
      },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(await res.json()).toEqual({ id: 'hook-1' });
    expect(hits).toEqual([{ method: 'POST', url: '/sms?x=1' }]);
  });

  it('an answer larger than 1 MB is cut off instead of held in memory', async () => {
    const big = createServer((_req, res) => res.writeHead(200).end(Buffer.alloc(3 * 1024 * 1024, 120)));
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    try {
      const fetchBig = pinnedFetch({ allowLocal: true, resolve: async () => ['127.0.0.1'] });
      await expect(fetchBig(`http://big.attacker.example:${(big.address() as AddressInfo).port}/`)).rejects.toThrow(
        /larger than/,
      );
    } finally {
      big.closeAllConnections();
      big.close();
    }
  });
});
