// The bulk gate on D1 (workerd, local D1), whose statements take at most 100 bound parameters: 1,000 numbers are
// answered in order, and the streamed export pages through D1 too.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type WorkersServer } from '../../scripts/start-workers.ts';
import { ADMIN_TOKEN, availability, freePort, tempDir, waitHealthy, workerdPresent } from '../runtime/servers.ts';

const { skip } = availability('workerd', workerdPresent());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe.skipIf(skip)('subscribers on D1 (workerd)', () => {
  let server: WorkersServer;
  const dir = tempDir('subscribers-d1');
  beforeAll(async () => {
    const port = await freePort();
    server = await startWorkers({
      env: {
        PORT: String(port),
        ASSENT_DATA_DIR: dir,
        ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
        ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      quiet: true,
      cronMs: 0,
    });
    await waitHealthy(server.url, null, 50_000);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers 1,000 numbers (more than ten statements of 100 parameters) in order', { timeout: 60_000 }, async () => {
    const doc = (await (await fetch(`${server.url}/v1/sites/demo/widget?locale=fr`)).json()) as {
      textSha256: string;
      policy: { version: number };
    };
    const opt = await post('/v1/sites/demo/consents', {
      phone: '06 40 00 05 55',
      choice: 'yes',
      locale: 'fr',
      textSha256: doc.textSha256,
      policyVersion: doc.policy.version,
    });
    expect(opt.status).toBe(202);
    const phones = Array.from({ length: 1000 }, (_, i) => `+336400${String(i).padStart(5, '0')}`);
    const res = await post('/v1/sites/demo/subscribers/check', { phones }, auth);
    expect(res.status, await res.clone().text()).toBe(200);
    const { results } = (await res.json()) as { results: { status: string; canSend: boolean }[] };
    expect(results).toHaveLength(1000);
    expect(results[555]).toEqual({ canSend: false, status: 'pending', reason: 'not-confirmed' });
    expect(results.filter((r) => r.status === 'none')).toHaveLength(999);

    const list = await fetch(`${server.url}/v1/sites/demo/subscribers?format=ndjson`, { headers: auth });
    expect(list.status).toBe(200);
    expect(
      (await list.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
    ).toEqual(['pending']);
  });
});
