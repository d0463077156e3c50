// Every console page and public page at 360 px wide, in French: no horizontal scrolling (nothing wider than the
// screen), and axe-clean (WCAG 2.2 AA). The platform admin signs in, so the site creation page is walked too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json } from '../harness.ts';
import { axeProblems } from './axe.ts';
import { launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser = await launchBrowser();
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** How far the page scrolls sideways, and the widest elements sticking out (to say what to fix). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
    return { extra: document.documentElement.scrollWidth - width, wide };
  });

describe.skipIf(!browser)('360 px screens', () => {
  let target: Target;
  let page: Page;
  beforeAll(async () => {
    target = await startTarget();
    const h = target.harness;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const cfg = ((await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any).config;
    cfg.program.frequency = { fr: '2 SMS par mois au plus', en: 'up to 2 texts a month' };
    await h.app.request('/v1/sites/demo', { ...json(cfg, auth), method: 'PUT' });
    await h.app.request('/v1/sites/demo/policies', json({ summary: 'Moins de SMS.' }, auth));
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

  let problems: Record<string, unknown> = {};
  const visit = async (path: string) => {
    await page.goto(`${target.apiOrigin}${path}`);
    await page.waitForLoadState('load');
    const o = await overflow(page);
    if (o.extra > 0) problems[`${path} overflow ${o.extra}px`] = o.wide;
    const axe = await axeProblems(page, { tags: WCAG });
    if (axe.length) problems[`${path} axe`] = axe;
  };

  it('no console page scrolls sideways, and each is axe-clean', async () => {
    problems = {};
    await visit('/console/sign-in');
    await page.fill('#key', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${target.apiOrigin}/console`), page.press('#key', 'Enter')]);
    for (const path of [
      '/console',
      '/console/widget',
      '/console/policy',
      '/console/sms',
      '/console/subscribers',
      '/console/settings',
      '/console/configuration',
      '/console/sites/new',
    ])
      await visit(path);
    expect(problems).toEqual({});
  }, 120_000);

  it('no public page scrolls sideways, and each is axe-clean', async () => {
    problems = {};
    const { consentId, unsubscribe } = await confirmedConsent(target.harness);
    for (const path of [
      '/demo',
      '/s/demo',
      '/p/demo',
      '/p/demo/versions',
      '/p/demo/diff/1/2',
      `/proofs/${consentId}`,
      `/u/${unsubscribe}`,
      '/docs',
      '/dev/outbox',
    ])
      await visit(path);
    expect(problems).toEqual({});
  }, 120_000);
});
