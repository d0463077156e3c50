import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../worker/env.ts';
import { listenHost } from '../worker/entry/node/local.ts';
import { loadEnv } from '../worker/entry/node/load-env.ts';
import { openStore } from '../worker/entry/node/store.ts';

const secrets = {
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

describe('environment', () => {
  it('has working defaults in dev mode', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 8787,
      ASSENT_MODE: 'dev',
      ASSENT_DATA_DIR: './data',
      ASSENT_TRUST_PROXY: 0,
      ASSENT_ALLOW_LOCAL_CALLBACKS: false,
    });
  });

  it('refuses production without each secret, naming the missing one', () => {
    expect(() => parseEnv({ ASSENT_MODE: 'production', ...secrets })).not.toThrow();
    for (const name of Object.keys(secrets)) {
      const env: Record<string, string> = { ASSENT_MODE: 'production', ...secrets };
      delete env[name];
      expect(() => parseEnv(env)).toThrow(new RegExp(`${name} is missing`));
    }
  });

  it('names the variable with a bad value', () => {
    expect(() => parseEnv({ ASSENT_MASTER_KEY: 'c2hvcnQ=' })).toThrow(EnvError);
    expect(() => parseEnv({ ASSENT_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/ASSENT_MASTER_KEY: must be 32 bytes/);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT: must be a whole number from 0 to 65535/);
    expect(() => parseEnv({ PORT: '8080.5' })).toThrow(/PORT: must be a whole number/);
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT: must be from 0 to 65535/);
    expect(() => parseEnv({ ASSENT_WITNESS_INTERVAL: 'often' })).toThrow(
      /ASSENT_WITNESS_INTERVAL: must be a whole number/,
    );
    expect(parseEnv({ PORT: ' 8080 ' }).PORT).toBe(8080);
  });

  it('production takes an https public URL only, or http on this machine for a trial', () => {
    const production = { ...secrets, ASSENT_MODE: 'production' };
    expect(() => parseEnv({ ...production, ASSENT_PUBLIC_URL: 'http://consent.example' })).toThrow(
      /ASSENT_PUBLIC_URL must be https:\/\/ in production/,
    );
    expect(parseEnv({ ...production, ASSENT_PUBLIC_URL: 'https://consent.example' }).ASSENT_PUBLIC_URL).toBe(
      'https://consent.example',
    );
    expect(parseEnv({ ...production, ASSENT_PUBLIC_URL: 'http://localhost:8787' }).ASSENT_MODE).toBe('production');
    expect(parseEnv({ ASSENT_PUBLIC_URL: 'http://consent.example' }).ASSENT_MODE).toBe('dev');
    // A short token is told what production asks for, not a minimum it would refuse next.
    expect(() => parseEnv({ ASSENT_MODE: 'production', ...secrets, ASSENT_ADMIN_TOKEN: 'x'.repeat(12) })).toThrow(
      /ASSENT_ADMIN_TOKEN: must be at least 24 characters \(production: 32, e\.g\. `openssl rand -base64 32`\)/,
    );
    expect(() => parseEnv({ ASSENT_SIGNING_KEY: '{"kty":"RSA"}' })).toThrow(
      /ASSENT_SIGNING_KEY: must be an Ed25519 private JWK/,
    );
  });

  it('ASSENT_ALLOW_LOCAL_CALLBACKS=1 works in dev mode only: production refuses to start with it', () => {
    expect(parseEnv({ ASSENT_ALLOW_LOCAL_CALLBACKS: '1' }).ASSENT_ALLOW_LOCAL_CALLBACKS).toBe(true);
    expect(() => parseEnv({ ASSENT_MODE: 'production', ...secrets, ASSENT_ALLOW_LOCAL_CALLBACKS: '1' })).toThrow(
      /ASSENT_ALLOW_LOCAL_CALLBACKS=1 is for dev mode only/,
    );
    expect(
      parseEnv({ ASSENT_MODE: 'production', ...secrets, ASSENT_ALLOW_LOCAL_CALLBACKS: '0' })
        .ASSENT_ALLOW_LOCAL_CALLBACKS,
    ).toBe(false);
    expect(() => parseEnv({ ASSENT_ALLOW_LOCAL_CALLBACKS: 'yes' })).toThrow(/ASSENT_ALLOW_LOCAL_CALLBACKS/);
  });

  it('ASSENT_TRUST_PROXY is a number of proxies; anything else is refused, naming it', () => {
    expect(parseEnv({ ASSENT_TRUST_PROXY: '2' }).ASSENT_TRUST_PROXY).toBe(2);
    for (const bad of ['true', '-1', '1.5', 'all']) {
      expect(() => parseEnv({ ASSENT_TRUST_PROXY: bad })).toThrow(/ASSENT_TRUST_PROXY: must be the number of proxies/);
    }
  });

  it('ASSENT_DB_URL is refused naming it when it is a bare path or another database’s URL', () => {
    for (const url of ['/var/lib/assent/assent.db', 'postgres://db/assent', 'assent.db'])
      expect(() => parseEnv({ ASSENT_DB_URL: url })).toThrow(/ASSENT_DB_URL: must be file:PATH/);
    for (const url of ['file:x.db', 'file:///var/lib/assent/assent.db', 'libsql://db.turso.io', 'https://db.example'])
      expect(parseEnv({ ASSENT_DB_URL: url }).ASSENT_DB_URL).toBe(url);
  });

  it('dev mode listens on 127.0.0.1 unless HOST says otherwise; production on every interface', () => {
    expect(listenHost(parseEnv({}))).toBe('127.0.0.1');
    expect(listenHost(parseEnv({ HOST: '0.0.0.0' }))).toBe('0.0.0.0');
    expect(listenHost(parseEnv({ ASSENT_MODE: 'production', ...secrets }))).toBe('0.0.0.0');
    expect(listenHost(parseEnv({ ASSENT_MODE: 'production', ...secrets, HOST: '10.0.0.5' }))).toBe('10.0.0.5');
  });

  it('generates dev secrets once and reuses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-env-'));
    const first = await loadEnv({ ASSENT_DATA_DIR: dir });
    const again = await loadEnv({ ASSENT_DATA_DIR: dir });
    expect(first.ASSENT_MASTER_KEY).toBe(again.ASSENT_MASTER_KEY);
    expect(first.ASSENT_SIGNING_KEY).toBe(again.ASSENT_SIGNING_KEY);
    expect(first.ASSENT_ADMIN_TOKEN).toBe(again.ASSENT_ADMIN_TOKEN);
  });

  it('opens the embedded file in WAL mode with synchronous=FULL, which holds after writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-db-'));
    const store = await openStore(parseEnv({ ASSENT_DATA_DIR: dir }));
    await store.execBatch(["INSERT INTO rate_counters (key, count, expires_at) VALUES ('k', 1, 0)"]);
    expect(await store.queryColumn('PRAGMA journal_mode')).toEqual(['wal']);
    expect(await store.queryColumn('PRAGMA synchronous')).toEqual([2]);
    await store.close();
  });

  it('the Node entry exits with one line naming PORT when the port is taken, not a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'worker/entry/node.ts'], {
        env: {
          ...process.env,
          ASSENT_MODE: 'production',
          ...secrets,
          ASSENT_DATA_DIR: mkdtempSync(join(tmpdir(), 'assent-port-')),
          PORT: port,
          HOST: '127.0.0.1',
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`Could not listen on 127.0.0.1:${port}: the port is in use`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('the Node entry exits with the message naming the missing secret', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'worker/entry/node.ts'], {
      env: { ...process.env, ASSENT_MODE: 'production', ...secrets, ASSENT_MASTER_KEY: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ASSENT_MASTER_KEY/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
