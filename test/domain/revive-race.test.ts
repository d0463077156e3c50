// A number erased earlier that opts in again is a new subject with a new key (the erased one, which no longer holds
// anything derived from the number, stays erased). Two such opt-ins at the same moment make one subject between them,
// and every message either queued is readable and sent.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { count } from '../assertions.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());
const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

it('two concurrent opt-ins of an erased number leave every queued message readable and sent', async () => {
  await optIn(h, '06 12 34 56 78');
  await h.flush();
  await h.app.request(`/c/${linkToken(h, 'c', '+33612345678')}`, { method: 'POST' });
  const { subscriberId } = (await (
    await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '0612345678' }, auth.headers))
  ).json()) as {
    subscriberId: string;
  };
  expect(
    (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { ...auth, method: 'DELETE' })).status,
  ).toBe(200);
  const sentBefore = h.outbox.list().filter((m) => m.to === '+33612345678').length;

  h.advance(60_000);
  const answers = await Promise.all([optIn(h, '06 12 34 56 78'), optIn(h, '06 12 34 56 78')]);
  expect(answers.map((r) => r.status)).toEqual([202, 202]);
  await h.flush();

  // The erased subject stays erased; one new subject holds the number, and every message queued for it went out.
  expect(
    await count(
      h,
      `SELECT COUNT(*) FROM subjects WHERE id = '${subscriberId}' AND erased_at IS NOT NULL AND wrapped_key IS NULL`,
    ),
  ).toBe(1);
  expect(await count(h, 'SELECT COUNT(*) FROM subjects WHERE erased_at IS NULL')).toBe(1);
  expect(await count(h, `SELECT COUNT(*) FROM outbox WHERE status = 'queued'`)).toBe(0);
  const queuedSince = await count(
    h,
    `SELECT COUNT(*) FROM outbox WHERE subject_id <> '${subscriberId}' AND kind = 'confirm-request' AND status = 'sent' AND created_at > ${h.now() - 1}`,
  );
  expect(h.outbox.list().filter((m) => m.to === '+33612345678').length - sentBefore).toBe(queuedSince);
  expect(queuedSince).toBe(2);
});
