// Budget: the built /widget.js must stay at or under 10 KB brotli (quality 11), measured on the minified bundle.
import { brotliCompressSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidget } from '../../widget/build.ts';

const BUDGET = 10_240;
const brotli = (text: string) =>
  brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

describe('widget.js size', () => {
  it(`is at most ${BUDGET} bytes brotli`, async () => {
    const build = await buildWidget();
    const size = brotli(build.code);
    const inputs = Object.values(build.metafile.outputs)[0]!.inputs;
    const rows = Object.entries(inputs)
      .map(([file, info]) => ({ file: file.replace(/^.*node_modules\//, ''), minified: info.bytesInOutput }))
      .sort((a, b) => b.minified - a.minified);
    const lines = rows.map(
      (r) =>
        `  ${String(r.minified).padStart(6)}  ${((r.minified / build.code.length) * 100).toFixed(1).padStart(5)}%  ${r.file}`,
    );
    console.log(
      `widget.js: ${build.code.length} B minified, ${size} B brotli-11 (budget ${BUDGET}, ${BUDGET - size} B left)\n` +
        `minified bytes per input (share of the bundle):\n${lines.join('\n')}\nSRI: ${build.sri}`,
    );
    expect(build.code.length).toBeGreaterThan(10_000); // it really contains Preact and the widget
    expect(size).toBeLessThanOrEqual(BUDGET);
  });

  it('is one IIFE with a stable hash and a matching SRI value', async () => {
    const [a, b] = await Promise.all([buildWidget(), buildWidget()]);
    expect(a.code).toMatch(/^("use strict";)?\(\(\)=>\{[\s\S]*\}\)\(\);\s*$/);
    expect(a.code).not.toMatch(/^\s*(import|export)\s/m);
    expect(a.sha256hex).toBe(b.sha256hex);
    expect(a.sha256hex).toMatch(/^[0-9a-f]{64}$/);
    expect(a.sri).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
  });
});
