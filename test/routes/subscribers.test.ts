import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());
const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

async function confirmed(phone: string, to: string) {
  await optIn(h, phone);
  await h.flush();
  await h.app.request(`/c/${linkToken(h, 'c', to)}`, { method: 'POST' });
}

describe('subscribers', () => {
  it('lists in JSON pages, NDJSON and CSV', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    await confirmed('07 81 22 33 44', '+33781223344');
    await optIn(h, '06 98 76 54 32');
    const page = (await (await h.app.request('/v1/sites/demo/subscribers?status=confirmed&limit=1', auth)).json()) as any;
    expect(page.subscribers).toHaveLength(1);
    const next = (await (await h.app.request(`/v1/sites/demo/subscribers?status=confirmed&limit=1&cursor=${page.nextCursor}`, auth)).json()) as any;
    expect(next.subscribers).toHaveLength(1);
    expect(new Set([page.subscribers[0].phone, next.subscribers[0].phone])).toEqual(new Set(['+33612345678', '+33781223344']));
    const ndjson = (await (await h.app.request('/v1/sites/demo/subscribers?format=ndjson', auth)).text()).trim().split('\n');
    expect(ndjson.map((l) => JSON.parse(l).status).sort()).toEqual(['confirmed', 'confirmed', 'pending']);
    const csv = (await (await h.app.request('/v1/sites/demo/subscribers?format=csv&status=pending', auth)).text()).trim().split('\r\n');
    expect(csv[0]).toBe('phone,status,consentId,proofUrl,locale,policyVersion,requestedAt,confirmedAt,withdrawnAt,renewalRequired');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('"+33698765432"');
    expect((await h.app.request('/v1/sites/demo/subscribers?format=xml', auth)).status).toBe(422);
  });

  it('exports everything held about a number, then erases it for good', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const exp = (await (await h.app.request('/v1/sites/demo/subscribers/+33612345678/export', auth)).json()) as any;
    expect(exp.consents).toHaveLength(1);
    expect(exp.consents[0].events.map((e: any) => e.type)).toEqual(['requested', 'confirmed']);
    expect(exp.consents[0].messages.map((m: any) => m.kind).sort()).toEqual(['confirm-request', 'confirmed']);

    const del = await h.app.request('/v1/sites/demo/subscribers/+33612345678', { ...auth, method: 'DELETE' });
    expect(await del.json()).toEqual({ erased: 1 });
    const subject = await h.ctx.subjects.byIndex('demo', await h.ctx.sealer.blindIndex('demo', '+33612345678'));
    expect(subject).toMatchObject({ phoneCiphertext: null, wrappedKey: null, masked: '•••' });
    const gate = (await (await h.app.request('/v1/sites/demo/subscribers/+33612345678', auth)).json()) as any;
    expect(gate).toMatchObject({ status: 'erased', canSend: false, suppressed: true });
    expect((await h.app.request('/v1/sites/demo/subscribers/+33612345678/export', auth)).status).toBe(404);
    const proof = (await (await h.app.request(`/proofs/${exp.consents[0].consentId}`, { headers: { accept: 'application/json' } })).json()) as any;
    expect(proof.receipt.status).toBe('erased');
    expect(proof.receipt.subject.phone).toBe('•••');
    expect(proof.log.entries.map((e: any) => e.leaf.type)).toEqual(['requested', 'confirmed', 'erased']);

    // A new explicit opt-in later starts afresh.
    expect((await optIn(h, '06 12 34 56 78')).status).toBe(202);
  });
});
