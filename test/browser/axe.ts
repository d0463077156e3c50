// axe-core in a page for the browser tests: serious or critical violations, or a complaint when axe looked at
// almost nothing (a blank page passes every rule).
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** `scope`: a selector to check instead of the whole document; `tags`: only these rule tags (e.g. WCAG levels). */
export async function axeProblems(page: Page, options: { scope?: string; tags?: string[] } = {}): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async ({ scope, tags }) => {
    const context = scope ? document.querySelector(scope) : document;
    const result = await (window as any).axe.run(context, {
      ...(tags ? { runOnly: { type: 'tag', values: tags } } : {}),
      resultTypes: ['violations', 'passes', 'incomplete'],
    });
    if (result.passes.length + result.incomplete.length < 5) return ['axe checked almost nothing'];
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  }, options);
}
