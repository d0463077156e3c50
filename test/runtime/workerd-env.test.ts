// The Workers entry refuses to guess its public URL in production: without ASSENT_PUBLIC_URL every request is a 500
// `misconfigured` problem naming the variable (never links built from whatever Host a request carried).
import { describe, expect, it, vi } from 'vitest';

// A fresh copy of the entry: it keeps its runtime in the module once built, and the system tests share a module graph
// per fork (isolate: false), so one built by test/entry/workers.test.ts would otherwise answer here.
vi.resetModules();
const worker = (await import('../../worker/entry/workers.ts')).default;

const bindings = {
  ASSENT_MODE: 'production',
  ASSENT_ADMIN_TOKEN: 'prod-admin-Xk9pQ2vL7mN4wR8tY1zB6cD3',
  ASSENT_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
  ASSENT_SIGNING_KEY: JSON.stringify({
    kty: 'OKP',
    crv: 'Ed25519',
    d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  }),
};
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as Parameters<typeof worker.fetch>[2];

describe('Workers entry in production', () => {
  it('answers 500 misconfigured naming ASSENT_PUBLIC_URL when it is missing', async () => {
    const res = await worker.fetch(new Request('https://attacker.example/healthz'), { ...bindings }, ctx);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toMatch(/ASSENT_PUBLIC_URL is missing/);
    expect(JSON.stringify(problem)).not.toContain('attacker.example');
  });

  it('with it set, goes on to the next missing piece (the database), named too', async () => {
    const res = await worker.fetch(
      new Request('https://consent.example/healthz'),
      { ...bindings, ASSENT_PUBLIC_URL: 'https://consent.example' },
      ctx,
    );
    expect(res.status).toBe(500);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/No database/);
  });
});
