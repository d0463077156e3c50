// The send gate's `purpose` is one the published policy declares: a purpose nobody was told of (a typo, another
// campaign's name) is a 422 naming it, as on POST …/messages, never an answer that a consent covers it. The declared
// purposes are kept by the process (the gate's hot path): a later call costs its one read, and a version published in
// this process is seen at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, type Harness } from '../harness.ts';
import { tripsOf } from '../storage/trips.ts';
import { BUDGETS } from '../storage/trips.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const lookup = (body: Record<string, unknown>) => h.app.request('/v1/sites/demo/subscribers/lookup', json(body, auth));
const check = (body: Record<string, unknown>) => h.app.request('/v1/sites/demo/subscribers/check', json(body, auth));

beforeEach(async () => {
  h = await makeHarness();
  await confirmedConsent(h); // +33 6 12 34 56 78
});
afterEach(() => h.close());

async function expectPurposeRefused(res: Response) {
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { errors: { path: string; message: string }[] };
  expect(problem.errors.map((e) => e.path)).toEqual(['purpose']);
  expect(problem.errors[0]!.message).toContain('sms-marketing');
}

describe('the send gate and purposes', () => {
  it('refuses a purpose the policy does not declare, in lookup and in check', async () => {
    await expectPurposeRefused(await lookup({ phone: '+33612345678', purpose: 'promo' }));
    await expectPurposeRefused(await check({ phones: ['+33612345678'], purpose: 'sms-marketin' }));
  });

  it('answers a declared purpose as before, and keeps the purposes: a second call is the gate budget', async () => {
    const first = await lookup({ phone: '+33612345678', purpose: 'sms-marketing' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'confirmed', canSend: true });
    const again = await lookup({ phone: '+33612345678', purpose: 'sms-marketing' });
    expect(tripsOf(again)).toBe(BUDGETS.gate);
    const bulk = await check({ phones: ['+33612345678'], purpose: 'sms-marketing' });
    expect(((await bulk.json()) as { results: unknown[] }).results).toEqual([{ canSend: true, status: 'confirmed' }]);
  });

  it('sees a purpose added by a version published in this process at once', async () => {
    await expectPurposeRefused(await lookup({ phone: '+33612345678', purpose: 'newsletter' }));
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.policy.purposes.push({
      id: 'newsletter',
      description: { fr: 'vous envoyer notre lettre mensuelle par SMS', en: 'send you our monthly letter by text' },
      legalBasis: 'consent',
    });
    expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
    const published = await h.app.request('/v1/sites/demo/policies', json({ summary: 'A newsletter.' }, auth));
    expect(published.status).toBe(201);
    const res = await lookup({ phone: '+33612345678', purpose: 'newsletter' });
    expect(res.status).toBe(200);
    // A new purpose is a material change: the consent given before it must be renewed before it covers it.
    expect(await res.json()).toMatchObject({ status: 'confirmed', canSend: false, renewalRequired: true });
  });
});
