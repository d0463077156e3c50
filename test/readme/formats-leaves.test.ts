// docs/formats.md §2 names the fields of each kind of leaf; the leaves the server logs for a real consent's life
// (and the demo site's policy publication) carry exactly those, at the top level, and nothing personal.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLeaves } from '../../worker/db/schema.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

const DOC = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
const COMMON = ['v', 'id', 'site', 'consentId', 'type', 'at'];
const FIELDS: Record<string, string[]> = {
  requested: ['method', 'locale', 'policyVersion', 'policySha256', 'textSha256', 'expiresAt'],
  'sms-sent': ['messageId', 'kind', 'provider', 'providerMessageId', 'bodySha256'],
  confirmed: ['method', 'sameDeviceAsRequest'],
  withdrawn: ['method'],
  expired: [],
  erased: ['previousStatus', 'reason'],
  'policy-published': ['version', 'templateVersion', 'sha256', 'materialChanges'],
  'key-announced': ['kid', 'jwk', 'verifierKey'],
};
/** Documented too, not produced by this scenario: older logs' `resent`, and `delivery` (test/domain/leaf-chain.test.ts). */
const ALSO: Record<string, string[]> = {
  resent: ['expiresAt'],
  delivery: ['messageId', 'providerMessageId', 'status'],
  // test/routes/existing-customer.test.ts and test/routes/renewal.test.ts log these.
  recorded: [
    'basis',
    'purpose',
    'locale',
    'policyVersion',
    'policySha256',
    'saleDate',
    'saleReference',
    'noticeSha256',
  ],
  renewed: ['policyVersion', 'policySha256', 'method', 'campaignId'],
  // test/routes/import-proof.test.ts logs this.
  imported: [
    'basis',
    'declaredBy',
    'doubleOptIn',
    'consentedAt',
    'source',
    'wordingSha256',
    'locale',
    'policyVersion',
    'policySha256',
  ],
};
/** Leaves of no consent. */
const SITE_LEAVES = ['policy-published', 'key-announced'];

let h: Harness;
let leaves: Record<string, unknown>[];
beforeAll(async () => {
  h = await makeHarness();
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  // One number: asked, asked again, confirmed by link, withdrawn by its page's button, then erased.
  expect((await optIn(h)).status).toBe(202);
  await h.flush();
  expect((await optIn(h)).status).toBe(202);
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  const unsubscribe = await h.app.request(`/u/${linkToken(h, 'u')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: 'action=unsubscribe',
  });
  expect(unsubscribe.status).toBe(200);
  const { subscriberId } = (await (
    await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '+33612345678' }, admin))
  ).json()) as { subscriberId: string };
  expect(
    (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: admin })).status,
  ).toBe(200);
  // Another number never confirms and expires.
  expect((await optIn(h, '06 98 76 54 32')).status).toBe(202);
  await h.flush();
  h.advance(49 * 3600_000);
  await h.flush();
  const rows = await h.ctx.store.db.select().from(logLeaves);
  leaves = rows.sort((a, b) => a.idx - b.idx).map((r) => JSON.parse(r.leaf) as Record<string, unknown>);
});
afterAll(async () => h.close());

describe('docs/formats.md: the leaves', () => {
  it('lists each type with its fields', () => {
    for (const [type, fields] of Object.entries({ ...FIELDS, ...ALSO })) {
      // In §2: the receipt's table (§1) has a member named like a leaf type (`imported`).
      const row = DOC.slice(DOC.indexOf('## 2. Leaves'))
        .split('\n')
        .find((l) => l.startsWith(`| \`${type}\` |`));
      expect(row, type).toBeDefined();
      for (const field of fields) expect(row, `${type}: ${field}`).toContain(`\`${field}\``);
    }
    for (const field of [...COMMON, 'prev']) expect(DOC).toContain(`| \`${field}\` |`);
  });

  it('every leaf logged carries its common fields and exactly the fields of its type, flat', () => {
    const seen = new Set(leaves.map((l) => l.type));
    expect([...seen].sort()).toEqual(Object.keys(FIELDS).sort());
    for (const leaf of leaves) {
      const type = leaf.type as string;
      // A consent's first leaf names no predecessor; every later one does (prev).
      const common = SITE_LEAVES.includes(type)
        ? COMMON.filter((f) => f !== 'consentId')
        : type === 'requested'
          ? COMMON
          : [...COMMON, 'prev'];
      expect(Object.keys(leaf).sort(), type).toEqual([...common, ...FIELDS[type]!].sort());
      expect(leaf.v).toBe(1);
      // A French number in E.164 (not "+33" alone: a random verifier key hash may begin with 33).
      expect(JSON.stringify(leaf)).not.toMatch(/\+33\d{9}(?!\d)|612345678|127\.0\.0|Mozilla/);
    }
  });
});
