// An import's source (the owner's words for where consent was given) may name a person, and the log is public and
// never erased: its leaf holds only the source's SHA-256, the receipt the text beside that hash (checked by the
// verifier), and erasure removes the text while the proof still verifies. Leaves logged before hold the text in clear
// and verify as they always did.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../worker/crypto/tokens.ts';
import { decodeEntryBundle, encodeTileIndex } from '../../worker/crypto/tiles.ts';
import { signReceipt } from '../../worker/crypto/signing.ts';
import { erasedMark } from '../../worker/domain/subscribers/erased-mark.ts';
import { newEvent } from '../../worker/domain/proof-log/events.ts';
import { maskPhone } from '../../worker/sms/mask-phone.ts';
import { verifyEvidence } from '../../worker/verify/evidence.ts';
import { deriveFacts, describeFacts } from '../../worker/verify/leaf-facts.ts';
import { checkNotice } from '../../worker/verify/notice.ts';
import { verifiedFacts } from '../../worker/verify/facts.ts';
import { allPassed, verdict, verifyProof } from '../../worker/verify/verify-proof.ts';
import { ADMIN_TOKEN, json, makeHarness, testKeys, type Harness } from '../harness.ts';

const VERIFY = join(import.meta.dirname, '../../verify.mjs');
const sha256hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const WORDING = 'Recevez nos offres par SMS. Désinscription : STOP.';
const PHONE = '+33612345678';
// The risk itself: a person's name in the owner's words (names cannot be detected, so they are accepted).
const SOURCE = 'formulaire papier de Jean Dupont, salon de Lyon';
const noSources = { widgetTexts: async () => null, policyMarkdown: async () => new Uint8Array() };

let h: Harness;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-import-source-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const importOne = async (source = SOURCE) => {
  const res = await h.app.request('/v1/sites/demo/subscribers/import', {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...auth },
    body: `${JSON.stringify({ phone: PHONE, consentedAt: '2026-06-01T09:30:00Z', source, wording: WORDING })}\n`,
  });
  expect(await res.json()).toMatchObject({ imported: 1, refused: [] });
  await h.flush();
  return lookup();
};
const lookup = async () =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: PHONE }, auth))).json()) as {
    subscriberId: string;
    proofUrl: string;
  };
const idOf = (proofUrl: string) => proofUrl.split('/proofs/')[1]!;
const proofOf = async (id: string) =>
  (await (await h.app.request(`/proofs/${id}`, { headers: { accept: 'application/json' } })).json()) as any;
const evidenceOf = async (id: string) => (await (await h.app.request(`/proofs/${id}/evidence`)).json()) as any;
async function verify(proof: unknown) {
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  return verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
}
const textsCheck = async (receipt: unknown) =>
  (await checkNotice(receipt as Record<string, unknown>, noSources)).find((c) => c.name === 'notice-texts')!;
/** The committed verify.mjs, offline, on an evidence file: its exit code and output. */
async function verifyMjs(name: string, evidence: unknown): Promise<{ code: number; out: string }> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(evidence));
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFY, '--offline', file], { timeout: 30_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout });
    });
  });
}
/** Every entry the log publishes as tlog-tiles (what anyone reads), as text. */
async function publicEntries(): Promise<string[]> {
  const { size } = (await (await h.app.request('/v1/sites/demo/log')).json()) as { size: number };
  const entries: string[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const res = await h.app.request(`/log/demo/tile/entries/${encodeTileIndex(n)}${width < 256 ? `.p/${width}` : ''}`);
    expect(res.status).toBe(200);
    for (const entry of decodeEntryBundle(new Uint8Array(await res.arrayBuffer())))
      entries.push(new TextDecoder().decode(entry));
  }
  return entries;
}

