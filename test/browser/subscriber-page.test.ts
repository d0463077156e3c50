// Chromium, as a subscriber: from the unsubscribe link in the SMS, see the consent, download its evidence, erase the
// number behind a confirmation. Afterwards the send gate says erased and the proof still verifies.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fr from '../../templates/pages/fr.json' with { type: 'json' };
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';
import { ADMIN_TOKEN, confirmedConsent, json } from '../harness.ts';
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser: Browser | null = await launchBrowser();

describe.skipIf(!browser)("the subscriber's own page in Chromium", () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });

  it('from the unsubscribe link: sees the consent, downloads its evidence, erases the number; the gate no longer finds the number, the proof verifies', async () => {
    const h = target.harness;
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const link = `${target.apiOrigin}/u/${unsubscribe}`;
    // The link really is the one the subscriber received.
    expect(h.outbox.list().some((m) => m.body.includes(link))).toBe(true);

    // bypassCSP only so axe can be injected; the page itself runs no script.
    const context = await browser!.newContext({
      acceptDownloads: true,
      bypassCSP: true,
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    try {
      await page.goto(link);
      expect(await page.locator('h1').textContent()).toBe('Vos SMS de Demo Shop');
      expect(await page.locator('strong.n').textContent()).toBe('+33 6 •• •• •• 78');
      const item = page.locator('li.consent');
      expect(await item.count()).toBe(1);
      expect(await item.locator('h3').textContent()).toBe(fr.status_confirmed);
      expect(await item.getByRole('link', { name: fr.proofLink }).getAttribute('href')).toBe(
        `${target.apiOrigin}/proofs/${consentId}`,
      );

      expect(await axeProblems(page)).toEqual([]);

      const evidenceLink = item.getByRole('link', { name: fr.evidenceLink });
      expect(await evidenceLink.getAttribute('href')).toBe(`${target.apiOrigin}/proofs/${consentId}/evidence`);
      if ((await fetch(`${target.apiOrigin}/proofs/${consentId}/evidence`)).status === 200) {
        const [download] = await Promise.all([page.waitForEvent('download'), evidenceLink.click()]);
        const file = readFileSync((await download.path())!, 'utf8');
        expect(download.suggestedFilename()).toMatch(/\.json$/);
        expect(file).toContain(consentId);
        expect(file).not.toContain('612345678');
      }

      // Erasure: the first button only asks (a GET), the second erases (a POST).
      await Promise.all([
        page.waitForURL(/\?erase=confirm$/),
        page.getByRole('button', { name: fr.eraseStart }).click(),
      ]);
      expect(await h.ctx.consents.byId(consentId).then((c) => c!.status)).toBe('confirmed');
      await page.screenshot({ path: artifactPath('subscriber-confirm-erase.png'), fullPage: true });
      const [answer] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: fr.eraseButton }).click(),
      ]);
      expect(answer!.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe(fr.erasedTitle);
      expect(await page.locator('[role="status"]').textContent()).toContain('Votre numéro est effacé');
      expect(await page.locator('li.consent h3').textContent()).toBe(fr.status_erased);
      await page.screenshot({ path: artifactPath('subscriber-erased.png'), fullPage: true });
    } finally {
      await context.close();
    }

    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: '06 12 34 56 78' }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    );
    // An erased number is no longer found by number (nothing singles it out): unknown, and still suppressed by its mark.
    expect(await gate.json()).toMatchObject({ status: 'none', canSend: false, suppressed: true });
    await h.flush();
    const proof = await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json();
    const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
    const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
    const checks = await verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
  });
});
