// The console's widget preview is the real widget, but only a preview: a number typed and "yes" clicked there sends
// nothing (its receipt would cite the saved texts, not the edited ones the preview shows).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser = await launchBrowser();

describe.skipIf(!browser)('console widget preview', () => {
  let target: Target;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    target = await startTarget();
    context = await browser!.newContext();
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await target?.close();
    await browser?.close();
  });

  it('submits no consent from the preview', async () => {
    await page.goto(`${target.apiOrigin}/console/sign-in`);
    await page.fill('#key', target.harness.demoKey);
    await Promise.all([page.waitForURL(`${target.apiOrigin}/console`), page.keyboard.press('Enter')]);
    await page.goto(`${target.apiOrigin}/console/widget`);
    const preview = page.locator('#preview-fr');
    await preview.locator('button[data-choice="yes"]').waitFor();
    await page.fill('#t-fr-yes', 'Oui, envoyez-moi les offres');
    await expect
      .poll(async () => (await page.locator('#preview-fr button[data-choice="yes"]').textContent())?.trim())
      .toBe('Oui, envoyez-moi les offres');
    await page.locator('#preview-fr input[type="tel"]').fill('06 12 34 56 78');
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/consents')) posted++;
    });
    await page.locator('#preview-fr button[data-choice="yes"]').click();
    await page.waitForTimeout(500);
    expect(posted).toBe(0);
    expect(await target.harness.deps.store.queryColumn('SELECT id FROM consents')).toEqual([]);
  });
});
