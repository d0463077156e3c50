// buildDeps (worker/runtime/build-deps.ts), the one wiring every runtime uses: what dev mode adds (the demo site,
// created once; the dev outbox), what production leaves out, and the flags it reads from the environment.
import { createClient } from '@libsql/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextFromDeps, createApp } from '../../worker/app.ts';
import { sealConfig } from '../../worker/domain/site/index.ts';
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

describe('buildDeps refuses a master key the database was not written with', () => {
  const keyB = Buffer.alloc(32, 4).toString('base64');
  const start = (store: Awaited<ReturnType<typeof freshStore>>, masterKey: string) =>
    buildDeps({
      env: parseEnv({ ...secrets, ASSENT_MASTER_KEY: masterKey }),
      store,
      clientIp: direct,
      publicUrl: 'http://localhost:9',
      logger: silentLogger,
      print: () => {},
    });

  it('a stored number sealed under key A stops a start with key B, naming the variable; key A starts again', async () => {
    const store = await freshStore();
    const deps = await start(store, secrets.ASSENT_MASTER_KEY!);
    const { ctx } = contextFromDeps(deps);
    const { wrappedKey, sealed } = await deps.sealer.newSubject('subject-1', ['+33612345678']);
    const phoneIndex = await deps.sealer.blindIndex('demo', '+33612345678');
    await store.batch([
      ctx.subjects.insert({
        id: 'subject-1',
        siteId: 'demo',
        phoneIndex,
        phoneCiphertext: sealed[0]!,
        wrappedKey,
        country: 'FR',
        masked: '+33 6 •• •• •• 78',
        createdAt: 0,
      }),
    ]);
    const refused = start(store, keyB);
    await expect(refused).rejects.toBeInstanceOf(EnvError);
    await expect(refused).rejects.toThrow(/^ASSENT_MASTER_KEY does not open the stored phone numbers/);
    await expect(start(store, secrets.ASSENT_MASTER_KEY!)).resolves.toBeDefined();
  });

  it('a site’s sealed secrets stop it too when no number is stored yet', async () => {
    const store = await freshStore();
    const deps = await start(store, secrets.ASSENT_MASTER_KEY!);
    const { ctx } = contextFromDeps(deps);
    const row = (await ctx.sites.get('demo'))!;
    const config = { ...JSON.parse(row.config), inboundSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwxJc1Lm9dVKc=' };
    await ctx.sites.updateConfig('demo', await sealConfig(deps.sealer, 'demo', config), 1);
    await expect(start(store, keyB)).rejects.toThrow(/^ASSENT_MASTER_KEY does not open the secrets of site demo/);
  });
});
