// A message the dispatcher cannot even prepare (its body no longer opens, or an error that never goes away) is
// retried with backoff like any failure, and given up as failed after the same number of attempts as a refused send:
// it never stays queued for good, retried hourly.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { dispatchDue } from '../../worker/domain/messaging/dispatcher.ts';
import { makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

it('fails a message whose body cannot be opened after maxAttempts, and sends nothing', async () => {
  expect((await optIn(h, '06 12 34 56 78')).status).toBe(202);
  await h.deps.store.queryColumn("UPDATE outbox SET body_ciphertext = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'");
  for (let pass = 0; pass < 12; pass++) {
    await dispatchDue(h.ctx, { maxAttempts: 4 });
    h.advance(2 * 3_600_000);
  }
  const [row] = await h.deps.store.queryColumn("SELECT status || ':' || attempts FROM outbox");
  expect(row).toBe('failed:4');
  expect(h.outbox.list()).toHaveLength(0);
});
