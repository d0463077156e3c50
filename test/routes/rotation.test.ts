// The signing-key rotation procedure: restart on the same database with ASSENT_SIGNING_KEY = B and
// ASSENT_SIGNING_KEYS_RETIRED = [A's public JWK]; receipts signed under A still verify, and the log stays auditable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../worker/crypto/encoding.ts';
import { signingKeysFrom } from '../../worker/crypto/keys.ts';
import { verifyConsistency } from '../../worker/crypto/merkle.ts';
import { verifyCheckpoint } from '../../worker/crypto/note.ts';
import { generateSigningKey, type Jwks, type PrivateJwk } from '../../worker/crypto/signing.ts';
import { JwsError, verifyReceipt } from '../crypto/verify-receipt.ts';
import { runCli } from '../../worker/verify/cli.ts';
import { allPassed, verdict, verifyProof } from '../../worker/verify/verify-proof.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

interface Proof {
  receipt: { consentId: string; status: string };
  jws: string;
  log: { checkpoint: string; entries: { index: number }[] };
}

let dir: string;
let url: string;
let keyA: PrivateJwk;
let keyB: PrivateJwk;
const publicOf = (k: PrivateJwk) => ({ kty: k.kty, crv: k.crv, x: k.x });

/** What the operator had before rotating: proofs, JWKS and the log key as an auditor downloaded them under A. */
const underA = {} as { consentId: string; proof: Proof; jwks: Jwks; verifierKey: string; checkpoint: string };

async function confirmedOptIn(h: Harness, phone: string): Promise<string> {
  const res = await optIn(h, phone);
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  const e164 = `+33${phone.replace(/\s/g, '').slice(1)}`;
  expect((await h.app.request(`/c/${linkToken(h, 'c', e164)}`, { method: 'POST' })).status).toBe(200);
  await h.flush(); // the jobs put the confirmation into a signed checkpoint
  return consentId;
}

