// Bundles each console island (worker/console/islands/*.tsx) into one ES module for the browser, with its hash.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * zod re-exports every locale's messages through `z.locales`; the islands use zod's default (English) messages only,
 * so the index of locales is left out (about half of the policy form's bytes).
 */
const noZodLocales: esbuild.Plugin = {
  name: 'no-zod-locales',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`) ? { path: 'zod-locales', namespace: 'stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export {}', loader: 'js' }));
  },
};

export async function buildConsoleIslands(): Promise<Record<string, { code: string; sha256: string }>> {
  const dir = fileURLToPath(new URL('./islands/', import.meta.url));
  const out: Record<string, { code: string; sha256: string }> = {};
  for (const file of readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f))
    .sort()) {
    const result = await esbuild.build({
      entryPoints: [dir + file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      charset: 'utf8',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
      plugins: [noZodLocales],
    });
    const code = result.outputFiles[0]!.text;
    out[file.replace(/\.tsx?$/, '')] = { code, sha256: createHash('sha256').update(code).digest('hex') };
  }
  return out;
}
