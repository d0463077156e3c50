// The policy and diff pages checked by axe-core in Chromium: no serious or critical accessibility violation.
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../browser/harness.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { diffPage, policyPage } from '../../worker/policy/html.tsx';
import { renderPolicy } from '../../worker/policy/render.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const templates = loadTemplatesFromDisk();
const site = { id: 'demo', name: 'Demo Shop' };
const versions = [
  { version: 1, publishedAt: '2026-11-01T10:00:00Z' },
  { version: 2, publishedAt: '2026-11-28T09:30:00Z', summary: 'New frequency' },
];

let browser: Browser | null = null;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(html: string, colorScheme: 'light' | 'dark'): Promise<string[]> {
  const page = await browser!.newPage({ colorScheme });
  try {
    await page.setContent(html);
    await page.addScriptTag({ path: axePath });
    const violations = (await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run({ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }))
        .violations;
    })) as Violation[];
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  } finally {
    await page.close();
  }
}

describe('policy pages in Chromium with axe-core', () => {
  for (const locale of ['fr', 'en']) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`policy page (${locale}, ${scheme}) has no serious violation`, async (ctx) => {
        if (!browser) return ctx.skip();
        const { markdown } = renderPolicy({ facts: demoPolicyFacts, locale, templates, context });
        const html = policyPage({
          site,
          version: 2,
          locale,
          publishedAt: versions[1]!.publishedAt,
          markdown,
          versions,
        });
        expect(await seriousViolations(html, scheme)).toEqual([]);
      });
    }
  }

  it('the check itself reports a serious violation when there is one', async (ctx) => {
    if (!browser) return ctx.skip();
    const found = await seriousViolations(
      '<!doctype html><html><head><title>x</title></head><body><main><img src="x.png"></main></body></html>',
      'light',
    );
    expect(found.map((v) => v.split(' ')[0])).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt']));
  });

  it('diff page has no serious violation', async (ctx) => {
    if (!browser) return ctx.skip();
    const v1 = renderPolicy({ facts: demoPolicyFacts, locale: 'fr', templates, context });
    const v2 = renderPolicy({ facts: { ...demoPolicyFacts, recipients: [] }, locale: 'fr', templates, context });
    const html = diffPage({
      site,
      locale: 'fr',
      from: { ...versions[0]!, markdown: v1.markdown },
      to: { ...versions[1]!, markdown: v2.markdown },
    });
    for (const scheme of ['light', 'dark'] as const) expect(await seriousViolations(html, scheme)).toEqual([]);
  });
});
