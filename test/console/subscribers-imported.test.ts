// The console's subscriber page for an imported number: it says `imported` (declared by the owner, not confirmed),
// links the standard records (ISO/IEC TS 27560, Kantara), and the access export carries their URLs; so does the CSV.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

it('shows an imported number as imported, with its standard records, in the page, the export and the CSV', async () => {
  h = await makeHarness();
  const imported = await h.app.request('/v1/sites/demo/subscribers/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: 'phone,consentedAt,source,wording\n06 12 34 56 78,2026-06-01,checkout,Offres par SMS. STOP pour arrêter.\n',
  });
  expect(await imported.json()).toMatchObject({ imported: 1 });
  const c = await signIn(h);
  // The overview counts it apart from the confirmed.
  const overview = await (await c.get('/console')).text();
  expect(overview).toMatch(
    /data-status="imported"><th scope="row">Imported \(declared by you, not confirmed\)<\/th><td>1<\/td>/,
  );
  expect(overview).toMatch(/data-status="confirmed"><th scope="row">Confirmed<\/th><td>0<\/td>/);
  const html = await (await c.post('/console/subscribers/lookup', { phone: '06 12 34 56 78' })).text();
  expect(html).toContain('<dd id="subscriber-status">imported</dd>');
  expect(html).toContain('id="subscriber-imported"');
  const proof = /href="(https:\/\/assent\.test\/proofs\/[A-Za-z0-9_-]{22})"/.exec(html)![1]!;
  expect(html).toContain(`href="${proof}?format=iso27560"`);
  expect(html).toContain(`href="${proof}?format=kantara"`);
  expect(html).not.toContain('612345678');
  // The links answer the records.
  const iso = (await (
    await h.app.request(`${proof.slice('https://assent.test'.length)}?format=iso27560`)
  ).json()) as any;
  expect(iso['@type']).toBe('dpv:ConsentRecord');
  expect(JSON.stringify(iso)).toContain('dpv:ConsentUnknown');

  const subscriber = /name="subscriber" value="([A-Za-z0-9_-]{22})"/.exec(html)![1]!;
  const data = (await (await c.post('/console/subscribers/export', { subscriber })).json()) as any;
  expect(data.consents[0]).toMatchObject({
    status: 'imported',
    proofUrl: proof,
    standardRecords: { iso27560: `${proof}?format=iso27560`, kantara: `${proof}?format=kantara` },
  });
  expect(data.consents[0].events[0]).toMatchObject({ type: 'imported', declaredBy: 'site-owner' });

  const csv = (await (await c.get('/console/subscribers.csv')).text()).trim().split('\r\n');
  expect(csv[1]).toContain('"+33612345678","imported"');
  const listed = (await (
    await h.app.request('/v1/sites/demo/subscribers?status=imported', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
  ).json()) as any;
  expect(listed.subscribers).toHaveLength(1);
  expect(listed.subscribers[0]).toMatchObject({ status: 'imported' });
});
