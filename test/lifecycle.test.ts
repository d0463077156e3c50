import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkToken, makeHarness, optIn, type Harness } from './harness.ts';

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

    const gate = await h.app.request('/v1/sites/demo/subscribers/+33612345678', {
      headers: { authorization: `Bearer ${h.demoKey}` },
    });
    expect(await gate.json()).toMatchObject({ status: 'confirmed', canSend: true });

    expect((await h.app.request(`/u/${unsub}`)).status).toBe(200);
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('confirmed');
    expect((await h.app.request(`/u/${unsub}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(body.consentId))!.status).toBe('withdrawn');
  });
});
