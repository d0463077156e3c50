// buildDeps (worker/runtime/build-deps.ts), the one wiring every runtime uses: what dev mode adds (the demo site,
// created once; the dev outbox), what production leaves out, and the flags it reads from the environment.
import { createClient } from '@libsql/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { generateSigningKey } from '../../worker/crypto/signing.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { EnvError, parseEnv } from '../../worker/env.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { silentLogger } from '../../worker/logger.ts';
import { buildDeps } from '../../worker/runtime/build-deps.ts';

let secrets: Record<string, string>;
beforeAll(async () => {
  secrets = {
    ASSENT_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
    ASSENT_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
    ASSENT_ADMIN_TOKEN: 'prod-admin-Xk9pQ2vL7mN4wR8tY1zB6cD3',
  };
});

async function freshStore() {
  const store = libsqlStore(createClient({ url: ':memory:' }));
  await migrate(store, migrations);
  return store;
}

const direct = () => '192.0.2.1';

describe('buildDeps', () => {
  it('dev mode: the demo site is created once (its key printed once), /demo and /dev/outbox are served, Server-Timing is on', async () => {
    const store = await freshStore();
    const printed: string[] = [];
    const env = parseEnv({ ...secrets });
    const parts = {
      env,
      store,
      clientIp: direct,
      publicUrl: 'http://localhost:9',
      logger: silentLogger,
      print: (l: string) => void printed.push(l),
    };
    const app = createApp(await buildDeps(parts));
    await buildDeps(parts); // a restart on the same database
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^demo site created; its API key \(shown once\): \S+$/);
    expect((await app.request('/demo')).status).toBe(200);
    expect((await app.request('/dev/outbox', { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await app.request('/healthz')).headers.get('server-timing')).toMatch(/^db;dur=/);
  });

  it('production: no demo site, no dev outbox; ASSENT_SERVER_TIMING=1 turns the header on', async () => {
    const store = await freshStore();
    const printed: string[] = [];
    const env = parseEnv({
      ...secrets,
      ASSENT_MODE: 'production',
      ASSENT_PUBLIC_URL: 'https://consent.example',
      ASSENT_SERVER_TIMING: '1',
    });
    const deps = await buildDeps({
      env,
      store,
      clientIp: direct,
      logger: silentLogger,
      print: (l) => void printed.push(l),
    });
    expect(printed).toEqual([]);
    expect(deps.devOutbox).toBeUndefined();
    expect(deps.publicUrl).toBe('https://consent.example');
    const app = createApp(deps);
    expect((await app.request('/dev/outbox')).status).toBe(404);
    expect((await app.request('/healthz')).headers.get('server-timing')).toMatch(/^db;dur=/);
    const off = createApp(
      await buildDeps({
        env: parseEnv({ ...secrets, ASSENT_SERVER_TIMING: '0' }),
        store,
        clientIp: direct,
        publicUrl: 'http://x.test',
        logger: silentLogger,
        print: () => {},
      }),
    );
    expect((await off.request('/healthz')).headers.get('server-timing')).toBeNull();
  });

  it('refuses to build without a master key, naming it (dev mode has no data dir here to make one)', async () => {
    const store = await freshStore();
    const env = parseEnv({ ASSENT_SIGNING_KEY: secrets.ASSENT_SIGNING_KEY });
    const build = buildDeps({ env, store, clientIp: direct, publicUrl: 'http://x.test', logger: silentLogger });
    await expect(build).rejects.toBeInstanceOf(EnvError);
    await expect(build).rejects.toThrow(/ASSENT_MASTER_KEY is missing/);
  });
});
