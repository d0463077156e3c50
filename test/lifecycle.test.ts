// The whole double opt-in through HTTP (request, confirm, unsubscribe), and a proof the verifier accepts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, linkToken, makeHarness, optIn, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('double opt-in', () => {
  it('walks request → confirm → unsubscribe', async () => {
    const res = await optIn(h);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { consentId: string; status: string; proofUrl: string };
    expect(body.status).toBe('pending');
    expect(body.proofUrl).toBe(`https://assent.test/proofs/${body.consentId}`);
    await h.flush();
    expect(h.outbox.list()).toHaveLength(1);
    const token = linkToken(h, 'c');

    const page = await h.app.request(`/c/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('pending');

    const confirm = await h.app.request(`/c/${token}`, { method: 'POST' });
    expect(confirm.status).toBe(200);
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('confirmed');
    await h.flush();
    const unsub = linkToken(h, 'u');

    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: '+33612345678' }, { authorization: `Bearer ${h.demoKey}` }),
    );
    expect(await gate.json()).toMatchObject({ status: 'confirmed', canSend: true });

    expect((await h.app.request(`/u/${unsub}`)).status).toBe(200);
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('confirmed');
    expect((await h.app.request(`/u/${unsub}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('withdrawn');
  });
});

describe('proofs', () => {
  it('serves a proof that the verifier accepts', async () => {
    const { verifyProof, allPassed } = await import('../worker/verify/verify-proof.ts');
    const res = await optIn(h);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    await h.flush(); // the jobs put the confirmation into a signed checkpoint
    const proof = await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json();
    const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
    const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as {
      verifierKey: string;
      origin: string;
      size: number;
    };
    const checks = await verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    // Asked, the confirmation request sent, confirmed, the confirmation sent: each a leaf of the consent's chain.
    expect((proof as { log: { entries: { leaf: { type: string } }[] } }).log.entries.map((e) => e.leaf.type)).toEqual([
      'requested',
      'sms-sent',
      'confirmed',
      'sms-sent',
    ]);
    const html = await (await h.app.request(`/proofs/${consentId}`)).text();
    // A French receipt (the default widget locale) gives a French page.
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Confirmé — la personne a confirmé sa demande');
  });
});
