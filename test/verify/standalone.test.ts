// The standalone verifier: the file committed at the repository root is byte for byte the build's output and what
// GET /verify.mjs serves, the README states its real SHA-256 and size, and it imports nothing but Node built-ins.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierBundle } from '../../worker/generated/verifier.ts';
import { buildVerifier } from '../../worker/verify/build.ts';
import { makeHarness, type Harness } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const committed = readFileSync(join(ROOT, 'verify.mjs'));
const sha = createHash('sha256').update(committed).digest('hex');

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

describe('verify.mjs', () => {
  it('the committed file is exactly what the build produces (rebuild with `npm run build`, then commit it)', async () => {
    const built = await buildVerifier();
    expect(built.sha256hex).toBe(sha);
    expect(Buffer.from(built.code).equals(committed)).toBe(true);
    expect(verifierBundle.sha256hex).toBe(sha);
  });

  it('GET /verify.mjs serves those bytes, as JavaScript, with an ETag that answers 304', async () => {
    const res = await h.app.request('/verify.mjs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await res.arrayBuffer()).equals(committed)).toBe(true);
    const again = await h.app.request('/verify.mjs', { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('the README states its SHA-256 and size', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const stated = /`verify\.mjs`: SHA-256 `([0-9a-f]{64})`, (\d+) bytes/.exec(readme);
    expect(stated, 'README names the SHA-256 and size of verify.mjs').not.toBeNull();
    expect({ sha256: stated![1], bytes: Number(stated![2]) }).toEqual({ sha256: sha, bytes: committed.length });
  });

  it('depends on nothing but Node built-ins, and is not minified', () => {
    const text = committed.toString('utf8');
    const imports = [...text.matchAll(/^\s*import\s[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((spec) => spec!.startsWith('node:'))).toBe(true);
    expect(text).not.toMatch(/\brequire\(/);
    expect(text.split('\n').length).toBeGreaterThan(500);
  });

  it('prints its usage under its own name', async () => {
    const out = await new Promise<string>((resolve) =>
      execFile(process.execPath, [join(ROOT, 'verify.mjs'), '--help'], (_e, stdout) => resolve(stdout)),
    );
    expect(out).toContain('Usage: node verify.mjs <proof-url | evidence.json | proof.json> [options]');
    expect(out).toContain('--offline');
  });
});