describe('the source of an imported number', () => {
  it('is logged as its SHA-256 only: the public entries and the stored leaves never hold the text', async () => {
    const id = idOf((await importOne()).proofUrl);
    const entries = await publicEntries();
    const leaf = entries.map((e) => JSON.parse(e)).find((l) => l.consentId === id && l.type === 'imported');
    expect(leaf).toMatchObject({ type: 'imported', sourceSha256: sha256hex(SOURCE) });
    expect(leaf).not.toHaveProperty('source');
    expect(entries.join('\n')).not.toContain('Dupont');
    const { db } = h.deps.store;
    const stored = await db.all<{ leaf: string }>(sql`SELECT leaf FROM log_leaves WHERE consent_id = ${id}`);
    const events = await db.all<{ data: string }>(sql`SELECT data FROM consent_events WHERE consent_id = ${id}`);
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify([stored, events])).not.toContain('Dupont');
  });

  it('is in the receipt beside its hash; the proof verifies, offline too; another source re-signed is INVALID', async () => {
    const id = idOf((await importOne()).proofUrl);
    const proof = await proofOf(id);
    expect(proof.receipt.imported).toEqual({
      declaredBy: 'site-owner',
      consentedAt: '2026-06-01T09:30:00.000Z',
      source: SOURCE,
      sourceSha256: sha256hex(SOURCE),
      wordingSha256: sha256hex(WORDING),
      wording: WORDING,
    });
    expect(allPassed(await verify(proof))).toBe(true);
    expect(await textsCheck(proof.receipt)).toMatchObject({ ok: true });
    const evidence = await evidenceOf(id);
    expect(verdict(await verifyEvidence(evidence))).toBe('VALID');
    const valid = await verifyMjs('valid.json', evidence);
    expect(valid.out).toContain(`source "${SOURCE}", SHA-256 ${sha256hex(SOURCE)}`);
    expect(valid.code).toBe(0);

    // Another source, re-signed with the service's own key: the signature holds, the hash does not.
    const forged = structuredClone(evidence);
    forged.receipt.imported.source = 'salon de Lyon';
    forged.jws = await signReceipt(forged.receipt, (await testKeys()).ring);
    const checks = await verifyEvidence(forged);
    expect(checks.find((c) => c.name === 'receipt-signature')?.ok).toBe(true);
    expect(checks.find((c) => c.name === 'notice-texts')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('the declared source hashes to'),
    });
    expect(verdict(checks)).toBe('INVALID');
    const refused = await verifyMjs('forged-source.json', forged);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('✗ notice-texts');
    // And a hash of that other source, re-signed: the log holds the first one.
    const rehashed = structuredClone(forged);
    rehashed.receipt.imported.sourceSha256 = sha256hex('salon de Lyon');
    rehashed.jws = await signReceipt(rehashed.receipt, (await testKeys()).ring);
    const facts = (await verifyEvidence(rehashed)).find((c) => c.name === 'receipt-facts');
    expect(facts).toMatchObject({ ok: false, detail: expect.stringContaining('receipt.imported.sourceSha256') });
  });

  it('goes at erasure: the receipt says null, the row holds nothing of it, the hash stays and the proof verifies', async () => {
    const { subscriberId, proofUrl } = await importOne();
    const id = idOf(proofUrl);
    const erase = await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(erase.status).toBe(200);
    await h.flush();
    const proof = await proofOf(id);
    expect(proof.receipt.status).toBe('erased');
    expect(proof.receipt.imported).toMatchObject({ source: null, sourceSha256: sha256hex(SOURCE), wording: WORDING });
    const row = (await h.deps.store.db.all<Record<string, unknown>>(sql`SELECT * FROM consents WHERE id = ${id}`))[0];
    expect(row).toMatchObject({ status: 'erased', import_source: null });
    expect(JSON.stringify(row)).not.toContain('Dupont');
    expect(allPassed(await verify(proof))).toBe(true);
    expect(await textsCheck(proof.receipt)).toMatchObject({ ok: true });
    const evidence = await evidenceOf(id);
    expect(verdict(await verifyEvidence(evidence))).toBe('VALID');
    expect(verifiedFacts(evidence).find((f) => f.label === 'imported')?.value).toContain(
      `source erased, SHA-256 ${sha256hex(SOURCE)}`,
    );
    const page = await (await h.app.request(`/proofs/${id}`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('effacée avec le numéro');
    expect(page).not.toContain('Dupont');
    // A receipt re-signed to show a source again after erasure must still hash to the logged one.
    const forged = structuredClone(evidence);
    forged.receipt.imported.source = 'salon de Lyon';
    forged.jws = await signReceipt(forged.receipt, (await testKeys()).ring);
    expect(verdict(await verifyEvidence(forged))).toBe('INVALID');
  });
});

