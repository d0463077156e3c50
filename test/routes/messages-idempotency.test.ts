// The marketing send's Idempotency-Key header is held to the body field's rule (8–200 characters): a 422 naming it.
import { afterEach, expect, it } from 'vitest';
import { json, makeHarness, type Harness } from '../harness.ts';
import { updateDemo } from '../sms/fixtures.ts';

let h: Harness;
afterEach(() => h?.close());

it('refuses an Idempotency-Key header that is too short or too long, naming it', async () => {
  h = await makeHarness();
  // Marketing to French numbers needs a short code (french-sender.test.ts).
  await updateDemo(h, (config) => {
    (config.program as Record<string, unknown>).shortCode = '38123';
  });
  const send = (key: string) =>
    h.app.request(
      '/v1/sites/demo/messages',
      json({ template: 'Soldes' }, { authorization: `Bearer ${h.demoKey}`, 'idempotency-key': key }),
    );
  for (const key of ['x', 'k'.repeat(201)]) {
    const res = await send(key);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(['Idempotency-Key']);
  }
  expect((await send('campaign-2026-11-30')).status).toBe(202);
});
