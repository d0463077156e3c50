// Builds real proofs with the library's own primitives: keys, a small log, a signed checkpoint.

import { fromBase64, fromBase64Url, toBase64 } from '../../worker/crypto/encoding.ts';
import { createHash } from 'node:crypto';
import { canonicalize, jcsBytes } from '../../worker/crypto/jcs.ts';
import { consistencyProof, inclusionProof, leafHash, rootHash } from '../../worker/crypto/merkle.ts';
import { createMemoryNodeStore } from '../crypto/memory-node-store.ts';
import { createNoteSigner, makeVerifierKey, signCheckpoint, type NoteSigner } from '../../worker/crypto/note.ts';
import { createKeyRing, generateSigningKey, publicJwks, signReceipt } from '../../worker/crypto/signing.ts';

export const ORIGIN = 'assent.test/log/demo';

/** What the receipt says the visitor was shown: the widget texts object and the policy bytes. */
export const SHOWN = {
  locale: 'fr',
  policyVersion: 1,
  texts: { intro: 'Recevoir nos offres par SMS ?', yes: 'Oui', no: 'Non' },
};
export const POLICY_MD = '# Politique de confidentialité\n\nVersion 1.\n';
const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

export const RECEIPT = {
  schemaVersion: 'https://assent.dev/schemas/consent-receipt/v1',
  receiptId: 'cns_1',
  consentId: 'cns_1',
  site: 'demo',
  language: 'fr',
  controller: { name: 'Demo Shop', address: '1 rue de la Paix, Paris', email: 'privacy@demo.example' },
  purposes: [{ id: 'sms-marketing', description: 'nos offres par SMS', legalBasis: 'consent' }],
  notice: {
    policyVersion: 1,
    policySha256: sha256hex(POLICY_MD),
    policyUrl: 'https://assent.test/p/demo/1',
    widgetTextSha256: sha256hex(canonicalize(SHOWN)),
    locale: 'fr',
  },
  collection: {
    method: 'widget',
    at: '2026-03-01T10:00:00.000Z',
    pageUrl: 'https://demo.example/offres',
    ipPrefix: '203.0.113.0/24',
    browser: 'Firefox, Linux',
  },
  confirmation: {
    method: 'link',
    at: '2026-03-01T10:02:00.000Z',
    ipPrefix: '198.51.100.0/24',
    browser: 'Safari, iOS',
    sameDeviceAsRequest: false,
  },
  withdrawal: null,
  subject: { phone: '+33 6•• •• •• 78', country: 'FR', erased: false },
  status: 'confirmed',
  retention: { prospects: '3 ans', proofs: '5 ans', optOut: '3 ans' },
  log: { origin: ORIGIN },
};

/** The consent's two leaves, as the server logs them: asked (leaf 3), then confirmed (leaf 7) naming leaf 3. */
const REQUESTED = {
  v: 1,
  id: 'ev_3',
  type: 'requested',
  consentId: 'cns_1',
  site: 'demo',
  at: '2026-03-01T10:00:00.000Z',
  method: 'widget',
  locale: 'fr',
  policyVersion: 1,
  policySha256: RECEIPT.notice.policySha256,
  textSha256: RECEIPT.notice.widgetTextSha256,
  expiresAt: '2026-03-03T10:00:00.000Z',
};
const leafHashOf = (leaf: unknown) =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(jcsBytes(leaf))
    .digest('base64');
const CONFIRMED = {
  v: 1,
  id: 'ev_7',
  type: 'confirmed',
  consentId: 'cns_1',
  site: 'demo',
  at: '2026-03-01T10:02:00.000Z',
  prev: { index: 3, hash: leafHashOf(REQUESTED) },
  method: 'link',
  sameDeviceAsRequest: false,
};

let KEY: Record<string, unknown> = {};

function leafFor(i: number): Record<string, unknown> {
  if (i === 0) return KEY;
  if (i === 3) return REQUESTED;
  if (i === 7) return CONFIRMED;
  return { type: 'requested', consentId: `other_${i}`, site: 'demo', at: `2026-03-01T09:00:0${i % 10}.000Z` };
}

