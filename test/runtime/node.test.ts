import { afterEach, beforeEach, it } from 'vitest';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { walkLifecycle } from './lifecycle.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

it('walks the lifecycle on Node in-process (app.request)', async () => {
  await walkLifecycle({
    fetch: async (path, init) => h.app.request(path, init),
    token: ADMIN_TOKEN,
    flush: () => h.flush(),
  });
});
