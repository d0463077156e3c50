import { afterAll, beforeAll, describe, it } from 'vitest';
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
} from './servers.ts';
import { httpFetcher, walkLifecycle } from './lifecycle.ts';

const { skip } = availability('deno', runs(denoBin));

describe.skipIf(skip)('Deno (real server, Deno.serve)', () => {
  let child: Child;
  let base: string;
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = startChild(denoBin, ['run', '-A', '--node-modules-dir=manual', 'worker/entry/deno.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      ASSENT_DATA_DIR: tempDir('deno'),
      ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
      ASSENT_PUBLIC_URL: base,
      DENO_NO_UPDATE_CHECK: '1',
    });
    await waitHealthy(base, child, 50_000);
  }, 60_000);
  afterAll(async () => child?.stop());

  it('walks the lifecycle', { timeout: 60_000 }, async () => {
    await walkLifecycle({ fetch: httpFetcher(base), token: ADMIN_TOKEN });
  });
});
