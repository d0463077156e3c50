// An imported number's proof says what the site owner declared and never a confirmation: its first leaf, its receipt,
// the verifier and the proof page; a receipt re-signed to claim `confirmed` is INVALID. A re-permission campaign then
// turns it into a proven consent (Yes, a `confirmed` leaf in its chain) or ends it (No, or silence).
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, testKeys, type Harness } from '../harness.ts';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';
import { deriveFacts, describeFacts, receiptMismatches } from '../../worker/verify/leaf-facts.ts';
import { checkNotice } from '../../worker/verify/notice.ts';
import { signReceipt } from '../../worker/crypto/signing.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WORDING = 'Recevez nos offres par SMS. Désinscription : STOP.';
const PHONE = '+33612345678';

const importOne = async (phone = PHONE, wording = WORDING) => {
  const res = await h.app.request('/v1/sites/demo/subscribers/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...auth },
    body: `phone,consentedAt,source,wording\n${phone},2026-06-01T09:30:00Z,checkout form 2025,"${wording}"\n`,
  });
  expect(await res.json()).toMatchObject({ imported: 1 });
  return (await lookup(phone)).proofUrl.split('/proofs/')[1] as string;
};
const lookup = async (phone: string) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, auth))).json()) as any;
const proofOf = async (id: string) =>
  (await (await h.app.request(`/proofs/${id}`, { headers: { accept: 'application/json' } })).json()) as any;
async function verify(proof: unknown) {
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  return verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
}

beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('the proof of an imported number', () => {
  it('logs the declaration as such, which every check accepts, and the page says it was declared', async () => {
    const consentId = await importOne();
    await h.flush();
    const proof = await proofOf(consentId);
    const leaf = proof.log.entries[0].leaf;
    expect(leaf).toMatchObject({
      type: 'imported',
      basis: 'imported',
      declaredBy: 'site-owner',
      doubleOptIn: false,
      consentedAt: '2026-06-01T09:30:00.000Z',
      // The owner's words are logged by their SHA-256 only (import-source.test.ts).
      sourceSha256: createHash('sha256').update('checkout form 2025').digest('hex'),
    });
    // Exactly the fields docs/formats.md lists for an `imported` leaf, and no number.
    expect(Object.keys(leaf).sort()).toEqual(
      [
        ...['v', 'id', 'site', 'consentId', 'type', 'at', 'basis', 'declaredBy', 'doubleOptIn', 'consentedAt'],
        ...['sourceSha256', 'wordingSha256', 'locale', 'policyVersion', 'policySha256'],
      ].sort(),
    );
    expect(JSON.stringify(proof.log)).not.toContain('612345678');
    expect(proof.receipt).toMatchObject({
      status: 'imported',
      basis: 'imported',
      confirmation: null,
      collection: { method: 'import' },
      imported: {
        declaredBy: 'site-owner',
        consentedAt: '2026-06-01T09:30:00.000Z',
        source: 'checkout form 2025',
        wording: WORDING,
      },
    });
    const checks = await verify(proof);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    const facts = deriveFacts(proof.log.entries.map((e: any) => e.leaf));
    if (typeof facts === 'string') throw new Error(facts);
    expect(describeFacts(facts).join('\n')).toContain('declared by the site owner');
    expect(describeFacts(facts).some((line) => line.startsWith('confirmed'))).toBe(false);
    // The wording is bound to the log by its hash.
    const sources = { widgetTexts: async () => null, policyMarkdown: async () => new Uint8Array() };
    expect((await checkNotice(proof.receipt, sources)).find((c) => c.name === 'notice-texts')!.ok).toBe(true);
    const altered = structuredClone(proof.receipt);
    altered.imported.wording = `${WORDING} `;
    expect((await checkNotice(altered, sources)).find((c) => c.name === 'notice-texts')!.ok).toBe(false);

    // The page speaks the receipt's language (the site's, French here): declared, never confirmed.
    const page = await (await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Importé — consentement déclaré par le site, non confirmé par la personne');
    expect(page).toContain('déclaré par le site lors de l’import');
    expect(page).toContain(WORDING);
    expect(page).not.toContain('Confirmé —');
    expect(page).not.toContain('La personne a confirmé');
  });

  it('a wording over several lines (a quoted CSV cell) is the text the proof binds and the verifier checks', async () => {
    const wording = 'Recevez nos offres par SMS.\r\nDésinscription : STOP.';
    const consentId = await importOne(PHONE, wording);
    await h.flush();
    const proof = await proofOf(consentId);
    expect(proof.receipt.imported.wording).toBe('Recevez nos offres par SMS.\nDésinscription : STOP.');
    expect(allPassed(await verify(proof))).toBe(true);
    const sources = { widgetTexts: async () => null, policyMarkdown: async () => new Uint8Array() };
    expect((await checkNotice(proof.receipt, sources)).find((c) => c.name === 'notice-texts')!.ok).toBe(true);
  });

  it('a receipt re-signed to claim a confirmation the log does not hold is INVALID', async () => {
    const consentId = await importOne();
    await h.flush();
    const proof = await proofOf(consentId);
    const facts = deriveFacts(proof.log.entries.map((e: any) => e.leaf));
    if (typeof facts === 'string') throw new Error(facts);
    const forged = structuredClone(proof.receipt);
    forged.status = 'confirmed';
    delete forged.basis;
    forged.confirmation = {
      method: 'link',
      at: forged.collection.at,
      ipPrefix: null,
      browser: null,
      sameDeviceAsRequest: true,
    };
    expect(receiptMismatches(forged, facts).map((m) => m.field)).toEqual(
      expect.arrayContaining(['status', 'confirmation.method', 'basis']),
    );
    // Signed with the operator's own key: the signature holds, the leaves refuse it.
    const jws = await signReceipt(forged, (await testKeys()).ring);
    const checks = await verify({ ...proof, receipt: forged, jws });
    expect(checks.find((c) => c.name === 'receipt-signature')?.ok).toBe(true);
    expect(checks.find((c) => c.name === 'receipt-facts')?.ok).toBe(false);
    expect(allPassed(checks)).toBe(false);
    // A leaf that does not say who declared it is no import at all.
    const leaves = proof.log.entries.map((e: any) => ({ ...e.leaf }));
    leaves[0].doubleOptIn = true;
    expect(deriveFacts(leaves)).toContain('not declared by the site owner');
  });
});

describe('re-permission: a campaign for the imported numbers', () => {
  const token = (to: string) => {
    const sms = h.outbox.list().filter((m) => m.to === to && m.body.includes('/r/'));
    expect(sms).toHaveLength(1);
    return /\/r\/([A-Za-z0-9_-]+)/.exec(sms[0]!.body)![1]!;
  };
  const answer = (t: string, choice: string) =>
    h.app.request(`/r/${t}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `choice=${choice}`,
    });

  it('Yes makes a proven, confirmed consent in the same chain; No ends it; silence ends it at the deadline', async () => {
    const yes = await importOne('+33612345671');
    const no = await importOne('+33612345672');
    const silent = await importOne('+33612345673');
    const res = await h.app.request('/v1/sites/demo/renewals', json({ audience: 'imported', deadlineDays: 7 }, auth));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ audience: 'imported', asked: 3, sms: { queued: 3 } });
    await h.flush();
    const sms = h.outbox.list().find((m) => m.to === '+33612345671')!;
    expect(sms.body).toContain('jamais confirmée par vous');
    const page = await (await h.app.request(`/r/${token('+33612345671')}`)).text();
    expect(page).toContain('data-choice="yes"');
    expect(page).toContain('que vous ne nous avez jamais confirmée');
    expect(page).not.toContain('a changé');

    expect((await answer(token('+33612345671'), 'yes')).status).toBe(200);
    expect((await answer(token('+33612345672'), 'no')).status).toBe(200);
    expect(await lookup('+33612345671')).toMatchObject({ status: 'confirmed', canSend: true });
    expect(await lookup('+33612345672')).toMatchObject({ status: 'withdrawn', canSend: false });

    await h.flush();
    const proof = await proofOf(yes);
    expect(proof.log.entries.map((e: any) => e.leaf.type)).toEqual(
      expect.arrayContaining(['imported', 'sms-sent', 'confirmed']),
    );
    expect(proof.receipt).toMatchObject({
      status: 'confirmed',
      confirmation: { method: 'link' },
      imported: { declaredBy: 'site-owner' },
      renewals: [{ policyVersion: 1 }],
    });
    expect(proof.receipt.basis).toBeUndefined();
    expect(allPassed(await verify(proof))).toBe(true);
    expect((await proofOf(no)).receipt).toMatchObject({
      status: 'withdrawn',
      withdrawal: { method: 'renewal-declined' },
    });

    h.advance(8 * 86_400_000);
    await h.flush();
    expect(await lookup('+33612345673')).toMatchObject({ status: 'withdrawn', canSend: false });
    const lapsed = await proofOf(silent);
    expect(lapsed.receipt).toMatchObject({ status: 'withdrawn', withdrawal: { method: 'renewal-lapsed' } });
    expect(allPassed(await verify(lapsed))).toBe(true);
  });
});
