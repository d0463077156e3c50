import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorkers, type WorkersServer } from '../../scripts/start-workers.ts';
import { ADMIN_TOKEN, availability, freePort, tempDir, waitHealthy, workerdPresent } from './servers.ts';
import { httpFetcher, walkLifecycle } from './lifecycle.ts';

const { skip } = availability('workerd', workerdPresent());

describe.skipIf(skip)('workerd (Miniflare, local D1 in the data dir)', () => {
  let server: WorkersServer;
  beforeAll(async () => {
    const port = await freePort();
    server = await startWorkers({
      env: {
        PORT: String(port),
        ASSENT_DATA_DIR: tempDir('workerd'),
        ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
        ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      quiet: true,
      cronMs: 2_000, // the cron, sped up: the jobs (and log checkpoints) run between requests too
    });
    await waitHealthy(server.url, null, 50_000);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('walks the lifecycle', { timeout: 60_000 }, async () => {
    await walkLifecycle({ fetch: httpFetcher(server.url), token: ADMIN_TOKEN });
  });
});
