// A number erased earlier that opts in again gets a new subject key. Two such opt-ins at the same moment must not each
// write their own key over the other's: a message sealed under the key that lost could never be opened or sent.
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
  const { subscriberId } = (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '0612345678' }, auth.headers))).json()) as {
    subscriberId: string;
  };
  expect((await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { ...auth, method: 'DELETE' })).status).toBe(200);
  const sentBefore = h.outbox.list().filter((m) => m.to === '+33612345678').length;

  h.advance(60_000);
  const answers = await Promise.all([optIn(h, '06 12 34 56 78'), optIn(h, '06 12 34 56 78')]);
  expect(answers.map((r) => r.status)).toEqual([202, 202]);
  await h.flush();

  // Every message queued for the number went out; none is stuck under a key that is no longer stored.
  expect(await count(h, `SELECT COUNT(*) FROM outbox WHERE subject_id = '${subscriberId}' AND status = 'queued'`)).toBe(0);
  const queuedSince = await count(h, `SELECT COUNT(*) FROM outbox WHERE subject_id = '${subscriberId}' AND kind = 'confirm-request' AND status = 'sent' AND created_at > ${h.now() - 1}`);
  expect(h.outbox.list().filter((m) => m.to === '+33612345678').length - sentBefore).toBe(queuedSince);
  expect(queuedSince).toBeGreaterThanOrEqual(1);
});
