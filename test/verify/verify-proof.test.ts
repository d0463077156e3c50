import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint, parseCheckpoint } from '../../worker/crypto/note.ts';
import { allPassed, verifyProof, type Check } from '../../worker/verify/verify-proof.ts';
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
      'checkpoint-signature',
      'checkpoint-origin',
      'leaf-consent[3]',
      'inclusion[3]',
      'leaf-consent[7]',
      'inclusion[7]',
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
      ['receipt status', { ...p, receipt: { ...p.receipt, status: 'withdrawn' } }, ['receipt-payload']],
      ['receipt consent', { ...p, receipt: { ...p.receipt, consentId: 'cns_2' } }, ['receipt-payload', 'leaf-consent[3]', 'leaf-consent[7]']],
      ['leaf of another consent', { ...p, log: { ...p.log, entries: [{ ...p.log.entries[0]!, leaf: { ...(p.log.entries[0]!.leaf as object), consentId: 'x' } }] } }, ['leaf-consent[3]', 'inclusion[3]']],
      ['leaf index moved', { ...p, log: { ...p.log, entries: [{ ...p.log.entries[0]!, index: 2 }] } }, ['inclusion[2]']],
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
    expect(failed(await verifyProof({ ...base, savedCheckpoint: fx.forked, consistency: await fx.consistency(5, 10) }))).toEqual([
      'consistency',
    ]);
    const later = await signCheckpoint({ origin: ORIGIN, size: 11, rootHash: parseCheckpoint(fx.earlier).rootHash }, fx.signer);
    expect(failed(await verifyProof({ ...base, savedCheckpoint: later }))).toEqual(['consistency']);
    expect(failed(await verifyProof({ ...base, savedCheckpoint: fx.earlier }))).toEqual(['consistency']);
    expect(failed(await verifyProof({ ...base, origin: 'elsewhere/log' }))).toEqual(['checkpoint-origin']);
    expect(failed(await verifyProof({ ...base, savedCheckpoint: fx.proof.log.checkpoint }))).toEqual([]);
  });
});
