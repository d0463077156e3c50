// GET /proofs/{id}/tlog-proof?index=N: one leaf of the consent as C2SP tlog-proof@v1, checked from the text alone.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyInclusion } from '../../worker/crypto/merkle.ts';
import { verifyCheckpoint } from '../../worker/crypto/note.ts';
import { parseTlogProof } from '../../worker/witness/tlog-proof.ts';
import { confirmedConsent, makeHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

it('answers each covered leaf of the consent as a tlog-proof whose extra, index, path and checkpoint verify; 422 naming index otherwise', async () => {
  const { consentId } = await confirmedConsent(h);
  const proof = (await (await h.app.request(`/proofs/${consentId}?format=json`)).json()) as {
    log: { entries: { index: number }[] };
  };
  const vkey = ((await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string }).verifierKey;
  expect(proof.log.entries.length).toBeGreaterThan(1);
  for (const { index } of proof.log.entries) {
    const res = await h.app.request(`/proofs/${consentId}/tlog-proof?index=${index}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith(`c2sp.org/tlog-proof@v1\nextra `)).toBe(true);
    const parsed = parseTlogProof(text);
    expect(parsed.index).toBe(index);
    const leaf = JSON.parse(Buffer.from(parsed.extra!).toString('utf8')) as { consentId: string };
    expect(leaf.consentId).toBe(consentId);
    const checkpoint = await verifyCheckpoint(parsed.checkpoint, vkey);
    const hash = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(parsed.extra!)]))
      .digest();
    expect(
      await verifyInclusion(new Uint8Array(hash), index, checkpoint.size, parsed.inclusion, checkpoint.rootHash),
    ).toBe(true);
  }
  const other = await h.app.request(`/proofs/${consentId}/tlog-proof?index=99999`);
  expect(other.status).toBe(422);
  const named = ((await other.json()) as { errors: { path: string; message: string }[] }).errors[0]!;
  expect(named.path).toBe('index');
  // The leaves it may name, in order.
  const known = named.message.match(/\d+/g)!.map(Number);
  expect(known).toEqual([...known].sort((a, b) => a - b));
  // Only decimal digits are an index: not empty (read as 0), not 1e0 (read as 1), not a sign or a hex prefix.
  for (const bad of ['-1', '', '1e0', '0x1', ' 1', '+1', '01']) {
    const res = await h.app.request(`/proofs/${consentId}/tlog-proof?index=${encodeURIComponent(bad)}`);
    expect(res.status, bad).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('index');
  }
  const missing = await h.app.request(`/proofs/${consentId}/tlog-proof`);
  expect(missing.status).toBe(422);
  expect(await missing.text()).not.toContain('NaN');
});
