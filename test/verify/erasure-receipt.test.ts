// A signed receipt never changes what it said: after erasure the receipt says "erased" and keeps every logged fact
// (times, methods, whether the confirmation came from the request's own device), and still verifies.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, appWithTestIp, json, linkToken, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';

let h: Harness;
afterEach(async () => h?.close());

const UA = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';

it('keeps every fact of a receipt across erasure, sameDeviceAsRequest included, and the proof still verifies', async () => {
  h = await makeHarness();
  const app = appWithTestIp(h);
  const device = { 'x-test-ip': '198.51.100.7', 'user-agent': UA };
  const res = await app.request(
    '/v1/sites/demo/consents',
    json({ phone: '06 12 34 56 78', choice: 'yes', ...(await widgetFor(h)) }, device),
  );
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  expect((await app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST', headers: device })).status).toBe(200);
  await h.flush();
  const proof = async () =>
    (await (await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })).json()) as any;
  const before = (await proof()).receipt;
  expect(before.confirmation).toMatchObject({ method: 'link', sameDeviceAsRequest: true, ipPrefix: '198.51.100.0/24' });

  const lookup = await h.app.request(
    '/v1/sites/demo/subscribers/lookup',
    json({ phone: '06 12 34 56 78' }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
  const { subscriberId } = (await lookup.json()) as { subscriberId: string };
  const del = await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(del.status).toBeLessThan(300);
  await h.flush();
  const after = await proof();
  expect(after.receipt.status).toBe('erased');
  expect(after.receipt.subject).toEqual({ phone: '•••', country: before.subject.country, erased: true });
  // Every logged fact as signed before; only what erasure must reach (addresses, browsers, the page) is gone.
  expect(after.receipt.confirmation).toEqual({ ...before.confirmation, ipPrefix: null, browser: null });
  expect(after.receipt.collection).toEqual({ ...before.collection, ipPrefix: null, browser: null, pageUrl: null });
  for (const field of ['consentId', 'language', 'notice', 'purposes', 'controller', 'withdrawal', 'log'] as const) {
    expect(after.receipt[field]).toEqual(before[field]);
  }
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  const checks = await verifyProof({ proof: after, jwks, verifierKey: log.verifierKey, origin: log.origin });
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(allPassed(checks)).toBe(true);
  expect(checks.find((c) => c.name === 'receipt-facts')!.detail).toContain('erased (request)');
});
