// The pages a visitor or an auditor reads after the widget, served by the real app and checked with axe-core in
// Chromium: the policy version (fr, en), the confirm page behind the SMS link, and the proof after confirming.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser: Browser | null = await launchBrowser();

describe.skipIf(!browser)('policy, confirm and proof pages in Chromium', () => {
  let target: Target;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });
  beforeEach(async (ctx) => {
    await target.reset();
    // The pages forbid every script by CSP; axe is injected by the test, not by the page.
    context = await browser!.newContext({ viewport: { width: 900, height: 1000 }, bypassCSP: true });
    page = await context.newPage();
    ctx.onTestFinished(() => context.close());
  });

  const shot = (name: string) => page.screenshot({ path: artifactPath(`${name}.png`), fullPage: true });

  for (const locale of ['fr', 'en']) {
    it(`policy version 1 (${locale}) has no serious or critical axe violation`, async () => {
      const res = await page.goto(`${target.apiOrigin}/p/demo/1?locale=${locale}`);
      expect(res!.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await axeProblems(page)).toEqual([]);
      await shot(`policy-${locale}`);
    });
  }

  for (const [locale, phone, to] of [
    ['fr', '06 12 34 56 78', '+33612345678'],
    ['en', '06 98 76 54 32', '+33698765432'],
  ] as const) {
    it(`confirm page and proof of a confirmed opt-in (${locale}) have no serious or critical axe violation`, async () => {
      // The opt-in a widget would send, over HTTP to the same server.
      const doc = (await (await fetch(`${target.apiOrigin}/v1/sites/demo/widget?locale=${locale}`)).json()) as {
        textSha256: string;
        policy: { version: number };
      };
      const res = await fetch(`${target.apiOrigin}/v1/sites/demo/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          phone,
          choice: 'yes',
          locale,
          textSha256: doc.textSha256,
          policyVersion: doc.policy.version,
        }),
      });
      expect(res.status).toBe(202);
      const { consentId, proofUrl } = (await res.json()) as { consentId: string; proofUrl: string };
      expect(proofUrl).toBe(`${target.apiOrigin}/proofs/${consentId}`);
      expect(target.outbox.map((m) => m.to)).toEqual([to]);
      const link = new RegExp(`${target.apiOrigin}/c/[A-Za-z0-9_-]{43}`).exec(target.outbox[0]!.body)?.[0];
      expect(link).toBeDefined();

      // The link's page changes nothing until its button is pressed.
      expect((await page.goto(link!))!.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await axeProblems(page)).toEqual([]);
      await shot(`confirm-${locale}`);
      const pending = (await (await fetch(`${proofUrl}?format=json`)).json()) as { receipt: { status: string } };
      expect(pending.receipt.status).toBe('pending');

      await Promise.all([page.waitForNavigation(), page.locator('form[method="post"] button[type="submit"]').click()]);
      expect(await page.locator(`a[href="${proofUrl}"]`).count()).toBe(1);
      expect(await axeProblems(page)).toEqual([]);
      await shot(`confirmed-${locale}`);
      // Confirming sent the welcome message (with its unsubscribe link) after the confirmation request.
      expect(target.outbox.map((m) => m.to)).toEqual([to, to]);
      expect(target.outbox[1]!.body).toMatch(new RegExp(`${target.apiOrigin}/u/[A-Za-z0-9_-]{43}`));

      expect((await page.goto(proofUrl))!.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.locator('.status').textContent()).toBe(
        locale === 'fr' ? 'Confirmé — la personne a confirmé sa demande' : 'Confirmed — double opt-in completed',
      );
      expect(await page.content()).not.toContain(to); // the number appears only masked
      expect(await axeProblems(page)).toEqual([]);
      await shot(`proof-${locale}`);
    });
  }
});
