// The Deno Deploy entry run for real under Deno, against a remote libSQL database (the Hrana test server): it refuses
// to start without a remote URL, serves in production mode, and a message queued by a request leaves after that
// response (Deno.cron only ticks once a minute): the opt-in's confirmation is sent and its event logged within seconds.
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { parseEnv } from '../../worker/env.ts';
import { openStore } from '../../worker/entry/node/store.ts';
import { startHranaServer, type HranaTestServer } from '../runtime/hrana-server.ts';
import {
  ADMIN_TOKEN,
  availability,
  denoBin,
  freePort,
  runs,
  startChild,
  tempDir,
  waitHealthy,
  type Child,
} from '../runtime/servers.ts';

const { skip } = availability('deno', runs(denoBin));
const secrets = {
  ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
  ASSENT_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
  ASSENT_SIGNING_KEY: JSON.stringify({
    kty: 'OKP',
    crv: 'Ed25519',
    d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  }),
  DENO_NO_UPDATE_CHECK: '1',
};
const args = ['run', '-A', '--unstable-cron', '--node-modules-dir=manual', 'worker/entry/deno-deploy.ts'];

describe.skipIf(skip)('Deno Deploy entry (real Deno, remote libSQL)', () => {
  let hrana: HranaTestServer;
  let child: Child;
  let base: string;
  let file: string;
  beforeAll(async () => {
    const dir = tempDir('deno-deploy');
    file = join(dir, 'remote.db');
    hrana = await startHranaServer({ path: file });
    await (await openStore(parseEnv({ ASSENT_DB_URL: hrana.url, ASSENT_DATA_DIR: dir }))).close(); // npm run db:migrate
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = startChild(denoBin, args, {
      ...secrets,
      ASSENT_DB_URL: hrana.url,
      ASSENT_PUBLIC_URL: base,
      DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
    });
    await waitHealthy(base, child, 50_000);
  }, 60_000);
  afterAll(async () => {
    await child?.stop();
    await hrana?.close();
  });

  it('refuses a file database, naming the variable', { timeout: 30_000 }, async () => {
    const refused = startChild(denoBin, args, {
      ...secrets,
      ASSENT_PUBLIC_URL: 'https://consent.example',
      ASSENT_DB_URL: 'file:x.db',
    });
    await new Promise((resolve) => refused.process.once('exit', resolve));
    expect(refused.process.exitCode).not.toBe(0);
    expect(refused.output()).toContain('ASSENT_DB_URL must be a remote libSQL URL');
  });

  it('runs in production mode, and sends what a request queued right after its response', {
    timeout: 30_000,
  }, async () => {
    expect((await fetch(`${base}/dev/outbox`)).status).toBe(404);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    expect(
      (
        await fetch(`${base}/v1/sites`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ id: 'shop', config: demoSiteConfig }),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await fetch(`${base}/v1/sites/shop/policies`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ summary: 'First version.' }),
        })
      ).status,
    ).toBe(201);
    const logSize = async () => ((await (await fetch(`${base}/v1/sites/shop/log`)).json()) as { size: number }).size;
    const before = await logSize();
    const widget = (await (await fetch(`${base}/v1/sites/shop/widget?locale=fr`)).json()) as {
      textSha256: string;
      policy: { version: number };
      locale: string;
    };
    const optIn = {
      phone: '06 12 34 56 78',
      choice: 'yes',
      textSha256: widget.textSha256,
      policyVersion: widget.policy.version,
      locale: widget.locale,
    };
    expect(
      (
        await fetch(`${base}/v1/sites/shop/consents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: base },
          body: JSON.stringify(optIn),
        })
      ).status,
    ).toBe(202);

    const db = new Database(file, { readonly: true });
    try {
      // Deno.cron ticks at the top of each minute: within 5 s, it is almost surely the response's own work that ran.
      const deadline = Date.now() + 5_000;
      let sent = 0;
      let logged = before;
      while (Date.now() < deadline && !(sent === 1 && logged > before)) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        sent = (
          db.prepare("SELECT count(*) AS n FROM outbox WHERE site_id = 'shop' AND status = 'sent'").get() as {
            n: number;
          }
        ).n;
        logged = await logSize();
      }
      expect({ sent, logged: logged > before }).toEqual({ sent: 1, logged: true });
    } finally {
      db.close();
    }
  });
});
