// The existing-customer exception (article L34-5 CPCE): recorded by the owner with the sale and the notice shown,
// its own basis in the policy, the proof (leaf, receipt, verifier) and the gate, one purpose only, ended by STOP.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, type Harness } from '../harness.ts';
import { updateDemo } from '../sms/fixtures.ts';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';
import { deriveFacts, receiptMismatches } from '../../worker/verify/leaf-facts.ts';
import { checkNotice } from '../../worker/verify/notice.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const NOTICE =
  'Votre numéro servira à vous proposer par SMS des produits proches de votre achat. Vous pouvez refuser gratuitement : cochez ici, ou répondez STOP.';
const record = (body: Record<string, unknown>) =>
  h.app.request('/v1/sites/demo/subscribers/existing-customers', json(body, auth));
const valid = {
  phone: '06 12 34 56 78',
  purpose: 'similar-products',
  sale: { reference: 'INV-2026-000417', date: '2026-11-20' },
  notice: { text: NOTICE, locale: 'fr' },
};
const lookup = async (body: Record<string, unknown>) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json(body, auth))).json()) as any;
const proofOf = async (id: string) =>
  (await (await h.app.request(`/proofs/${id}`, { headers: { accept: 'application/json' } })).json()) as any;

async function declarePurpose() {
  const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
  config.policy.purposes.push({
    id: 'similar-products',
    description: { fr: 'vous proposer des produits proches de vos achats', en: 'offer products like those you bought' },
    legalBasis: 'legitimate_interests',
    existingCustomer: true,
  });
  expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
  const published = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Existing customers.' }, auth));
  expect(published.status).toBe(201);
}

async function verify(proof: unknown) {
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  return verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
}

beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('recording an existing customer', () => {
  it('is refused until the published policy declares the purpose, then only for that purpose', async () => {
    const before = await record(valid);
    expect(before.status).toBe(422);
    expect(((await before.json()) as any).errors[0].path).toBe('purpose');
    await declarePurpose();
    const other = await record({ ...valid, purpose: 'sms-marketing' });
    expect(other.status).toBe(422);
    expect(((await other.json()) as any).errors[0]).toMatchObject({ path: 'purpose' });
    expect((await record(valid)).status).toBe(201);
  });

  it('names the field of bad input: a future or stale sale, a missing notice, a bad locale', async () => {
    await declarePurpose();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, sale: { ...valid.sale, date: '2026-12-01' } }, 'sale.date'],
      [{ ...valid, sale: { ...valid.sale, date: '2023-01-02' } }, 'sale.date'],
      [{ ...valid, sale: { ...valid.sale, date: '2026-02-30' } }, 'sale.date'],
      [{ ...valid, sale: { date: '2026-11-20' } }, 'sale.reference'],
      [{ ...valid, notice: { locale: 'fr' } }, 'notice.text'],
      [{ ...valid, notice: { text: NOTICE, locale: 'de' } }, 'notice.locale'],
      [{ ...valid, phone: 'not a number' }, 'phone'],
      [{ ...valid, country: 'ZZ' }, 'country'],
    ];
    for (const [body, path] of cases) {
      const res = await record(body);
      expect(res.status, path).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as any).errors.map((e: any) => e.path)).toContain(path);
    }
    expect((await record({ ...valid })).status).toBe(201);
    // A number with a consent in force is not recorded twice.
    const again = await record(valid);
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).code).toBe('already_subscribed');
  });

  it('keeps the sale reference only as a keyed HMAC, and logs no number or reference', async () => {
    await declarePurpose();
    const res = await record(valid);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ status: 'confirmed', basis: 'existing_customer', purpose: 'similar-products' });
    const row = (await h.ctx.consents.byId(body.consentId))!;
    expect(row.saleRefHmac).toMatch(/^[0-9a-f]{64}$/);
    expect(row.saleDate).toBe('2026-11-20');
    const dump = JSON.stringify(await h.ctx.store.db.all(sql`SELECT * FROM consents`));
    const events = JSON.stringify(await h.ctx.store.db.all(sql`SELECT data FROM consent_events`));
    for (const text of [dump, events]) {
      expect(text).not.toContain('INV-2026-000417');
      expect(text).not.toContain('612345678');
    }
    // The same reference on another site gives another HMAC (keyed per site, like the blind index).
    expect(await h.ctx.sealer.blindIndex('other', 'sale-reference\nINV-2026-000417')).not.toBe(row.saleRefHmac);
  });
});

