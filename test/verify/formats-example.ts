// The worked example of docs/formats.md, produced by the project's own code from a fixed key: a three-leaf log, a
// signed checkpoint, a receipt and its JWS. `npx tsx test/verify/formats-example.ts` prints the doc's example
// blocks; test/verify/formats.test.ts recomputes every value in the doc independently and compares.
import { toBase64, toBase64Url, toHex } from '../../worker/crypto/encoding.ts';
import { canonicalize, jcsBytes } from '../../worker/crypto/jcs.ts';
import { inclusionProof, leafHash, nodeHash, rootHash } from '../../worker/crypto/merkle.ts';
import { createMemoryNodeStore } from '../crypto/memory-node-store.ts';
import { createNoteSigner, makeVerifierKey, signCheckpoint } from '../../worker/crypto/note.ts';
import { createKeyRing, importSigningKey, publicJwks, signReceipt } from '../../worker/crypto/signing.ts';

export const EXAMPLE_ORIGIN = 'assent.example/log/demo';
/** A fixed, public seed: never a real key. */
export const EXAMPLE_SEED = Uint8Array.from({ length: 32 }, (_, i) => i);

export const EXAMPLE_LEAVES = [
  {
    v: 1,
    id: 'Ev0AAAAAAAAAAAAAAAAAAA',
    site: 'demo',
    consentId: 'Cn1AAAAAAAAAAAAAAAAAAA',
    type: 'requested',
    at: '2026-03-01T10:00:00.000Z',
  },
  {
    v: 1,
    id: 'Ev1AAAAAAAAAAAAAAAAAAA',
    site: 'demo',
    consentId: 'Cn2AAAAAAAAAAAAAAAAAAA',
    type: 'requested',
    at: '2026-03-01T10:01:00.000Z',
  },
  {
    v: 1,
    id: 'Ev2AAAAAAAAAAAAAAAAAAA',
    site: 'demo',
    consentId: 'Cn1AAAAAAAAAAAAAAAAAAA',
    type: 'confirmed',
    at: '2026-03-01T10:02:00.000Z',
    method: 'link',
    sameDeviceAsRequest: false,
  },
];

export const EXAMPLE_RECEIPT = {
  schemaVersion: 'https://assent.dev/schemas/consent-receipt/v1',
  receiptId: 'Cn1AAAAAAAAAAAAAAAAAAA',
  consentId: 'Cn1AAAAAAAAAAAAAAAAAAA',
  site: 'demo',
  language: 'fr',
  status: 'confirmed',
  notice: { policyVersion: 1, locale: 'fr', policySha256: 'f'.repeat(64), widgetTextSha256: 'e'.repeat(64) },
  collection: { method: 'widget', at: '2026-03-01T10:00:00.000Z' },
  confirmation: { method: 'link', at: '2026-03-01T10:02:00.000Z' },
  log: { origin: EXAMPLE_ORIGIN },
};

export async function buildExample() {
  const store = createMemoryNodeStore();
  const leafHashes: Uint8Array[] = [];
  for (const leaf of EXAMPLE_LEAVES) {
    const hash = await leafHash(jcsBytes(leaf));
    leafHashes.push(hash);
    await store.append(hash);
  }
  const node01 = await nodeHash(leafHashes[0]!, leafHashes[1]!);
  const root = await rootHash(3, store);
  const signer = await createNoteSigner({ name: EXAMPLE_ORIGIN, seed: EXAMPLE_SEED });
  const checkpoint = await signCheckpoint({ origin: EXAMPLE_ORIGIN, size: 3, rootHash: root }, signer);
  const ring = createKeyRing({
    current: await importSigningKey({ kty: 'OKP', crv: 'Ed25519', d: toBase64Url(EXAMPLE_SEED) }),
  });
  return {
    leaves: EXAMPLE_LEAVES.map((leaf, i) => ({
      json: JSON.stringify(leaf),
      jcs: canonicalize(leaf),
      hashHex: toHex(leafHashes[i]!),
      hashBase64: toBase64(leafHashes[i]!),
    })),
    node01Hex: toHex(node01),
    rootHex: toHex(root),
    rootBase64: toBase64(root),
    inclusion0: (await inclusionProof(0, 3, store)).map(toBase64),
    inclusion2: (await inclusionProof(2, 3, store)).map(toBase64),
    checkpoint,
    verifierKey: await makeVerifierKey(EXAMPLE_ORIGIN, signer.publicKey),
    keyHashHex: toHex(signer.keyHash),
    publicKeyBase64: toBase64(signer.publicKey),
    jwk: publicJwks(ring).keys[0]!,
    receiptJcs: canonicalize(EXAMPLE_RECEIPT),
    jws: await signReceipt(EXAMPLE_RECEIPT, ring),
  };
}

export type Example = Awaited<ReturnType<typeof buildExample>>;

/** The blocks as they appear in the doc, each after an `<!-- example:NAME -->` marker. */
export function exampleBlocks(x: Example): Record<string, string> {
  const blocks: Record<string, string> = {};
  x.leaves.forEach((l, i) => {
    blocks[`leaf${i}`] = l.json;
    blocks[`leaf${i}-jcs`] = l.jcs;
    blocks[`leaf${i}-hash`] = l.hashHex;
  });
  blocks.node01 = x.node01Hex;
  blocks.root = `${x.rootHex}\n${x.rootBase64}`;
  blocks.inclusion0 = JSON.stringify(x.inclusion0);
  blocks.inclusion2 = JSON.stringify(x.inclusion2);
  blocks.checkpoint = x.checkpoint.trimEnd();
  blocks['verifier-key'] = x.verifierKey;
  blocks['key-hash'] = x.keyHashHex;
  blocks.jwk = JSON.stringify(x.jwk);
  blocks['receipt-jcs'] = x.receiptJcs;
  blocks.jws = x.jws;
  return blocks;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const blocks = exampleBlocks(await buildExample());
  for (const [name, text] of Object.entries(blocks)) console.log(`<!-- example:${name} -->\n\`\`\`\n${text}\n\`\`\`\n`);
}
