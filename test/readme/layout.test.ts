// The README's layout section names real places: every domain folder it lists exists with its entry, and each
// "one hop" path (equal choice, STOP, checkpoint signing, the hosted-form guard, opt-in limits) is a file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

it('leads to each behaviour in one hop, through folders that exist', () => {
  const hop = readme.slice(readme.indexOf('Where to find a behaviour in one hop'));
  const paths = [...hop.slice(0, hop.indexOf('\n\n')).matchAll(/`([a-z/.-]+\.ts)`/g)].map((m) => m[1]!);
  expect(paths.length).toBeGreaterThanOrEqual(6);
  for (const path of paths) expect(existsSync(join(root, 'worker', path)), path).toBe(true);
  const folders = [...readme.matchAll(/^\| `([a-z-]+)\/`/gm)].map((m) => m[1]!);
  expect(folders.length).toBeGreaterThanOrEqual(8);
  for (const folder of folders) expect(existsSync(join(root, 'worker/domain', folder, 'index.ts')), folder).toBe(true);
});
