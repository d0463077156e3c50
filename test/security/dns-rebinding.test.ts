// Finding 7 of the third hardening round: DNS rebinding in dev. A page on rebind.attacker.example points its name at
// 127.0.0.1 and then, same-origin in the browser's eyes, reads /dev/outbox (full numbers, live links) and posts
// forged replies. Dev mode answers only the Host names it listens on (localhost, 127.0.0.1, [::1], HOST, the public
// URL's host), whatever the port; any other Host is a 421 problem+json, before anything is read.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@libsql/client';
import { serve } from '@hono/node-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { generateSigningKey } from '../../worker/crypto/signing.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { parseEnv } from '../../worker/env.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { silentLogger } from '../../worker/logger.ts';
import { buildDeps } from '../../worker/runtime/build-deps.ts';

let secrets: Record<string, string>;
beforeAll(async () => {
  secrets = {
    ASSENT_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    ASSENT_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
  };
});

async function devApp(env: Record<string, string> = {}) {
  const store = libsqlStore(createClient({ url: ':memory:' }));
  await migrate(store, migrations);
  const deps = await buildDeps({
    env: parseEnv({ ...secrets, ...env }),
    store,
    clientIp: () => '127.0.0.1',
    publicUrl: 'http://localhost:8787',
    logger: silentLogger,
    print: () => {},
  });
  deps.devOutbox!.add({
    id: 'm1',
    to: '+33612345678',
    body: 'Confirmez : http://localhost:8787/c/secret',
    createdAt: '2026-11-28T10:00:00.000Z',
  });
  return createApp(deps);
}

async function expectMisdirected(res: Response) {
  expect(res.status).toBe(421);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = await res.text();
  expect(body).not.toContain('+33612345678');
  expect((JSON.parse(body) as { code: string; errors: { path: string }[] }).errors[0]!.path).toBe('Host');
}

describe('dev mode and the Host header', () => {
  it('refuses a rebinding name on /dev/outbox, the reply box, the demo and the API', async () => {
    const app = await devApp();
    await expectMisdirected(
      await app.request('http://rebind.attacker.example:8787/dev/outbox', { headers: { accept: 'application/json' } }),
    );
    await expectMisdirected(
      await app.request('http://rebind.attacker.example:8787/dev/outbox/reply', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'from=%2B33612345678&body=OUI',
      }),
    );
    await expectMisdirected(await app.request('http://rebind.attacker.example/demo'));
    await expectMisdirected(await app.request('http://127.0.0.1.nip.example:8787/v1/sites/demo/widget'));
  });

  it.each(['http://localhost:8787', 'http://127.0.0.1:9999', 'http://[::1]:8787', 'http://LOCALHOST.:8787'])(
    'answers %s',
    async (origin) => {
      const app = await devApp();
      expect((await app.request(`${origin}/dev/outbox`, { headers: { accept: 'application/json' } })).status).toBe(200);
    },
  );

  it("answers HOST and the configured public URL's host; listening everywhere, any IP address but no other name", async () => {
    const named = await devApp({ HOST: 'devbox.lan', ASSENT_PUBLIC_URL: 'https://tunnel.example.net' });
    expect((await named.request('http://devbox.lan:8787/healthz')).status).toBe(200);
    expect((await named.request('https://tunnel.example.net/healthz')).status).toBe(200);
    await expectMisdirected(await named.request('http://other.lan:8787/healthz'));
    const everywhere = await devApp({ HOST: '0.0.0.0' });
    expect((await everywhere.request('http://192.168.1.20:8787/healthz')).status).toBe(200);
    await expectMisdirected(await everywhere.request('http://rebind.attacker.example:8787/healthz'));
  });

  it('production answers any Host (it sits behind its own name and TLS)', async () => {
    const store = libsqlStore(createClient({ url: ':memory:' }));
    await migrate(store, migrations);
    const env = parseEnv({
      ...secrets,
      ASSENT_MODE: 'production',
      ASSENT_PUBLIC_URL: 'https://consent.example',
      ASSENT_ADMIN_TOKEN: 'prod-admin-Xk9pQ2vL7mN4wR8tY1zB6cD3',
    });
    const app = createApp(await buildDeps({ env, store, clientIp: () => undefined, logger: silentLogger }));
    expect((await app.request('http://whatever.example/healthz')).status).toBe(200);
  });

  it('over a real socket: the Host header a rebinding browser sends is refused', async () => {
    const app = await devApp();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request(
          { host: '127.0.0.1', port, path: '/dev/outbox', headers: { host, accept: 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        )
          .on('error', reject)
          .end();
      });
    try {
      expect(await get(`rebind.attacker.example:${port}`)).toBe(421);
      expect(await get(`127.0.0.1:${port}`)).toBe(200);
      expect(await get(`localhost:${port}`)).toBe(200);
    } finally {
      server.close();
    }
  });
});
