// An import while the storage cannot write: a 503 with Retry-After, never a 5xx of ours; the rows of the failed batch
// are not half-written, and sending the list again once storage is back imports exactly the rest.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { faultyMemoryStore, rowCounts, type FaultSwitch } from './fault-store.ts';

let h: Harness;
afterEach(async () => h?.close());

const list = [
  'phone,consentedAt,source,wording',
  ...[0, 1, 2].map((i) => `+3361234560${i},2026-06-01,shop,Offres par SMS`),
].join('\n');
const send = () =>
  h.app.request('/v1/sites/demo/subscribers/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: list,
  });

it('a full disk answers 503 with Retry-After and writes nothing; the same list then imports whole', async () => {
  const fault: FaultSwitch = { code: null };
  h = await makeHarness({ store: faultyMemoryStore(fault) });
  const before = await rowCounts(h.deps.store);
  fault.code = 'SQLITE_FULL';
  const res = await send();
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBeTruthy();
  expect(((await res.json()) as { code: string }).code).toBe('storage_unavailable');
  fault.code = null;
  expect(await rowCounts(h.deps.store)).toEqual(before);
  expect(await (await send()).json()).toEqual({ imported: 3, duplicates: 0, suppressed: 0, refused: [] });
  expect(await (await send()).json()).toMatchObject({ imported: 0, duplicates: 3 });
});
