// A PUT that sends a secret back redacted keeps the secret stored now, not the copy a process cached a few seconds
// ago: a secret rotated through another process must not be silently put back to its old value.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openConfig, sealConfig } from '../../worker/domain/site/secrets.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { auth, updateDemo } from '../sms/fixtures.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const storedConfig = async () =>
  (await openConfig(h.deps.sealer, 'demo', (await h.ctx.sites.get('demo'))!.config)).config as Record<string, unknown>;

it('keeps the secret another process stored meanwhile', async () => {
  await updateDemo(h, (config) => {
    config.inboundSecret = 'first-inbound-secret-0001';
  });
  expect((await h.app.request('/v1/sites/demo', { headers: auth(h) })).status).toBe(200); // now in this process's cache
  // Another process rotates the secret (no cache of ours is told).
  const rotated = { ...(await storedConfig()), inboundSecret: 'second-inbound-secret-002' };
  await h.ctx.sites.updateConfig('demo', await sealConfig(h.deps.sealer, 'demo', rotated), h.now());

  h.advance(1_000);
  await updateDemo(h, (config) => {
    expect(config.inboundSecret).toBe('••••••');
    (config.program as { name: string }).name = 'Renamed Shop';
  });
  const after = await storedConfig();
  expect((after.program as { name: string }).name).toBe('Renamed Shop');
  expect(after.inboundSecret).toBe('second-inbound-secret-002');
});
