// The console in Chromium against the real app: keyboard-only sign-in, a widget text edited and seen in the live
// preview (the real widget), a publish refused for a missing retention period (named) then completed and published
// from the keyboard, a subscriber looked up, exported and erased; axe-core (WCAG 2.2 AA) on every console page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedConsent } from '../harness.ts';
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser = await launchBrowser();
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe.skipIf(!browser)('console in Chromium', () => {
  let target: Target;
  let context: BrowserContext;
  let page: Page;
  const axeByPage: Record<string, string[]> = {};
  const check = async (name: string) => {
    axeByPage[name] = await axeProblems(page, { tags: WCAG });
    await page.screenshot({ path: artifactPath(`console-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    target = await startTarget();
    // The pages' CSP allows scripts from 'self' only; axe is injected by the test.
    context = await browser!.newContext({
      viewport: { width: 1200, height: 1000 },
      bypassCSP: true,
      acceptDownloads: true,
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await target?.close();
    await browser?.close();
  });

  it('signs in with the keyboard only', async () => {
    await page.goto(`${target.apiOrigin}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await check('sign-in');
    // The key field has focus on arrival; typing and Enter is all it takes.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key');
    await page.keyboard.type(target.harness.demoKey);
    await Promise.all([page.waitForURL(`${target.apiOrigin}/console`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    await check('overview');
  });

  it('shows an edited widget text in the live preview of the real widget', async () => {
    await page.goto(`${target.apiOrigin}/console/widget`);
    const yes = page.locator('#preview-en').locator('button[data-choice="yes"]');
    await yes.waitFor();
    expect((await yes.textContent())?.trim()).toBe('Yes, text me');
    await page.fill('#t-en-yes', 'Yes, text me the deals');
    await expect
      .poll(async () => (await page.locator('#preview-en button[data-choice="yes"]').textContent())?.trim())
      .toBe('Yes, text me the deals');
    expect(await page.locator('#equal-en').textContent()).toContain('equal');
    await page.fill('#t-en-yes', 'Yes, please send me all of your offers every day');
    await expect.poll(() => page.locator('#equal-en').textContent()).toContain('too different');
    await page.fill('#t-en-yes', 'Yes, text me the deals');
    await Promise.all([page.waitForURL(/saved=1/), page.click('button[type=submit]:has-text("Save the texts")')]);
    await page.locator('#preview-en button[data-choice="yes"]').waitFor();
    expect((await page.locator('#preview-en button[data-choice="yes"]').textContent())?.trim()).toBe(
      'Yes, text me the deals',
    );
    await check('widget');
  });

  it('refuses to publish without a retention period, naming it, then publishes from the keyboard', async () => {
    await page.goto(`${target.apiOrigin}/console/policy`);
    const prospects = page.locator('[data-path="policy.retention.prospects"] input');
    await prospects.first().waitFor();
    const kept = await prospects.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    for (const input of await prospects.all()) await input.fill('');
    await expect.poll(() => page.locator('#facts-status').textContent()).toContain('policy.retention.prospects');
    // The Art. 13 checklist follows the answers: retention (2a) is unticked while it is missing.
    expect(await page.locator('[data-item="art13-2a"]').getAttribute('data-ok')).toBe('false');
    await page.fill('#summary', 'Without retention');
    await page.click('#publish');
    await page.locator('#refusal').waitFor();
    expect(await page.locator('#refusal').textContent()).toContain('policy.retention.prospects');
    await check('policy-refused');

    // Complete it, then reach the summary and the Publish button with Tab only.
    const again = page.locator('[data-path="policy.retention.prospects"] input');
    await again.first().waitFor();
    const inputs = await again.all();
    for (const [i, input] of inputs.entries()) {
      await input.focus();
      await page.keyboard.type(kept[i] || '3 years after your last purchase');
    }
    await expect.poll(() => page.locator('#facts-status').textContent()).not.toContain('policy.retention');
    expect(await page.locator('#art13 [data-ok="false"]').count()).toBe(0);
    expect(await page.locator('#readability tr').count()).toBeGreaterThan(5);
    expect(await page.locator('#material').textContent()).toContain('No material change');
    await page.locator('#policy-preview h2').first().waitFor();
    for (let i = 0; i < 400 && (await page.evaluate(() => document.activeElement?.id)) !== 'summary'; i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('summary');
    await page.keyboard.type('Retention stated again');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('publish');
    await Promise.all([page.waitForURL(/published=2/), page.keyboard.press('Enter')]);
    expect(await page.locator('#published').textContent()).toContain('2');
    expect(await target.harness.ctx.policies.latestVersion('demo')).toBe(2);
    await check('policy');
  }, 60_000); // the policy form walks every field from the keyboard: 15 s here when idle

  it('looks up a subscriber, exports and erases it', async () => {
    await confirmedConsent(target.harness);
    await page.goto(`${target.apiOrigin}/console/subscribers`);
    await check('subscribers');
    await page.fill('#phone', '06 12 34 56 78');
    await Promise.all([page.waitForURL(/\/console\/subscribers\/lookup$/), page.click('button:has-text("Look up")')]);
    expect(await page.locator('#subscriber-status').textContent()).toBe('confirmed');
    expect(page.url()).not.toContain('612345678');
    await check('subscriber');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export")')]);
    const exported = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    expect(exported.phone).toBe('+33612345678');
    await page.check('#erase-confirm');
    await Promise.all([page.waitForURL(/erase$/), page.click('button:has-text("Erase now")')]);
    expect(await page.locator('#erased').isVisible()).toBe(true);
  });

  it('has no serious or critical axe violation on any console page', async () => {
    for (const path of ['/console/sms', '/console/settings']) {
      await page.goto(`${target.apiOrigin}${path}`);
      await check(path.split('/').pop()!);
    }
    await Promise.all([page.waitForURL(/\/console\/settings$/), page.click('form[action="/console/lang"] button')]);
    await page.goto(`${target.apiOrigin}/console/policy`);
    await page.locator('#f-controller-name').waitFor();
    await check('policy-fr');
    expect(Object.keys(axeByPage).sort()).toEqual(
      [
        'overview',
        'policy',
        'policy-fr',
        'policy-refused',
        'settings',
        'sign-in',
        'sms',
        'subscriber',
        'subscribers',
        'widget',
      ].sort(),
    );
    expect(Object.entries(axeByPage).filter(([, problems]) => problems.length > 0)).toEqual([]);
  });
});
