// System routes (health, the OpenAPI document, the reference page), dev routes hidden in production, and the hosted
// form refusing another site's post.
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
    expect(doc.components.schemas.ConsentRequest.required).toEqual(
      expect.arrayContaining(['phone', 'choice', 'textSha256', 'policyVersion']),
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sites/{site}/consents',
        '/proofs/{proofId}',
        '/v1/sites/{site}/subscribers/lookup',
        '/v1/sites/{site}/subscribers/{subscriberId}',
      ]),
    );
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

describe('hosted page', () => {
  it('refuses a form posted from another site, and accepts its own', async () => {
    const doc = (await (await h.app.request('/v1/sites/demo/widget?locale=fr')).json()) as { textSha256: string };
    const form = (origin: string) =>
      h.app.request('/s/demo', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({
          phone: '06 12 34 56 78',
          choice: 'yes',
          locale: 'fr',
          textSha256: doc.textSha256,
          policyVersion: '1',
          country: 'FR',
        }).toString(),
      });
    expect((await form('https://evil.example')).status).toBe(403);
    await h.flush();
    expect(h.outbox.list()).toHaveLength(0);
    const own = await form('https://assent.test');
    expect(own.status).toBe(202);
    expect(await own.text()).toContain('+33 6 •• •• •• 78');
  });
});