describe('the proof, the gate and STOP', () => {
  it('shows its basis in the proof, which every verifier check accepts, and refuses a receipt that lies', async () => {
    await declarePurpose();
    const { consentId } = (await (await record(valid)).json()) as any;
    await h.flush();
    const proof = await proofOf(consentId);
    expect(proof.log.entries[0].leaf).toMatchObject({
      type: 'recorded',
      basis: 'existing_customer',
      saleDate: '2026-11-20',
    });
    expect(proof.receipt).toMatchObject({
      status: 'confirmed',
      basis: 'existing_customer',
      confirmation: null,
      collection: { method: 'existing-customer' },
      existingCustomer: { purpose: 'similar-products', saleDate: '2026-11-20', noticeText: NOTICE },
    });
    expect(proof.receipt.purposes.map((p: any) => p.id)).toEqual(['similar-products']);
    // Exactly the fields docs/formats.md lists for a `recorded` leaf, and nothing personal.
    expect(Object.keys(proof.log.entries[0].leaf).sort()).toEqual(
      [
        ...['v', 'id', 'site', 'consentId', 'type', 'at'],
        ...['basis', 'purpose', 'locale', 'policyVersion', 'policySha256', 'saleDate', 'saleReference', 'noticeSha256'],
      ].sort(),
    );
    // The proof page says it in words, in the receipt's language.
    const page = await (await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('article L34-5 du CPCE');
    const checks = await verify(proof);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    expect(checks.find((c) => c.name === 'receipt-facts')!.detail).toContain('existing customer');

    // The notice text shown is bound to the log by its hash; another text does not pass.
    const notice = await checkNotice(proof.receipt, {
      widgetTexts: async () => null,
      policyMarkdown: async () => new Uint8Array(),
    });
    expect(notice.find((c) => c.name === 'notice-texts')!.ok).toBe(true);
    const altered = structuredClone(proof.receipt);
    altered.existingCustomer.noticeText = `${NOTICE} `;
    const refused = await checkNotice(altered, {
      widgetTexts: async () => null,
      policyMarkdown: async () => new Uint8Array(),
    });
    expect(refused.find((c) => c.name === 'notice-texts')!.ok).toBe(false);

    // The leaves decide: another purpose or sale date in the receipt is a mismatch.
    const facts = deriveFacts(proof.log.entries.map((e: any) => e.leaf));
    if (typeof facts === 'string') throw new Error(facts);
    expect(receiptMismatches(proof.receipt, facts)).toEqual([]);
    for (const [field, value] of [
      ['purpose', 'sms-marketing'],
      ['saleDate', '2026-11-21'],
    ] as const) {
      const lie = structuredClone(proof.receipt);
      lie.existingCustomer[field] = value;
      expect(receiptMismatches(lie, facts).map((m) => m.field)).toEqual([`existingCustomer.${field}`]);
    }
  });

  it('a plain consent whose receipt claims the exception is refused', async () => {
    const { consentId } = await confirmedConsent(h);
    await h.flush();
    const proof = await proofOf(consentId);
    expect(proof.receipt).not.toHaveProperty('basis');
    const facts = deriveFacts(proof.log.entries.map((e: any) => e.leaf));
    if (typeof facts === 'string') throw new Error(facts);
    expect(receiptMismatches({ ...proof.receipt, basis: 'existing_customer' }, facts).map((m) => m.field)).toEqual([
      'basis',
    ]);
  });

  it('the gate and sends allow its purpose only, and STOP ends it', async () => {
    await declarePurpose();
    await record(valid);
    // Marketing to French numbers needs a short code (french-sender.test.ts).
    await updateDemo(h, (config) => {
      (config.program as Record<string, unknown>).shortCode = '38123';
    });
    expect(await lookup({ phone: '+33612345678', purpose: 'similar-products' })).toMatchObject({
      status: 'confirmed',
      canSend: true,
      basis: 'existing_customer',
      purpose: 'similar-products',
    });
    expect(await lookup({ phone: '+33612345678', purpose: 'sms-marketing' })).toMatchObject({
      canSend: false,
      reason: 'purpose-not-covered',
    });
    expect(await lookup({ phone: '+33612345678' })).toMatchObject({ canSend: false, reason: 'purpose-not-covered' });
    const bulk = (await (
      await h.app.request(
        '/v1/sites/demo/subscribers/check',
        json({ phones: ['+33612345678'], purpose: 'similar-products' }, auth),
      )
    ).json()) as any;
    expect(bulk.results).toEqual([{ canSend: true, status: 'confirmed' }]);

    const send = async (purpose?: string) =>
      (await (
        await h.app.request(
          '/v1/sites/demo/messages',
          json({ template: 'Nouveautés proches de votre achat', ...(purpose ? { purpose } : {}) }, auth),
        )
      ).json()) as any;
    expect(await send()).toMatchObject({ queued: 0, skipped: [{ reason: 'purpose_not_covered', count: 1 }] });
    expect(await send('sms-marketing')).toMatchObject({ queued: 0 });
    expect(await send('similar-products')).toMatchObject({ queued: 1 });

    const stop = await h.app.request('/dev/outbox/reply', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: new URLSearchParams({ site: 'demo', from: '+33612345678', body: 'STOP' }).toString(),
    });
    expect(stop.status).toBeLessThan(400);
    expect(await lookup({ phone: '+33612345678', purpose: 'similar-products' })).toMatchObject({
      status: 'withdrawn',
      canSend: false,
      suppressed: true,
    });
    // An objection holds: the seller cannot record the number again.
    const again = await record(valid);
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).code).toBe('suppressed');
  });

  it('the policy says the exception, for that purpose only', async () => {
    await declarePurpose();
    const en = await (await h.app.request('/p/demo/2?format=md&locale=en')).text();
    expect(en).toContain('article L34-5');
    expect(en.match(/L34-5/g)).toHaveLength(1);
    const v1 = await (await h.app.request('/p/demo/1?format=md&locale=fr')).text();
    expect(v1).not.toContain('L34-5');
  });
});

it("the README's example records a customer as written", async () => {
  await declarePurpose();
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.includes('subscribers/existing-customers'))!;
  // curl replaced by a function printing its arguments: the request exactly as the shell would send it.
  const args = execFileSync('bash', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${block}`], {
    encoding: 'utf8',
  }).split('\0');
  const url = args.find((a) => a.startsWith('https://HOST/'))!;
  const res = await h.app.request(
    url.slice('https://HOST'.length).replace('myshop', 'demo'),
    json(JSON.parse(args[args.indexOf('-d') + 1]!), auth),
  );
  expect(res.status).toBe(201);
  const body = (await res.json()) as any;
  const stated = JSON.parse(/# 201 (.*)/.exec(block)![1]!);
  expect(Object.keys(body).sort()).toEqual(Object.keys(stated).sort());
  expect(body).toMatchObject({
    status: 'confirmed',
    basis: 'existing_customer',
    purpose: 'similar-products',
    maskedPhone: stated.maskedPhone,
  });
});
