// Bundles each console island (worker/console/islands/*.tsx) into one ES module for the browser, with its hash.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export async function buildConsoleIslands(): Promise<Record<string, { code: string; sha256: string }>> {
  const dir = fileURLToPath(new URL('./islands/', import.meta.url));
  const out: Record<string, { code: string; sha256: string }> = {};
  for (const file of readdirSync(dir).filter((f) => /\.tsx?$/.test(f)).sort()) {
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
    });
    const code = result.outputFiles[0]!.text;
    out[file.replace(/\.tsx?$/, '')] = { code, sha256: createHash('sha256').update(code).digest('hex') };
  }
  return out;
}