export interface Fixture {
  proof: {
    receipt: typeof RECEIPT;
    jws: string;
    log: {
      status: 'included' | 'pending';
      checkpoint: string;
      entries: { index: number; leaf: unknown; inclusion: string[] }[];
      keys: { index: number; leaf: unknown; inclusion: string[] }[];
    };
  };
  jwks: ReturnType<typeof publicJwks>;
  verifierKey: string;
  signer: NoteSigner;
  /** A checkpoint of the same log at size 5 (consistent). */
  earlier: string;
  /** A size-5 checkpoint, signed by the log key, of a different history. */
  forked: string;
  /** A checkpoint of the same log once grown to 19 leaves (saved after the proof was fetched). */
  later: string;
  consistency(from: number, to: number): Promise<string[]>;
  /** Signs another receipt with the proof's receipt key (what an operator holding that key can do). */
  sign(receipt: unknown): Promise<string>;
}

export async function buildFixture(size = 10): Promise<Fixture> {
  const ring = createKeyRing({ current: await generateSigningKey() });
  // As the server does: the log key is derived from the receipt key's seed (one key announced in the log).
  const signer = await createNoteSigner({ name: ORIGIN, seed: fromBase64Url(ring.current.d) });
  const verifierKey = await makeVerifierKey(ORIGIN, signer.publicKey);
  // Leaf 0: the log announces the receipt key (and the log key in use).
  KEY = {
    v: 1,
    id: 'ev_0',
    site: 'demo',
    type: 'key-announced',
    at: '2026-03-01T08:00:00.000Z',
    kid: ring.current.kid,
    jwk: { kty: 'OKP', crv: 'Ed25519', x: ring.current.x },
    verifierKey,
  };
  const store = createMemoryNodeStore();
  for (let i = 0; i < size; i++) await store.append(await leafHash(jcsBytes(leafFor(i))));
  const checkpoint = await signCheckpoint({ origin: ORIGIN, size, rootHash: await rootHash(size, store) }, signer);
  const entries = await Promise.all(
    [3, 7].map(async (index) => ({
      index,
      leaf: leafFor(index),
      inclusion: (await inclusionProof(index, size, store)).map(toBase64),
    })),
  );
  const earlier = await signCheckpoint({ origin: ORIGIN, size: 5, rootHash: await rootHash(5, store) }, signer);
  const keys = [{ index: 0, leaf: KEY, inclusion: (await inclusionProof(0, size, store)).map(toBase64) }];
  for (let i = size; i < 19; i++) await store.append(await leafHash(jcsBytes(leafFor(i))));
  const later = await signCheckpoint({ origin: ORIGIN, size: 19, rootHash: await rootHash(19, store) }, signer);
  const fork = createMemoryNodeStore();
  for (let i = 0; i < 5; i++) await fork.append(await leafHash(jcsBytes({ ...leafFor(i), rewritten: true })));
  const forked = await signCheckpoint({ origin: ORIGIN, size: 5, rootHash: await rootHash(5, fork) }, signer);
  return {
    proof: {
      receipt: RECEIPT,
      jws: await signReceipt(RECEIPT, ring),
      log: { status: 'included', checkpoint, entries, keys },
    },
    jwks: publicJwks(ring),
    verifierKey,
    signer,
    earlier,
    forked,
    later,
    consistency: async (from, to) => (await consistencyProof(from, to, store)).map(toBase64),
    sign: (receipt) => signReceipt(receipt as Record<string, unknown>, ring),
  };
}

export function flipBase64(text: string, at = 0): string {
  const bytes = fromBase64(text);
  bytes[at % bytes.length]! ^= 0x01;
  return toBase64(bytes);
}

/** The fixture's proof as an evidence file, as GET /proofs/{id}/evidence makes it. */
export const evidenceFile = (fx: Fixture, proof: Fixture['proof'] = fx.proof) => ({
  format: 'assent-evidence/1',
  generatedAt: '2026-03-01T12:00:00.000Z',
  proofUrl: 'https://assent.test/proofs/cns_1',
  ...structuredClone(proof),
  keys: { jwks: fx.jwks, log: { origin: ORIGIN, verifierKey: fx.verifierKey, previousVerifierKeys: [] } },
  notice: { policy: { version: 1, locale: 'fr', markdown: POLICY_MD }, widgetTexts: structuredClone(SHOWN) },
});
