// The runtime wiring's shape, checked on the files: each entry is a thin adapter, and the code every runtime shares
// (worker/runtime/, worker/jobs.ts) touches no runtime global and drops no failure unseen.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const entries = readdirSync(join(root, 'worker/entry'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `worker/entry/${f}`);
const shared = ['worker/jobs.ts', ...readdirSync(join(root, 'worker/runtime')).map((f) => `worker/runtime/${f}`)];

describe('runtime wiring', () => {
  it('has the four entries, each at most 40 lines', () => {
    expect(entries.sort()).toEqual([
      'worker/entry/deno-deploy.ts',
      'worker/entry/deno.ts',
      'worker/entry/node.ts',
      'worker/entry/workers.ts',
    ]);
    for (const file of entries)
      expect({ file, lines: read(file).trimEnd().split('\n').length }).toMatchObject({
        lines: expect.toSatisfy((n: number) => n <= 40),
      });
  });

  it('shares code free of runtime globals (node: modules, process, Deno)', () => {
    for (const file of shared) {
      const text = read(file);
      expect({ file, match: text.match(/from 'node:|\bprocess\.|\bDeno\.|\bBuffer\b/)?.[0] ?? null }).toEqual({
        file,
        match: null,
      });
    }
  });

  it('drops no failure with an empty catch in the wiring or the jobs', () => {
    for (const file of [
      ...entries,
      ...shared,
      ...readdirSync(join(root, 'worker/entry/node')).map((f) => `worker/entry/node/${f}`),
    ]) {
      expect({ file, match: read(file).match(/\.catch\(\(\)\s*=>/)?.[0] ?? null }).toEqual({ file, match: null });
    }
  });
});