const getJson = async <T>(h: Harness, path: string): Promise<T> => {
  const res = await h.app.request(path, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
const logInfo = (h: Harness) => getJson<{ verifierKey: string; size: number; origin: string }>(h, '/v1/sites/demo/log');

/** The Node entry reads both variables the same way (worker/crypto/keys.ts). */
const restart = async (env: { ASSENT_SIGNING_KEY: string; ASSENT_SIGNING_KEYS_RETIRED?: string }) =>
  makeHarness({ url, keys: await signingKeysFrom(env.ASSENT_SIGNING_KEY, env.ASSENT_SIGNING_KEYS_RETIRED) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-rotation-'));
  url = `file:${join(dir, 'assent.db')}`;
  [keyA, keyB] = [await generateSigningKey(), await generateSigningKey()];
  const h = await restart({ ASSENT_SIGNING_KEY: JSON.stringify(keyA) });
  underA.consentId = await confirmedOptIn(h, '06 12 34 56 78');
  underA.proof = await getJson<Proof>(h, `/proofs/${underA.consentId}`);
  underA.jwks = await getJson<Jwks>(h, '/.well-known/jwks.json');
  underA.verifierKey = (await logInfo(h)).verifierKey;
  underA.checkpoint = underA.proof.log.checkpoint;
  await h.close();
}, 30_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('before rotation', () => {
  it('key A signs proofs and is the only key in the JWKS', async () => {
    expect(underA.jwks.keys.map((k) => k.kid)).toEqual([keyA.kid]);
    const verified = await verifyReceipt(underA.proof.jws, underA.jwks);
    expect(verified.kid).toBe(keyA.kid);
    expect(
      allPassed(await verifyProof({ proof: underA.proof, jwks: underA.jwks, verifierKey: underA.verifierKey })),
    ).toBe(true);
  });
});

describe('after restarting with B as the signing key and A retired', () => {
  let h: Harness;
  let jwks: Jwks;
  beforeAll(async () => {
    h = await restart({
      ASSENT_SIGNING_KEY: JSON.stringify(keyB),
      ASSENT_SIGNING_KEYS_RETIRED: JSON.stringify([publicOf(keyA)]),
    });
    jwks = await getJson<Jwks>(h, '/.well-known/jwks.json');
  });
  afterAll(async () => h.close());

  it('the JWKS lists both keys, public halves only', () => {
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([keyA.kid, keyB.kid].sort());
    for (const k of jwks.keys) expect(k).not.toHaveProperty('d');
    expect(jwks.keys.find((k) => k.kid === keyA.kid)!.x).toBe(keyA.x);
  });

  it('an old proof fetched again is signed by B (receipts are signed when fetched)', async () => {
    const again = await getJson<Proof>(h, `/proofs/${underA.consentId}`);
    expect(again.receipt).toEqual(underA.proof.receipt);
    expect(again.jws).not.toBe(underA.proof.jws);
    expect((await verifyReceipt(again.jws, jwks)).kid).toBe(keyB.kid);
  });

  it('the JWS downloaded under A still verifies against the new JWKS', async () => {
    const verified = await verifyReceipt(underA.proof.jws, jwks);
    expect(verified.kid).toBe(keyA.kid);
    expect(verified.receipt).toEqual(underA.proof.receipt);
  });

  it('right after the restart, an old proof waits for the log to announce B, then verifies with the published log key', async () => {
    const early = await getJson<Proof>(h, `/proofs/${underA.consentId}`);
    const before = await verifyProof({ proof: early, jwks, verifierKey: (await logInfo(h)).verifierKey });
    // Signed by B, which no leaf announces yet: PENDING (never VALID) until the jobs log it.
    expect(before.filter((c) => !c.ok).map((c) => [c.name, c.pending])).toEqual([['receipt-key-logged', true]]);
    expect(verdict(before)).toBe('PENDING');
    await h.flush();
    const proof = await getJson<Proof>(h, `/proofs/${underA.consentId}`);
    const checks = await verifyProof({ proof, jwks, verifierKey: (await logInfo(h)).verifierKey });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('a new proof is signed by B and verifies', async () => {
    const consentId = await confirmedOptIn(h, '06 23 45 67 89');
    const proof = await getJson<Proof>(h, `/proofs/${consentId}`);
    expect((await verifyReceipt(proof.jws, jwks)).kid).toBe(keyB.kid);
    const checks = await verifyProof({ proof, jwks, verifierKey: (await logInfo(h)).verifierKey });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('the log key follows the signing key: checkpoints saved under A verify with A’s log key only', async () => {
    const { verifierKey, size } = await logInfo(h);
    expect(verifierKey).not.toBe(underA.verifierKey);
    // Same origin and key name; only the key (and its hash) changed.
    expect(verifierKey.split('+')[0]).toBe(underA.verifierKey.split('+')[0]);
    const saved = await verifyCheckpoint(underA.checkpoint, underA.verifierKey);
    await expect(verifyCheckpoint(underA.checkpoint, verifierKey)).rejects.toThrow(/no signature by/);

    // The history the auditor saw under A is a prefix of the log signed under B.
    const current = await verifyCheckpoint(
      await (await h.app.request('/v1/sites/demo/log/checkpoint')).text(),
      verifierKey,
    );
    expect(current.size).toBe(size);
    expect(current.size).toBeGreaterThan(saved.size);
    const { hashes } = await getJson<{ hashes: string[] }>(
      h,
      `/v1/sites/demo/log/consistency?from=${saved.size}&to=${current.size}`,
    );
    expect(
      await verifyConsistency(saved.size, current.size, hashes.map(fromBase64), saved.rootHash, current.rootHash),
    ).toBe(true);
    // A different old root (a rewritten history) does not pass with the same hashes.
    const forged = saved.rootHash.slice();
    forged[0]! ^= 1;
    expect(await verifyConsistency(saved.size, current.size, hashes.map(fromBase64), forged, current.rootHash)).toBe(
      false,
    );
  });
});

describe('rotation corner cases', () => {
  it('without A in the retired list, the JWS downloaded under A no longer verifies', async () => {
    const h = await restart({ ASSENT_SIGNING_KEY: JSON.stringify(keyB) });
    try {
      const jwks = await getJson<Jwks>(h, '/.well-known/jwks.json');
      expect(jwks.keys.map((k) => k.kid)).toEqual([keyB.kid]);
      const error = await verifyReceipt(underA.proof.jws, jwks).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JwsError);
      expect((error as JwsError).code).toBe('unknown_kid');
    } finally {
      await h.close();
    }
  });

  it('a retired key given with its private part is refused at start', async () => {
    await expect(signingKeysFrom(JSON.stringify(keyB), JSON.stringify([keyA]))).rejects.toThrow(
      /ASSENT_SIGNING_KEYS_RETIRED/,
    );
  });

  it('a retired list that is not JSON, or holds a non-object, is refused naming the variable', async () => {
    // Pasting the key without its brackets or quotes is the likely slip; the message must say which variable it was.
    for (const retired of [publicOf(keyA).x, `${JSON.stringify(publicOf(keyA))},`, '[null]', '["x"]'])
      await expect(signingKeysFrom(JSON.stringify(keyB), retired)).rejects.toThrow(
        /^ASSENT_SIGNING_KEYS_RETIRED must be a JSON array/,
      );
  });

  it('an auditor’s checkpoint saved before the rotation still proves consistency through the CLI', async () => {
    const h = await restart({
      ASSENT_SIGNING_KEY: JSON.stringify(keyB),
      ASSENT_SIGNING_KEYS_RETIRED: JSON.stringify([publicOf(keyA)]),
    });
    try {
      const out: string[] = [];
      const files = new Map([['saved.txt', underA.checkpoint]]);
      const code = await runCli(
        ['verify', `https://assent.test/proofs/${underA.consentId}`, '--checkpoint', 'saved.txt'],
        {
          fetch: ((input: RequestInfo | URL, init?: RequestInit) => h.app.request(String(input), init)) as typeof fetch,
          readFile: async (path) => files.get(path) ?? Promise.reject(new Error(`no ${path}`)),
          writeFile: async (path, text) => void files.set(path, text),
          stdout: (line) => out.push(line),
          stderr: (line) => out.push(line),
        },
      );
      expect(out.join('\n')).toContain('✓ consistency');
      expect(code).toBe(0);
    } finally {
      await h.close();
    }
  });
});
