import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

describe('system routes', () => {
  it('answers health, the OpenAPI document with the enforced schemas, and the reference page', async () => {
    expect(await (await h.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const doc = (await (await h.app.request('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.ConsentRequest.required).toEqual(expect.arrayContaining(['phone', 'choice', 'textSha256', 'policyVersion']));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/sites/{site}/consents', '/proofs/{proofId}', '/v1/sites/{site}/subscribers/{phone}']));
    const html = await (await h.app.request('/docs')).text();
    expect(html).toContain('/v1/sites/{site}/consents');
  });

  it('hides dev routes in production', async () => {
    const prod = await makeHarness({ mode: 'production' });
    expect((await prod.app.request('/dev/outbox')).status).toBe(404);
    expect((await prod.app.request('/demo')).status).toBe(404);
    expect((await h.app.request('/dev/outbox')).status).toBe(200);
    await prod.close();
  });
});
