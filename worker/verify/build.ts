// Build step (run by scripts/build-assets.ts, never at runtime): bundles the standalone verifier `verify.mjs` for
// Node ≥ 20 and the proof page's in-browser checks, both from worker/verify and worker/crypto, with no dependency.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export interface BuiltFile {
  code: string;
  sha256hex: string;
  bytes: number;
}

const HEADER = `#!/usr/bin/env node
// Assent standalone verifier: checks a consent proof (URL) or an evidence file with WebCrypto only.
// Usage: node verify.mjs <proof-url | evidence.json> [--offline] — run it with --help for every option.
// Built from worker/verify and worker/crypto of the Assent repository; readable on purpose, nothing minified.`;

function built(code: string): BuiltFile {
  const bytes = new TextEncoder().encode(code);
  return { code, sha256hex: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** The file served at /verify.mjs and committed at the repository root (the two are held equal by a test). */
export async function buildVerifier(): Promise<BuiltFile> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./standalone.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    minify: false,
    legalComments: 'none',
    charset: 'utf8',
    banner: { js: HEADER },
    logLevel: 'silent',
  });
  return built(result.outputFiles[0]!.text);
}

/** The proof page's island: the same checks in the browser, on the page's evidence or a file the user picks. */
export async function buildProofIsland(): Promise<BuiltFile> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('../pages/islands/proof-check.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return built(result.outputFiles[0]!.text);
}
