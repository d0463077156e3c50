// Provider and webhook secrets never sit in clear in the database file or its WAL (a stolen backup gives no
// provider access), yet sending, inbound signatures and challenges still use them; rows written in clear before
// sealing are resealed at their first load.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../worker/entry/node/store.ts';
import type { Env } from '../../worker/env.ts';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { forgetSite, loadSite } from '../../worker/domain/site/sites.ts';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  INBOUND_SECRET,
  genericInbound,
  startFakeTwilio,
  useTwilio,
  type FakeTwilio,
} from '../sms/fixtures.ts';
import { ADMIN_TOKEN, json, makeHarness, pendingConsent, type Harness } from '../harness.ts';

const WEBHOOK_SECRET = 'whsec-webhook-secret-never-in-clear';
const TURNSTILE_SECRET = 'turnstile-secret-never-in-clear';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

let dir: string;
let h: Harness;
let twilio: FakeTwilio;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assent-secrets-'));
  // The store exactly as the Node entry opens it: a file in WAL mode, one connection, group commit.
  const store = await openStore({ ASSENT_DATA_DIR: dir } as Env);
  h = await makeHarness({ store });
  twilio = await startFakeTwilio(() => h.now());
});
afterEach(async () => {
  await twilio.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte the database keeps on disk: the main file and the write-ahead log. */
function diskBytes(): string {
  const files = ['assent.db', 'assent.db-wal'].map((f) => join(dir, f));
  expect(existsSync(files[0]!)).toBe(true);
  return files
    .filter(existsSync)
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

describe('secrets at rest', () => {
  it('after PUTs setting every secret, none is in the .db or -wal file; sending and inbound checks still use them', async () => {
    await useTwilio(h, twilio.baseUrl, {
      inboundSecret: INBOUND_SECRET,
      challenge: { provider: 'turnstile', siteKey: '0x4AAAAAAAB', secret: TURNSTILE_SECRET },
    });
    // A second site on the webhook provider, created with its secret.
    const config = {
      ...demoSiteConfig,
      name: 'Hooks',
      sms: { provider: 'webhook', url: 'https://api.hooksrelay.fr/sms', secret: WEBHOOK_SECRET },
    };
    delete (config as { policy?: unknown }).policy;
    expect((await h.app.request('/v1/sites', json({ id: 'hooks', config }, admin))).status).toBe(201);

    const disk = diskBytes();
    expect(disk.length).toBeGreaterThan(10_000);
    for (const secret of [AUTH_TOKEN, INBOUND_SECRET, TURNSTILE_SECRET, WEBHOOK_SECRET])
      expect(disk).not.toContain(secret);
    // The row is there, sealed: the non-secret parts are readable, the secrets are not.
    expect(disk).toContain(ACCOUNT_SID);

    // Loaded afresh (no cache), the configuration holds the secrets again.
    forgetSite(h.ctx, 'demo');
    const site = await loadSite(h.ctx, 'demo');
    expect(site.config.sms).toMatchObject({ provider: 'twilio', authToken: AUTH_TOKEN });
    expect(site.config.inboundSecret).toBe(INBOUND_SECRET);
    expect(site.config.challenge?.secret).toBe(TURNSTILE_SECRET);
    forgetSite(h.ctx, 'hooks');
    expect((await loadSite(h.ctx, 'hooks')).config.sms).toMatchObject({ secret: WEBHOOK_SECRET });

    // Sending: Twilio receives HTTP basic auth with the unsealed token.
    await pendingConsent(h);
    const post = twilio.server.requests.find((r) => r.method === 'POST')!;
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    // Inbound: a message signed with the inbound secret is accepted, one signed with anything else is not.
    expect((await genericInbound(h, { from: '+33612345678', body: 'OUI' })).status).toBe(200);
    expect(
      (await genericInbound(h, { from: '+33612345678', body: 'OUI' }, { secret: 'not-the-inbound-secret-0000' }))
        .status,
    ).toBe(403);
    // GET still shows them redacted.
    const got = await (await h.app.request('/v1/sites/demo', { headers: admin })).text();
    for (const secret of [AUTH_TOKEN, INBOUND_SECRET, TURNSTILE_SECRET]) expect(got).not.toContain(secret);
    expect(diskBytes()).not.toContain(AUTH_TOKEN);
  });

  it('a row written in clear before sealing is read, then resealed at its first load', async () => {
    const clear = { ...demoSiteConfig, inboundSecret: INBOUND_SECRET };
    await h.ctx.sites.updateConfig('demo', JSON.stringify(clear), h.now());
    expect((await h.ctx.sites.get('demo'))!.config).toContain(INBOUND_SECRET);
    forgetSite(h.ctx, 'demo');
    expect((await genericInbound(h, { from: '+33612345678', body: 'HELP' })).status).toBe(200);
    const row = (await h.ctx.sites.get('demo'))!.config;
    expect(row).not.toContain(INBOUND_SECRET);
    expect(row).toContain('$sealed');
    forgetSite(h.ctx, 'demo');
    expect((await loadSite(h.ctx, 'demo')).config.inboundSecret).toBe(INBOUND_SECRET);
  });

  it('a sealed box copied into another site does not open there', async () => {
    await useTwilio(h, twilio.baseUrl, { inboundSecret: INBOUND_SECRET });
    const row = (await h.ctx.sites.get('demo'))!.config;
    const config = { ...demoSiteConfig, name: 'Copy' };
    delete (config as { policy?: unknown }).policy;
    expect((await h.app.request('/v1/sites', json({ id: 'copy', config }, admin))).status).toBe(201);
    await h.ctx.sites.updateConfig('copy', row, h.now());
    forgetSite(h.ctx, 'copy');
    await expect(loadSite(h.ctx, 'copy')).rejects.toThrow();
  });
});
