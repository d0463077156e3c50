// API keys through the admin routes: a new key works at once, a revoked one stops at once (rotation without downtime).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
