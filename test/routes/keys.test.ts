// API keys through the admin routes: a new key works at once, a revoked one stops at once (rotation without downtime).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectProblem } from '../assertions.ts';
import { makeHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());
const as = (key: string, method = 'GET') => ({ method, headers: { authorization: `Bearer ${key}` } });

describe('API keys', () => {
  it('rotates without downtime: a new key works, the old one stops the moment it is revoked', async () => {
    const issued = await h.app.request('/v1/sites/demo/keys', as(h.demoKey, 'POST'));
    expect(issued.status).toBe(201);
    const { id, apiKey } = (await issued.json()) as { id: string; apiKey: string };
    expect(apiKey).toMatch(/^ask_[\w-]{43}$/);
    expect((await h.app.request('/v1/sites/demo', as(apiKey))).status).toBe(200);

    const list = (await (await h.app.request('/v1/sites/demo/keys', as(apiKey))).json()) as {
      keys: { id: string; revokedAt: string | null }[];
    };
    expect(list.keys).toHaveLength(2);
    expect(JSON.stringify(list)).not.toContain(apiKey);
    const old = list.keys.find((k) => k.id !== id)!;

    expect((await h.app.request('/v1/sites/demo', as(h.demoKey))).status).toBe(200); // cached as valid
    expect((await h.app.request(`/v1/sites/demo/keys/${old.id}`, as(apiKey, 'DELETE'))).status).toBe(204);
    expect((await h.app.request('/v1/sites/demo', as(h.demoKey))).status).toBe(403);
    expect((await h.app.request(`/v1/sites/demo/keys/${old.id}`, as(apiKey, 'DELETE'))).status).toBe(404);
    expect((await h.app.request('/v1/sites/demo', as(apiKey))).status).toBe(200);
  });
});

describe('GET /v1/sites/{site}/keys query', () => {
  it('takes no parameter: one is a 422 naming it, not the list', async () => {
    const res = await h.app.request('/v1/sites/demo/keys?revoked=true', as(h.demoKey));
    const problem = await expectProblem(res, 422, 'revoked');
    expect(JSON.stringify(problem)).not.toContain('createdAt');
    expect((await h.app.request('/v1/sites/demo/keys', as(h.demoKey))).status).toBe(200);
  });
});

describe('POST /v1/sites/{site}/keys body', () => {
  const keyCount = () => h.ctx.store.queryColumn("SELECT id FROM api_keys WHERE site_id = 'demo'");
  const post = (body: string | undefined, type?: string) =>
    h.app.request('/v1/sites/demo/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.demoKey}`, ...(type ? { 'content-type': type } : {}) },
      ...(body === undefined ? {} : { body }),
    });

  it('mints a key with no body, or with an empty JSON object', async () => {
    expect((await post(undefined)).status).toBe(201);
    expect((await post('', 'application/json')).status).toBe(201);
    expect((await post('{}', 'application/json')).status).toBe(201);
    expect(await keyCount()).toHaveLength(4);
  });

  it('refuses a body it cannot read, or a field it does not take, and mints nothing', async () => {
    const before = (await keyCount()).length;
    await expectProblem(await post('{', 'application/json'), 400, '(body)');
    await expectProblem(await post('[]', 'application/json'), 422, '(body)');
    await expectProblem(await post('{"name":5}', 'application/json'), 422, 'name');
    await expectProblem(await post('name=x', 'application/x-www-form-urlencoded'), 415, '(body)');
    expect(await keyCount()).toHaveLength(before);
  });
});
