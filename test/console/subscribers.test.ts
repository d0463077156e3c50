// Console subscribers: look up by number (POST; the number never in a URL), export, erase only when confirmed, CSV.
import { afterEach, expect, it } from 'vitest';
import { confirmedConsent, makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

it('looks up a number, exports what is held, erases only after confirmation, and streams the CSV', async () => {
  h = await makeHarness();
  const { consentId } = await confirmedConsent(h);
  const c = await signIn(h);
  const found = await c.post('/console/subscribers/lookup', { phone: '06 12 34 56 78' });
  const html = await found.text();
  expect(found.status).toBe(200);
  expect(html).toContain('<dd id="subscriber-status">confirmed</dd>');
  expect(html).toContain(`/proofs/${consentId}`);
  expect(html).not.toContain('612345678');
  const subscriber = /name="subscriber" value="([A-Za-z0-9_-]{22})"/.exec(html)![1]!;

  const exported = await c.post('/console/subscribers/export', { subscriber });
  expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="demo-subscriber-/);
  const data = (await exported.json()) as { phone: string; consents: { consentId: string }[] };
  expect(data.phone).toBe('+33612345678');
  expect(data.consents[0]!.consentId).toBe(consentId);

  const csv = await c.get('/console/subscribers.csv');
  expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  // The same file as the API's CSV export.
  expect(lines[0]).toBe(
    'phone,status,consentId,proofUrl,locale,policyVersion,requestedAt,confirmedAt,withdrawnAt,renewalRequired,subscriberId',
  );
  expect(lines[1]).toContain('"+33612345678","confirmed"');
  // Every number in clear: the download is in the audit trail, with who made it.
  expect(await (await c.get('/console/audit')).text()).toContain('Downloaded every subscriber (CSV)');

  const unconfirmed = await c.post('/console/subscribers/erase', { subscriber });
  expect(unconfirmed.status).toBe(422);
  expect(await unconfirmed.text()).toContain('<code>confirm</code>');
  const erased = await c.post('/console/subscribers/erase', { subscriber, confirm: 'yes' });
  expect(erased.status).toBe(200);
  expect(await erased.text()).toContain('id="erased"');
  // Erased, the number is no longer found (nothing kept singles it out); its proofs stay under the old id.
  const after = await (await c.post('/console/subscribers/lookup', { phone: '+33612345678' })).text();
  expect(after).toContain('id="not-found"');
  expect(after).not.toContain('name="subscriber"');
});

it('an unknown number is "not found"; a malformed one names the field; another site’s subscriber id is refused', async () => {
  h = await makeHarness();
  const c = await signIn(h);
  expect(await (await c.post('/console/subscribers/lookup', { phone: '06 99 99 99 99' })).text()).toContain(
    'id="not-found"',
  );
  const bad = await c.post('/console/subscribers/lookup', { phone: 'abc' });
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain('<code>phone</code>');
  expect((await c.post('/console/subscribers/export', { subscriber: 'A'.repeat(22) })).status).toBe(404);
});
