// A French site owner at 360 px runs a campaign in Chromium: composes it (the live counter, the advertiser name and
// the opt-out mention as sent, the audience and the cost), sends it to confirmed subscribers made through the API, runs
// the jobs, watches it finish with its delivery reports, and stops another one that was scheduled. Every page is
// axe-clean and none scrolls sideways, at 360 px and at 1280 px.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json } from '../harness.ts';
import { subscribe } from '../campaigns/fixtures.ts';
import { axeProblems } from './axe.ts';
import { launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser = await launchBrowser();
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const overflow = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
    return { extra: document.documentElement.scrollWidth - width, wide };
  });

describe.skipIf(!browser)('a campaign in the French console at 360 px', () => {
  let target: Target;
  let page: Page;
  const problems: Record<string, unknown> = {};
  const check = async (label: string) => {
    const o = await overflow(page);
    if (o.extra > 0) problems[`${label} overflow ${o.extra}px`] = o.wide;
    const axe = await axeProblems(page, { tags: WCAG });
    if (axe.length) problems[`${label} axe`] = axe;
  };

  beforeAll(async () => {
    target = await startTarget();
    const h = target.harness;
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.program.shortCode = '36111';
    expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
    for (let n = 1; n <= 3; n++) await subscribe(h, n);
    const context = await browser!.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'fr-FR',
      bypassCSP: true,
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });

  it('composes, sends, watches it finish with its delivery reports, and stops a scheduled one', async () => {
    const h = target.harness;
    await page.goto(`${target.apiOrigin}/console/sign-in`);
    await page.fill('#key', h.demoKey);
    await Promise.all([page.waitForURL(`${target.apiOrigin}/console`), page.press('#key', 'Enter')]);

    await page.goto(`${target.apiOrigin}/console/campaigns`);
    expect(await page.locator('h1').textContent()).toBe('Campagnes');
    expect(await page.locator('#campaign-audience').textContent()).toContain('3 abonné(s)');
    expect(await page.locator('#campaign-advertiser').textContent()).toBe('Demo Shop');
    expect(await page.locator('#sms-opt-out').textContent()).toBe('STOP au 36111');
    await check('compose (empty)');
    // The counter, the message as sent and the cost follow the typing.
    await page.fill('#sms-template', 'Soldes d’hiver : -30 % sur tout le site ce week-end, en boutique et en ligne !');
    await expect.poll(() => page.locator('#sms-live').textContent()).toMatch(/segment/);
    const full = await page.locator('#sms-full').textContent();
    expect(full).toMatch(/^Demo Shop : Soldes d’hiver/);
    expect(full).toMatch(/STOP au 36111$/);
    expect(await page.locator('#campaign-cost').textContent()).toMatch(/au total/);
    await check('compose (typed)');
    await Promise.all([
      page.waitForURL(/\/console\/campaigns\/[A-Za-z0-9_-]+\?started=1$/),
      page.getByRole('button', { name: 'Lancer la campagne' }).click(),
    ]);
    const detailUrl = page.url().replace('?started=1', '');
    expect(await page.locator('[role=status]').textContent()).toBe('Campagne lancée.');

    // The jobs send it; a delivery report comes back for one message.
    await h.flush();
    const sent = h.outbox.list().filter((m) => m.body.startsWith('Demo Shop : Soldes'));
    expect(sent).toHaveLength(3);
    const id = detailUrl.split('/').pop()!;
    const rows = (
      await h.ctx.outbox.forConsent((await h.ctx.consents.confirmedPage('demo', '', 1))[0]!.consentId)
    ).filter((r) => r.campaignId === id);
    await h.ctx.outbox.setDeliveryStatusById(rows[0]!.id, 'demo', 'delivered', []);
    await page.goto(detailUrl);
    expect(await page.locator('#campaign-status').textContent()).toBe('terminée');
    expect(await page.locator('#campaign-progress').textContent()).toContain('Envoyés3');
    expect(await page.locator('#campaign-reports').textContent()).toContain('Remis1');
    await check('campaign done');

    // Another, scheduled for Monday 10:00 in Paris, then stopped before it goes.
    await page.goto(`${target.apiOrigin}/console/campaigns`);
    await page.fill('#sms-template', 'Vente privée lundi');
    await page.getByLabel('Programmer').check();
    await page.fill('#campaign-send-at', '2026-11-30T10:00');
    await Promise.all([
      page.waitForURL(/\?started=1$/),
      page.getByRole('button', { name: 'Lancer la campagne' }).click(),
    ]);
    expect(await page.locator('#campaign-status').textContent()).toBe('programmée');
    await page.goto(`${target.apiOrigin}/console/campaigns`);
    expect(await page.locator('#queue-table').textContent()).toContain('heure programmée');
    await check('campaigns with the queue');
    await page.locator('#campaigns-table a').first().click();
    await Promise.all([
      page.waitForURL(/\?stopped=1$/),
      page.getByRole('button', { name: 'Arrêter cette campagne' }).click(),
    ]);
    expect(await page.locator('#campaign-status').textContent()).toBe('arrêtée');
    expect(await page.locator('#campaign-skipped').textContent()).toContain('campagne arrêtée');
    await check('campaign stopped');

    await page.goto(`${target.apiOrigin}/console/renewals`);
    expect(await page.locator('h1').textContent()).toBe('Renouvellements');
    await check('renewals');

    // The same pages at 1280 px.
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const path of ['/console/campaigns', detailUrl.replace(target.apiOrigin, ''), '/console/renewals']) {
      await page.goto(`${target.apiOrigin}${path}`);
      await check(`${path} at 1280 px`);
    }
    expect(problems).toEqual({});
    // Monday comes: nothing of the stopped campaign leaves.
    h.advance(3 * 86_400_000);
    await h.flush();
    expect(h.outbox.list().filter((m) => m.body.includes('Vente privée'))).toHaveLength(0);
  }, 180_000);
});
