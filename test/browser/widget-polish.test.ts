// The widget in Chromium, on what the visitor brings: their languages (not the host page's), their colour scheme
// (contrast AA both ways), narrow and wide screens (equal choices everywhere), and a page whose origin the site
// never allowed (one clear console message and an event, no dead form).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../templates/widget/en.json' with { type: 'json' };
import fr from '../../templates/widget/fr.json' with { type: 'json' };
import { ADMIN_TOKEN } from '../harness.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser: Browser | null = await launchBrowser();

const EQUAL_PROPS = [
  'width',
  'height',
  'font-size',
  'font-weight',
  'color',
  'background-color',
  'border-top-color',
  'border-radius',
  'padding-top',
];

/** WCAG 2.x contrast ratio of two computed colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Host page in English, the widget tag without data-locale (unless given), like most real shops. */
const englishHost = (
  api: string,
  attrs = '',
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="${api}/widget.js" data-site="demo"${attrs} async></script></body></html>`;

describe.skipIf(!browser)('widget: visitor language, colour scheme, widths, origin diagnostics', () => {
  let target: Target;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });
  beforeEach(async (ctx) => {
    await target.reset();
    ctx.onTestFinished(async () => {
      await context?.close();
      context = undefined;
    });
  });

  const openHost = async (options: { acceptLanguage?: string; width?: number; attrs?: string } = {}): Promise<Page> => {
    context = await browser!.newContext({
      viewport: { width: options.width ?? 800, height: 900 },
      ...(options.acceptLanguage ? { extraHTTPHeaders: { 'Accept-Language': options.acceptLanguage } } : {}),
    });
    const page = await context.newPage();
    target.hostPages.set('/shop', englishHost(target.apiOrigin, options.attrs));
    await page.goto(`${target.hostOrigin}/shop`);
    await page.locator('button[data-choice="yes"]:enabled').waitFor();
    return page;
  };
  const widgetLang = (page: Page) => page.locator('section').getAttribute('lang');

  it('Accept-Language: fr on an English host page with no data-locale shows the French widget', async () => {
    const page = await openHost({ acceptLanguage: 'fr' });
    expect(await widgetLang(page)).toBe('fr');
    expect(await page.locator('button[data-choice="yes"]').textContent()).toBe(fr.yes);
    expect(await page.locator('label[for="ap"]').textContent()).toBe(fr.phoneLabel);
  });

  it("takes the first of the visitor's languages the site offers, else the site default; data-locale wins", async () => {
    expect(await widgetLang(await openHost({ acceptLanguage: 'de-DE, en-GB;q=0.9, fr;q=0.8' }))).toBe('en');
    await context!.close();
    expect(await widgetLang(await openHost({ acceptLanguage: 'de, it' }))).toBe('fr'); // the demo site's default
    await context!.close();
    const page = await openHost({ acceptLanguage: 'fr', attrs: ' data-locale="en"' });
    expect(await widgetLang(page)).toBe('en');
    expect(await page.locator('button[data-choice="no"]').textContent()).toBe(en.no);
  });

  it('colorScheme dark with no theme gives a dark widget with AA contrast; light stays light; a set theme wins', async () => {
    const page = await openHost({ acceptLanguage: 'en' });
    const colours = () =>
      page.evaluate(() => {
        const root = document.querySelector('assent-optin')!.shadowRoot!;
        const bgOf = (el: Element | null): string => {
          for (; el; el = el.parentElement) {
            const bg = getComputedStyle(el).backgroundColor;
            if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
          }
          return 'rgb(255, 255, 255)';
        };
        const pairs: Record<string, [string, string]> = {};
        for (const selector of [
          'h2',
          'p.m',
          'a',
          'label[for="ap"]',
          'input[type=tel]',
          'button[data-choice="yes"]',
          'button[data-choice="no"]',
          '#ah',
        ]) {
          const el = root.querySelector(selector)!;
          pairs[selector] = [getComputedStyle(el).color, bgOf(el)];
        }
        return { section: getComputedStyle(root.querySelector('section')!).backgroundColor, pairs };
      });
    const check = (pairs: Record<string, [string, string]>) =>
      Object.entries(pairs)
        .map(([selector, [fg, bg]]) => ({ selector, ratio: Math.round(contrast(fg, bg) * 100) / 100 }))
        .filter((p) => p.ratio < 4.5);

    await page.emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    expect(light.section).toBe('rgb(255, 255, 255)');
    expect(check(light.pairs)).toEqual([]);

    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    expect(contrast(dark.section, 'rgb(0, 0, 0)')).toBeLessThan(1.5); // a dark background
    expect(check(dark.pairs)).toEqual([]);
    await page.screenshot({ path: artifactPath('widget-auto-dark.png'), fullPage: true });

    // An explicit light theme, or a site's own colours, are not overridden by the visitor's preference.
    await page.locator('assent-optin').evaluate((el) => el.setAttribute('theme', 'light'));
    expect((await colours()).section).toBe('rgb(255, 255, 255)');
    const siteThemed = await page.evaluate(async (api) => {
      const doc = await (await fetch(`${api}/v1/sites/demo/widget?locale=en`)).json();
      const el = document.createElement('div');
      document.body.append(el);
      await (window as any).Assent.mount(el, {
        site: 'demo',
        doc: { ...doc, theme: { bg: '#fffbe6', btn: '#004400', 'btn-fg': '#ffffff' } },
      });
      return getComputedStyle(el.shadowRoot!.querySelector('section')!).backgroundColor;
    }, target.apiOrigin);
    expect(siteThemed).toBe('rgb(255, 251, 230)');
  });

  for (const width of [360, 1280]) {
    it(`gives yes and no the same box and style in both themes and both locales at ${width} px`, async () => {
      for (const locale of ['fr', 'en']) {
        const page = await openHost({ acceptLanguage: locale, width });
        expect(await widgetLang(page)).toBe(locale);
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme });
          const measure = (choice: string) =>
            page.locator(`button[data-choice="${choice}"]`).evaluate((el, props) => {
              const style = getComputedStyle(el);
              const box = el.getBoundingClientRect();
              return {
                x: box.right <= window.innerWidth,
                y: box.y,
                w: box.width,
                h: box.height,
                style: props.map((p) => style.getPropertyValue(p)),
              };
            }, EQUAL_PROPS);
          const [yes, no] = [await measure('yes'), await measure('no')];
          expect({ ...no, y: 0 }, `${locale} ${colorScheme} ${width}px`).toEqual({ ...yes, y: 0 });
          expect(no.y).toBe(yes.y);
          expect(yes.x && no.x).toBe(true); // nothing runs off a narrow screen
          expect(yes.h).toBeGreaterThanOrEqual(44);
        }
        if (width === 360 && locale === 'fr') {
          // The masked number never breaks across lines, even on a narrow phone.
          await page.locator('input[type=tel]').fill('06 12 34 56 78');
          await page.locator('button[data-choice="yes"]').click();
          const masked = page.locator('[aria-live="polite"] .n');
          await masked.waitFor();
          expect(await masked.textContent()).toBe('+33 6 •• •• •• 78');
          expect(await masked.evaluate((el) => el.getClientRects().length)).toBe(1);
          await page.screenshot({ path: artifactPath('widget-360-sent.png'), fullPage: true });
        }
        await context!.close();
        context = undefined;
      }
    });
  }

  it('on an origin the site does not allow: assent:error origin_not_allowed and one console message naming both', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const current = (await (await target.harness.app.request('/v1/sites/demo', { headers: admin })).json()) as {
      config: Record<string, unknown>;
    };
    const put = await target.harness.app.request('/v1/sites/demo', {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ ...current.config, allowedOrigins: ['https://shop.example'] }),
    });
    expect(put.status).toBe(200);
    context = await browser!.newContext();
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.addInitScript(() => {
      (window as any).__errors = [];
      document.addEventListener('assent:error', (e) => (window as any).__errors.push((e as CustomEvent).detail));
    });
    target.hostPages.set('/shop', englishHost(target.apiOrigin));
    await page.goto(`${target.hostOrigin}/shop`);
    await page.waitForFunction(() => (window as any).__errors.length > 0);
    await page.waitForTimeout(300);
    const errors = await page.evaluate(() => (window as any).__errors);
    expect(errors.map((e: { code: string }) => e.code)).toEqual(['origin_not_allowed']);
    const ours = messages.filter((m) => m.includes('Assent'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain(target.hostOrigin);
    expect(ours[0]).toContain('"demo"');
    expect(ours[0]).toContain('allowedOrigins');
    // No form that could only be refused.
    expect(await page.locator('button[data-choice="yes"]').count()).toBe(0);
    expect(target.posts).toHaveLength(0);
    // A site that does not exist is reported with the server's problem code, not a crash.
    await page.evaluate(() =>
      (window as any).Assent.mount(document.body.appendChild(document.createElement('div')), { site: 'no-such-site' }),
    );
    expect((await page.evaluate(() => (window as any).__errors)).map((e: { code: string }) => e.code)).toEqual([
      'origin_not_allowed',
      'not_found',
    ]);
  });
});