describe('a leaf logged before the source was hashed (the text in clear)', () => {
  /** Writes an import the way the service did before: the leaf holds `source` and no `sourceSha256`. */
  async function oldImport(source: string) {
    const ctx = h.ctx;
    const now = h.now();
    const version = (await ctx.policies.latestVersion('demo'))!;
    const policy = (await ctx.policies.versionLocales('demo', version))[0]!;
    const phoneIndex = await ctx.sealer.blindIndex('demo', PHONE);
    const subjectId = newId(ctx.random, now);
    const { wrappedKey, sealed } = await ctx.sealer.newSubject(subjectId, [PHONE]);
    const consentId = newId(ctx.random, now);
    const event = await newEvent(ctx, {
      siteId: 'demo',
      consentId,
      type: 'imported',
      at: now,
      prev: null,
      details: {
        basis: 'imported',
        declaredBy: 'site-owner',
        doubleOptIn: false,
        consentedAt: '2026-06-01T09:30:00.000Z',
        source,
        wordingSha256: sha256hex(WORDING),
        locale: policy.locale,
        policyVersion: policy.version,
        policySha256: policy.sha256,
      },
    });
    const lastOpId = newId(ctx.random, now);
    await ctx.store.batch([
      ctx.imports.insertSubjects([
        {
          id: subjectId,
          siteId: 'demo',
          phoneIndex,
          phoneCiphertext: sealed[0]!,
          wrappedKey,
          country: 'FR',
          masked: maskPhone(PHONE),
          createdAt: now,
          erasedAt: null,
          lastContactAt: now,
        },
      ]),
      // As stored before the column existed: no import_source.
      ctx.imports.insertConsents([
        {
          id: consentId,
          siteId: 'demo',
          subjectId,
          status: 'imported',
          basis: 'consent',
          locale: policy.locale,
          policyVersion: policy.version,
          policySha256: policy.sha256,
          textSha256: sha256hex(WORDING),
          noticeText: WORDING,
          collectionMethod: 'import',
          confirmTokenHash: `imported:${consentId}`,
          unsubscribeTokenHash: `imported:${consentId}`,
          requestedAt: now,
          expiresAt: now,
          updatedAt: now,
          lastOpId,
          guard: { phoneIndex, mark: erasedMark(phoneIndex) },
        },
      ]),
      ...ctx.imports.appendFirstEvents('demo', [{ event, opId: lastOpId }]),
    ]);
    await h.flush();
    return { consentId, subjectId };
  }

  it('is served and verified as before: the receipt repeats the text, with no sourceSha256', async () => {
    const { consentId, subjectId } = await oldImport('checkout form 2025');
    const proof = await proofOf(consentId);
    expect(proof.log.entries[0].leaf).toMatchObject({ type: 'imported', source: 'checkout form 2025' });
    expect(proof.receipt.imported).toEqual({
      declaredBy: 'site-owner',
      consentedAt: '2026-06-01T09:30:00.000Z',
      source: 'checkout form 2025',
      wordingSha256: sha256hex(WORDING),
      wording: WORDING,
    });
    expect(allPassed(await verify(proof))).toBe(true);
    expect(await textsCheck(proof.receipt)).toMatchObject({ ok: true });
    const evidence = await evidenceOf(consentId);
    const run = await verifyMjs('old.json', evidence);
    expect(run.out).toContain('source "checkout form 2025"');
    expect(run.code).toBe(0);
    const facts = deriveFacts(proof.log.entries.map((e: any) => e.leaf));
    if (typeof facts === 'string') throw new Error(facts);
    expect(describeFacts(facts)[0]).toContain('source "checkout form 2025"');

    // A receipt re-signed with another text, or with a hash the leaf does not hold, is INVALID.
    const other = structuredClone(evidence);
    other.receipt.imported.source = 'salon de Lyon';
    other.jws = await signReceipt(other.receipt, (await testKeys()).ring);
    expect((await verifyEvidence(other)).find((c) => c.name === 'receipt-facts')?.ok).toBe(false);
    const hashed = structuredClone(evidence);
    hashed.receipt.imported.sourceSha256 = sha256hex('checkout form 2025');
    hashed.jws = await signReceipt(hashed.receipt, (await testKeys()).ring);
    expect((await verifyEvidence(hashed)).find((c) => c.name === 'receipt-facts')?.ok).toBe(false);

    // Erased: the text is in the leaf, which nothing erases, so the receipt keeps repeating it and still verifies.
    const erase = await h.app.request(`/v1/sites/demo/subscribers/${subjectId}`, { method: 'DELETE', headers: auth });
    expect(erase.status).toBe(200);
    await h.flush();
    const erased = await proofOf(consentId);
    expect(erased.receipt).toMatchObject({ status: 'erased', imported: { source: 'checkout form 2025' } });
    expect(allPassed(await verify(erased))).toBe(true);
  });

  it('a leaf holding both the text and a hash, or neither, is unreadable', async () => {
    const id = idOf((await importOne()).proofUrl);
    const leaves = (await proofOf(id)).log.entries.map((e: any) => ({ ...e.leaf }));
    expect(typeof deriveFacts(leaves)).toBe('object');
    expect(deriveFacts([{ ...leaves[0], source: SOURCE }, ...leaves.slice(1)])).toContain('neither or both');
    const { sourceSha256: _, ...neither } = leaves[0];
    expect(deriveFacts([neither, ...leaves.slice(1)])).toContain('neither or both');
    expect(deriveFacts([{ ...leaves[0], sourceSha256: 'not a hash' }, ...leaves.slice(1)])).toContain(
      'not a hex SHA-256',
    );
  });
});
