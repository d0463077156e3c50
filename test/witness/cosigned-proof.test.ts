// With witnesses, a proof uses the newest checkpoint they cosigned that covers every leaf it shows, even when the
// log has grown since (its latest checkpoint not cosigned yet), so an auditor's quorum holds at once; without one
// that covers the consent, the latest checkpoint as before.
import { afterEach, expect, it } from 'vitest';
import { parseNote } from '../../worker/crypto/note.ts';
import { proofSources } from '../../worker/domain/proof-log/proof-document.ts';
import { verifyProof, verdict } from '../../worker/verify/verify-proof.ts';
import { makeHarness, optIn, pendingConsent, type Harness } from '../harness.ts';

let h: Harness;
afterEach(async () => h?.close());

const line = (name: string) => `— ${name} ${Buffer.from(Array.from({ length: 72 }, (_, i) => i)).toString('base64')}\n`;

it('prefers the newest cosigned checkpoint covering the consent, and falls back to the latest', async () => {
  h = await makeHarness();
  const consentId = await pendingConsent(h);
  const cosigned = (await h.ctx.log.head('demo'))!;
  await h.ctx.store.batch([
    h.ctx.witness.saveCosignature({
      siteId: 'demo',
      size: cosigned.size,
      witness: 'w1',
      rootHash: cosigned.rootHash,
      lines: line('witness.example/w1'),
      cosignedAt: h.now(),
    }),
  ]);
  // The log grows; its latest checkpoint has no cosignature yet.
  for (const phone of ['06 11 22 33 44', '06 55 66 77 88']) expect((await optIn(h, phone)).status).toBe(202);
  await h.flush();
  const latest = (await h.ctx.log.head('demo'))!;
  expect(latest.size).toBeGreaterThan(cosigned.size);

  const { doc } = await proofSources(h.ctx, consentId, { preferCosigned: true });
  const note = parseNote(doc.log.checkpoint!);
  expect(note.text.split('\n')[1]).toBe(String(cosigned.size));
  expect(doc.log.checkpoint).toContain(line('witness.example/w1'));
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  expect(verdict(await verifyProof({ proof: doc, jwks, verifierKey: log.verifierKey, origin: log.origin }))).toBe(
    'VALID',
  );

  // Without the preference, or for a consent the cosigned size does not cover: the latest checkpoint.
  expect((await proofSources(h.ctx, consentId)).doc.log.checkpoint).toBe(latest.checkpoint);
  const later = ((await (await optIn(h, '06 22 33 44 55')).json()) as { consentId: string }).consentId;
  await h.flush();
  const { doc: newer } = await proofSources(h.ctx, later, { preferCosigned: true });
  expect(newer.log.checkpoint).toBe((await h.ctx.log.head('demo'))!.checkpoint);
});
