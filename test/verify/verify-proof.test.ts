import { jcsBytes } from '../../worker/crypto/jcs.ts';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, parseCheckpoint } from '../../worker/crypto/note.ts';
import { createKeyRing, generateSigningKey, signReceipt, toPublicJwk } from '../../worker/crypto/signing.ts';
import { allPassed, verdict, verifyProof, type Check } from '../../worker/verify/verify-proof.ts';
import { buildFixture, flipBase64, ORIGIN, type Fixture } from './fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await buildFixture();
});

const failed = (checks: Check[]) => checks.filter((c) => !c.ok).map((c) => c.name);

describe('verifyProof', () => {
  it('passes every check on a genuine proof', async () => {
    const checks = await verifyProof({
      proof: fx.proof,
      jwks: fx.jwks,
      verifierKey: fx.verifierKey,
      origin: ORIGIN,
      savedCheckpoint: fx.earlier,
      consistency: await fx.consistency(5, 10),
    });
    expect(checks.map((c) => c.name)).toEqual([
      'proof-format',
      'receipt-signature',
      'receipt-payload',
      'receipt-shape',
      'checkpoint-signature',
      'checkpoint-origin',
      'leaf-consent[3]',
      'inclusion[3]',
      'leaf-consent[7]',
      'inclusion[7]',
      'leaf-chain',
      'receipt-facts',
      'receipt-key-logged',
      'saved-checkpoint',
      'consistency',
    ]);
    expect(failed(checks)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
  });

  it('names each kind of tampering', async () => {
    const base = { jwks: fx.jwks, verifierKey: fx.verifierKey };
    const p = fx.proof;
    const cases: [string, unknown, string[]][] = [
      [
        'receipt status',
        { ...p, receipt: { ...p.receipt, status: 'withdrawn' } },
        ['receipt-payload', 'receipt-facts'],
      ],
      [
        'receipt consent',
        { ...p, receipt: { ...p.receipt, consentId: 'cns_2' } },
        ['receipt-payload', 'receipt-shape', 'leaf-consent[3]', 'leaf-consent[7]', 'receipt-facts'],
      ],
      [
        'leaf of another consent',
        {
          ...p,
          log: {
            ...p.log,
            entries: [{ ...p.log.entries[0]!, leaf: { ...(p.log.entries[0]!.leaf as object), consentId: 'x' } }],
          },
        },
        ['leaf-consent[3]', 'inclusion[3]', 'receipt-facts'],
      ],
      // Only the request shown: the confirmation the receipt states is in no leaf of the proof.
      [
        'leaf index moved',
        { ...p, log: { ...p.log, entries: [{ ...p.log.entries[0]!, index: 2 }] } },
        ['inclusion[2]', 'receipt-facts'],
      ],
      ['confirmation left out', { ...p, log: { ...p.log, entries: [p.log.entries[0]!] } }, ['receipt-facts']],
      ['request left out', { ...p, log: { ...p.log, entries: [p.log.entries[1]!] } }, ['leaf-chain', 'receipt-facts']],
      ['no entries', { ...p, log: { ...p.log, entries: [] } }, ['proof-format']],
      ['not JSON object', 'nope', ['proof-format']],
    ];
    for (const [label, proof, expected] of cases) {
      expect([label, failed(await verifyProof({ ...base, proof }))]).toEqual([label, expected]);
    }
    const wrongPath = structuredClone(p);
    wrongPath.log.entries[1]!.inclusion[0] = flipBase64(wrongPath.log.entries[1]!.inclusion[0]!, 31);
    expect(failed(await verifyProof({ ...base, proof: wrongPath }))).toEqual(['inclusion[7]']);
  });

  it('detects a shrunk, forked or foreign log', async () => {
    const base = { proof: fx.proof, jwks: fx.jwks, verifierKey: fx.verifierKey };
    expect(
      failed(await verifyProof({ ...base, savedCheckpoint: fx.forked, consistency: await fx.consistency(5, 10) })),
    ).toEqual(['consistency']);
    const later = await signCheckpoint(
      { origin: ORIGIN, size: 11, rootHash: parseCheckpoint(fx.earlier).rootHash },
      fx.signer,
    );
    // A saved checkpoint newer than the proof's: the proof's tree must be a prefix of it, proven from 10 to 11.
    expect(
      failed(await verifyProof({ ...base, savedCheckpoint: later, consistency: await fx.consistency(10, 11) })),
    ).toEqual(['consistency']);
    // No consistency proof at hand (offline): not checked, never a failure nor a pass.
    const offline = await verifyProof({ ...base, savedCheckpoint: fx.earlier });
    expect(failed(offline)).toEqual([]);
    expect(offline.find((c) => c.name === 'consistency')).toMatchObject({ ok: true, unchecked: true });
    expect(offline.find((c) => c.name === 'consistency')?.detail).toMatch(/^cannot be checked offline/);
    expect(failed(await verifyProof({ ...base, origin: 'elsewhere/log' }))).toEqual(['checkpoint-origin']);
    expect(failed(await verifyProof({ ...base, savedCheckpoint: fx.proof.log.checkpoint }))).toEqual([]);
  });

  it('says PENDING for events no checkpoint covers yet, and never lets pending hide a failure', async () => {
    const base = { jwks: fx.jwks, verifierKey: fx.verifierKey };
    const p = fx.proof;
    const prev = {
      index: 7,
      hash: createHash('sha256')
        .update(Buffer.from([0]))
        .update(jcsBytes(p.log.entries[1]!.leaf))
        .digest('base64'),
    };
    const pendingLeaf = {
      v: 1,
      id: 'ev_10',
      type: 'withdrawn',
      consentId: 'cns_1',
      site: 'demo',
      at: '2026-03-01T11:00:00.000Z',
      prev,
      method: 'link',
    };
    // The receipt the server signs once the withdrawal is logged, before a checkpoint covers it.
    const withdrawnReceipt = {
      ...p.receipt,
      status: 'withdrawn',
      withdrawal: { method: 'link', at: pendingLeaf.at, keyword: null },
    };
    const pending = {
      ...p,
      receipt: withdrawnReceipt,
      jws: await fx.sign(withdrawnReceipt),
      log: { ...p.log, status: 'pending', pending: [{ index: 10, leaf: pendingLeaf }] },
    };
    const checks = await verifyProof({ ...base, proof: pending });
    expect(checks.filter((c) => c.pending).map((c) => c.name)).toEqual(['inclusion[10]']);
    expect(failed(checks)).toEqual(['inclusion[10]']);
    expect(allPassed(checks)).toBe(false);
    expect(verdict(checks)).toBe('PENDING');
    // A pending event of another consent is a failure, not a wait.
    const foreign = {
      ...pending,
      log: { ...pending.log, pending: [{ index: 10, leaf: { ...pendingLeaf, consentId: 'x' } }] },
    };
    expect(verdict(await verifyProof({ ...base, proof: foreign }))).toBe('INVALID');
    // Pending plus a tampered receipt: INVALID.
    const tampered = { ...pending, receipt: { ...withdrawnReceipt, status: 'confirmed' } };
    expect(verdict(await verifyProof({ ...base, proof: tampered }))).toBe('INVALID');
    // No checkpoint at all yet: the checkpoint check waits too.
    const none = {
      ...p,
      log: {
        status: 'pending',
        checkpoint: null,
        entries: [],
        pending: p.log.entries.map(({ index, leaf }) => ({ index, leaf })),
      },
    };
    // A receipt that says confirmed while the pending withdrawal is logged: INVALID, pending or not.
    const stale = { ...pending, receipt: p.receipt, jws: p.jws };
    expect(failed(await verifyProof({ ...base, proof: stale }))).toEqual(['inclusion[10]', 'receipt-facts']);
    expect(verdict(await verifyProof({ ...base, proof: stale }))).toBe('INVALID');
    const early = await verifyProof({ ...base, proof: none });
    expect(early.filter((c) => c.pending).map((c) => c.name)).toEqual([
      'checkpoint-signature',
      'inclusion[3]',
      'inclusion[7]',
      'receipt-key-logged',
    ]);
    expect(verdict(early)).toBe('PENDING');
    expect(verdict(await verifyProof({ ...base, proof: p }))).toBe('VALID');
  });

  it('accepts only EdDSA receipts signed by a key of the set', async () => {
    const p = fx.proof;
    const [, payload, signature] = p.jws.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const hs = `${Buffer.from('{"alg":"HS256","kid":"k"}').toString('base64url')}.${payload}.${signature}`;
    const detail = async (jws: string, jwks = fx.jwks) =>
      (await verifyProof({ proof: { ...p, jws }, jwks, verifierKey: fx.verifierKey })).find(
        (c) => c.name === 'receipt-signature',
      )!;
    expect((await detail(none)).detail).toBe('algorithm "none" is not allowed');
    expect((await detail(hs)).detail).toBe('algorithm "HS256" is not allowed');
    expect((await detail('a.b')).detail).toBe('not a compact JWS');
    expect((await detail(p.jws, { keys: [] })).detail).toMatch(/^no key \S+ in the JWKS$/);
    const notEd = { keys: fx.jwks.keys.map((k) => ({ ...k, crv: 'X25519' as 'Ed25519' })) };
    expect((await detail(p.jws, notEd)).detail).toMatch(/is not an Ed25519 public key$/);
    expect((await detail(p.jws)).ok).toBe(true);
  });
});

describe('the receipt key must be the one the log announces', () => {
  it('refuses a receipt re-signed by a swapped key that keeps the real kid, even with that key in the set', async () => {
    const fx = await buildFixture();
    const realKid = fx.jwks.keys[0]!.kid;
    const other = await generateSigningKey();
    const swapped = createKeyRing({ current: { ...other, kid: realKid } });
    const backdated = {
      ...fx.proof.receipt,
      collection: { ...fx.proof.receipt.collection, at: '2026-01-20T10:00:00.000Z' },
    };
    const jws = await signReceipt(fx.proof.receipt, swapped);
    const jwks = { keys: [{ ...toPublicJwk(other), kid: realKid }] };
    const checks = await verifyProof({ proof: { ...fx.proof, jws }, jwks, verifierKey: fx.verifierKey });
    // The kid is not the swapped key's RFC 7638 thumbprint: refused on loading the set and at the signature.
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['jwks', 'receipt-signature', 'receipt-key-logged']);
    expect(checks.find((c) => c.name === 'receipt-signature')!.detail).toContain(
      `its RFC 7638 thumbprint is ${toPublicJwk(other).kid}, not its kid`,
    );
    // The operator's own key, back-dating: signature fine, the leaves say otherwise.
    const own = await verifyProof({
      proof: { ...fx.proof, receipt: backdated, jws: await fx.sign(backdated) },
      jwks: fx.jwks,
      verifierKey: fx.verifierKey,
    });
    expect(own.filter((c) => !c.ok).map((c) => [c.name, c.detail])).toEqual([
      [
        'receipt-facts',
        'receipt.collection.at says "2026-01-20T10:00:00.000Z", the leaves say "2026-03-01T10:00:00.000Z"',
      ],
    ]);
    // No announcement in the proof at all, though the checkpoint covers every event: the log never announced it.
    const bare = await verifyProof({
      proof: { ...fx.proof, log: { ...fx.proof.log, keys: [] } },
      jwks: fx.jwks,
      verifierKey: fx.verifierKey,
    });
    expect(verdict(bare)).toBe('INVALID');
  });
});
