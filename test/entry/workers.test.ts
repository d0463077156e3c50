// The Workers entry's adapter, called as workerd calls it (fetch and scheduled with an ExecutionContext) over remote
// libSQL (the Hrana test server): a database down at startup is a 503 to retry and the next request builds again; a
// request's queued message goes to that request's waitUntil; the cron's pass too, and a startup failure there is logged.
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import worker from '../../worker/entry/workers.ts';
import { startHranaServer, type HranaTestServer } from '../runtime/hrana-server.ts';
import { freePort, tempDir } from '../runtime/servers.ts';

const secrets = {
  ASSENT_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
  ASSENT_SIGNING_KEY: JSON.stringify({
    kty: 'OKP',
    crv: 'Ed25519',
    d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  }),
  ASSENT_AUTO_MIGRATE: '1',
};

function executionContext() {
  const work: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void work.push(p),
    passThroughOnException() {},
    props: {},
  } as unknown as Parameters<typeof worker.fetch>[2];
  return { ctx, work };
}

let hrana: HranaTestServer | undefined;
afterAll(async () => hrana?.close());

describe('Workers entry', () => {
  const port = freePort();
  const bindings = async () => ({ ...secrets, ASSENT_DB_URL: `http://127.0.0.1:${await port}` });
  const origin = 'https://consent.example';

  it('answers 503 with Retry-After while the database is unreachable at startup, then starts on a later request', async () => {
    const { ctx } = executionContext();
    const down = await worker.fetch(new Request(`${origin}/healthz`), await bindings(), ctx);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await down.json()).toMatchObject({ code: 'storage_unavailable' });

    hrana = await startHranaServer({ path: join(tempDir('workers-entry'), 'remote.db'), port: await port });
    const up = await worker.fetch(new Request(`${origin}/healthz`), await bindings(), ctx);
    expect(up.status).toBe(200);
    expect((await worker.fetch(new Request(`${origin}/demo`), await bindings(), ctx)).status).toBe(200); // dev: the demo site
  });

  it("hands a request's queued message to that request's waitUntil, and the cron's pass to its own", async () => {
    const env = await bindings();
    const { ctx: first } = executionContext();
    const widget = (await (
      await worker.fetch(new Request(`${origin}/v1/sites/demo/widget?locale=fr`), env, first)
    ).json()) as { textSha256: string; policy: { version: number }; locale: string };
    const request = executionContext();
    const body = JSON.stringify({
      phone: '06 12 34 56 78',
      choice: 'yes',
      textSha256: widget.textSha256,
      policyVersion: widget.policy.version,
      locale: widget.locale,
    });
    const res = await worker.fetch(
      new Request(`${origin}/v1/sites/demo/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
      env,
      request.ctx,
    );
    expect(res.status).toBe(202);
    expect(request.work.length).toBeGreaterThan(0);
    await Promise.all(request.work);
    const outbox = (await (
      await worker.fetch(new Request(`${origin}/dev/outbox`, { headers: { accept: 'application/json' } }), env, first)
    ).json()) as { to: string }[];
    expect(outbox.map((m) => m.to)).toEqual(['+33612345678']);

    const cron = executionContext();
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, env, cron.ctx);
    expect(cron.work).toHaveLength(1);
    await expect(cron.work[0]).resolves.toMatchObject({ expired: 0 }); // a full pass ran
  });
});

describe('Workers entry, cron before any request could start', () => {
  it('logs the startup failure instead of leaving a rejected promise to waitUntil', async () => {
    vi.resetModules();
    const fresh = (await import('../../worker/entry/workers.ts')).default;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const cron = executionContext();
      await fresh.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, { ASSENT_MODE: 'production' }, cron.ctx);
      expect(cron.work).toHaveLength(1);
      await expect(cron.work[0]).resolves.toBeUndefined();
      expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(
        /"msg":"startup failed".*ASSENT_PUBLIC_URL/,
      );
    } finally {
      errors.mockRestore();
    }
  });
});
