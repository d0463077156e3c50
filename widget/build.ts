// Bundles the widget into the single minified IIFE served at /widget.js, with its hash for the pinned copy and SRI.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export interface WidgetBuild {
  code: string;
  sha256hex: string;
  /** Subresource Integrity value for the exact bytes of `code` (sha384, as browsers recommend). */
  sri: string;
  metafile: esbuild.Metafile;
}

export async function buildWidget(options: { minify?: boolean } = {}): Promise<WidgetBuild> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./embed.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: options.minify ?? true,
    // No mangleProps: @preact/signals installs its Preact hooks by name (`hook("__b", …)`), so renaming Preact's
    // `__x` internals breaks re-rendering; our own code keeps no `_` internals worth mangling.
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    charset: 'utf8',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const bytes = new TextEncoder().encode(code);
  return {
    code,
    sha256hex: createHash('sha256').update(bytes).digest('hex'),
    sri: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
    metafile: result.metafile,
  };
}
