// The widget in real Chromium against the real app: embedded in a hostile page of another origin, the hosted page
// with and without JavaScript, and the dev demo page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import en from '../../templates/widget/en.json' with { type: 'json' };
import fr from '../../templates/widget/fr.json' with { type: 'json' };
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser: Browser | null = await launchBrowser();

/** How the app masks +33 6 12 34 56 78: the first national digit and the last two stay. */
const MASKED = '+33 6 •• •• •• 78';

const EQUAL_PROPS = [
  'width',
  'height',
  'font-size',
  'font-weight',
  'font-family',
  'line-height',
  'color',
  'background-color',
  'border-top-width',
  'border-top-style',
  'border-top-color',
  'border-bottom-color',
  'border-left-color',
  'border-radius',
  'padding-top',
  'padding-left',
  'text-decoration-line',
  'text-transform',
  'opacity',
  'box-shadow',
  'outline-style',
  'cursor',
  'filter',
];

describe.skipIf(!browser)('widget in Chromium', () => {
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
    context = await browser!.newContext({ viewport: { width: 800, height: 900 } });
    page = await context.newPage();
    ctx.onTestFinished(() => context.close());
  });

  const open = async (options: Parameters<Target['hostPageUrl']>[0] = {}) => {
    await page.goto(target.hostPageUrl(options));
    await page.locator('button[data-choice="yes"]:enabled').waitFor();
  };
  const status = () => page.locator('[aria-live="polite"]');
  const shot = (name: string) => page.screenshot({ path: artifactPath(`widget-${name}.png`), fullPage: true });

  it('mounts once, after its script, in an open shadow root', async () => {
    await open();
    const info = await page.evaluate(() => {
      const host = document.querySelector('assent-optin')!;
      return {
        previous: host.previousElementSibling?.tagName,
        mode: host.shadowRoot?.mode,
        lang: host.shadowRoot?.querySelector('section')?.getAttribute('lang'),
        api: typeof (window as any).Assent?.mount,
      };
    });
    expect(info).toEqual({ previous: 'SCRIPT', mode: 'open', lang: 'fr', api: 'function' });
    // The same script included again, and an explicit second mount, add nothing.
    await page.evaluate(() => {
      const again = document.createElement('script');
      const first = document.querySelector('script[data-site]') as HTMLScriptElement;
      again.src = first.src;
      again.dataset.site = 'demo';
      document.body.append(again);
      return new Promise((resolve) => (again.onload = resolve));
    });
    await page.evaluate(() => (window as any).Assent.mount(document.querySelector('assent-optin')));
    await page.waitForTimeout(200);
    expect(await page.locator('assent-optin').count()).toBe(1);
    expect(await page.locator('section').count()).toBe(1);
    await shot('fr-idle');
  });

  it('gives yes and no the same box and the same computed style, despite hostile CSS', async () => {
    for (const theme of [undefined, 'dark']) {
      await open(theme ? { theme } : {});
      const measure = (choice: string) =>
        page.locator(`button[data-choice="${choice}"]`).evaluate((el, props) => {
          const style = getComputedStyle(el);
          const box = el.getBoundingClientRect();
          return {
            w: box.width,
            h: box.height,
            style: Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)])),
          };
        }, EQUAL_PROPS);
      const [yes, no] = [await measure('yes'), await measure('no')];
      expect(no).toEqual(yes);
      expect(yes.h).toBeGreaterThanOrEqual(44);
      expect(yes.w).toBeGreaterThanOrEqual(44);
      expect(yes.style['font-size']).toBe('16px');
      expect(yes.style['font-family']).not.toMatch(/Comic/);
      const boxes = [
        await page.locator('button[data-choice="yes"]').boundingBox(),
        await page.locator('button[data-choice="no"]').boundingBox(),
      ];
      expect(boxes[0]!.y).toBe(boxes[1]!.y);
      const hostStyle = await page.locator('assent-optin').evaluate((el) => {
        const s = getComputedStyle(el);
        return {
          display: s.display,
          opacity: s.opacity,
          transform: s.transform,
          isolation: s.isolation,
          zIndex: s.zIndex,
        };
      });
      expect(hostStyle).toEqual({
        display: 'block',
        opacity: '1',
        transform: 'none',
        isolation: 'isolate',
        zIndex: '2147483000',
      });
      if (theme) await shot('fr-dark');
    }
  });

  it('mounts into <assent-optin> placed by the site, with the script in <head>', async () => {
    await open({ tag: true, locale: 'en' });
    const info = await page.evaluate(() => {
      const host = document.querySelector('assent-optin')!;
      return {
        parent: host.parentElement?.tagName,
        hosts: document.querySelectorAll('assent-optin').length,
        lang: host.shadowRoot?.querySelector('section')?.lang,
      };
    });
    expect(info).toEqual({ parent: 'DIV', hosts: 1, lang: 'en' });
    expect(await page.locator('button[data-choice="no"]').textContent()).toBe(en.no);
  });

  it('window.Assent.mount themes both choices alike from the document theme', async () => {
    await open();
    const styles = await page.evaluate(async (api) => {
      const doc = await (await fetch(`${api}/v1/sites/demo/widget?locale=en`)).json();
      const el = document.createElement('div');
      document.body.append(el);
      await (window as any).Assent.mount(el, {
        site: 'demo',
        doc: { ...doc, theme: { btn: '#004400', 'btn-fg': '#ffffff' } },
      });
      return ['yes', 'no'].map((c) => {
        const s = getComputedStyle(el.shadowRoot!.querySelector(`button[data-choice="${c}"]`)!);
        return [s.backgroundColor, s.color, s.borderTopColor];
      });
    }, target.apiOrigin);
    expect(styles).toEqual([
      ['rgb(0, 68, 0)', 'rgb(255, 255, 255)', 'rgb(0, 68, 0)'],
      ['rgb(0, 68, 0)', 'rgb(255, 255, 255)', 'rgb(0, 68, 0)'],
    ]);
  });

  it('moves nothing: no transition, whether or not the visitor prefers reduced motion', async () => {
    await open();
    const duration = () =>
      page.locator('button[data-choice="yes"]').evaluate((el) => getComputedStyle(el).transitionDuration);
    expect(await duration()).toBe('0s');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await duration()).toBe('0s');
  });

  it('pre-selects and focuses nothing on load', async () => {
    await open();
    const state = await page.evaluate(() => {
      const root = document.querySelector('assent-optin')!.shadowRoot!;
      return {
        active: document.activeElement?.tagName,
        inner: root.activeElement?.tagName ?? null,
        phone: (root.querySelector('input[type=tel]') as HTMLInputElement).value,
        pressed: root.querySelectorAll('[aria-pressed="true"], [checked], [autofocus]').length,
        status: root.querySelector('[aria-live]')!.textContent,
      };
    });
    expect(state).toEqual({ active: 'BODY', inner: null, phone: '', pressed: 0, status: '' });
    expect(await page.locator('input[type=tel]').getAttribute('autocomplete')).toBe('tel');
    expect(await page.locator('label[for="ap"]').textContent()).toBe(fr.phoneLabel);
    expect(await page.locator('a[href$="/p/demo/1"]').count()).toBe(1);
  });

  it('opts in with the keyboard alone: phone, then yes, then no, in tab order; Enter in the field is not a yes', async () => {
    await open({ locale: 'en' });
    const focused = () =>
      page.evaluate(() => {
        const el = document.querySelector('assent-optin')?.shadowRoot?.activeElement as HTMLElement | null;
        return el ? (el.getAttribute('data-choice') ?? el.getAttribute('type') ?? el.tagName) : null;
      });
    let tabs = 0;
    while ((await focused()) !== 'tel' && tabs++ < 10) await page.keyboard.press('Tab');
    expect(await focused()).toBe('tel');
    await page.keyboard.type('06 12 34 56 78');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    expect(target.posts).toHaveLength(0);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('yes');
    const outline = await page
      .locator('button[data-choice="yes"]')
      .evaluate((el) => `${getComputedStyle(el).outlineStyle} ${getComputedStyle(el).outlineWidth}`);
    expect(outline).toBe('solid 3px');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('no');
    await page.keyboard.press('Shift+Tab');
    const submitted = page.evaluate(
      () => new Promise((r) => document.addEventListener('assent:submitted', (e) => r((e as CustomEvent).detail))),
    );
    await page.keyboard.press('Space');
    await expect.poll(() => status().textContent()).toContain('Check your phone');
    expect(await status().textContent()).toBe(en.sent.replace('{phone}', MASKED));
    const detail = (await submitted) as { consentId: string; proofUrl: string };
    expect(detail.consentId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(detail).toEqual({ consentId: detail.consentId, proofUrl: `${target.apiOrigin}/proofs/${detail.consentId}` });
    expect(target.posts.map((p) => [p.body.choice, p.body.phone, p.status])).toEqual([['yes', '06 12 34 56 78', 202]]);
    expect(target.outbox.map((m) => m.to)).toEqual(['+33612345678']);
    expect(target.outbox[0]!.body).toMatch(new RegExp(`${target.apiOrigin}/c/[A-Za-z0-9_-]{43}`));
    // The proof the event points at is served, still pending.
    const proof = (await (await fetch(`${detail.proofUrl}?format=json`)).json()) as { receipt: { consentId: string } };
    expect(proof.receipt.consentId).toBe(detail.consentId);
    await shot('en-sent');
  });

  it('shows a bad number error from the 422 problem and sends no SMS', async () => {
    await open();
    await page.locator('input[type=tel]').fill('12');
    const error = page.evaluate(
      () => new Promise((r) => document.addEventListener('assent:error', (e) => r((e as CustomEvent).detail))),
    );
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(fr.errors.invalid_phone);
    expect(await error).toEqual({ code: 'invalid_phone' });
    expect(await page.locator('input[type=tel]').getAttribute('aria-invalid')).toBe('true');
    expect(target.posts.map((p) => p.status)).toEqual([422]);
    expect(target.outbox).toHaveLength(0);
    await shot('fr-error');
  });

  it('declines with a "no" that carries no number and stores nothing', async () => {
    await open();
    await page.locator('input[type=tel]').fill('0612345678');
    const declined = page.evaluate(
      () => new Promise((r) => document.addEventListener('assent:declined', () => r(true))),
    );
    await page.locator('button[data-choice="no"]').click();
    await expect.poll(() => status().textContent()).toBe(fr.declined);
    expect(await declined).toBe(true);
    expect(target.posts).toHaveLength(1);
    expect(target.posts[0]!.body.choice).toBe('no');
    expect(target.posts[0]!.body.phone).toBe('');
    expect(target.declines).toBe(1);
    expect(target.outbox).toHaveLength(0);
    await shot('fr-declined');
  });

  it('shows the localized rate-limit message on 429', async () => {
    await open({ locale: 'en' });
    target.rateLimitNext = true;
    await page.locator('input[type=tel]').fill('0612345678');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(en.errors.rate_limited);
    expect(target.posts.map((p) => p.status)).toEqual([429]);
    expect(target.outbox).toHaveLength(0);
    // The form stays usable after the error.
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toContain('Check your phone');
  });

  it('offers "send again" after the delay, which re-posts yes for the same number', async () => {
    await open({ locale: 'en', resendDelayMs: 300 });
    await page.locator('input[type=tel]').fill('0612345678');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toContain('Check your phone');
    await page.getByRole('button', { name: en.resend }).click();
    await expect.poll(() => status().textContent()).toBe(en.resent.replace('{phone}', MASKED));
    expect(target.posts.map((p) => [p.body.choice, p.body.phone])).toEqual([
      ['yes', '0612345678'],
      ['yes', '0612345678'],
    ]);
    expect(target.outbox).toHaveLength(2);
  });

  for (const locale of ['fr', 'en']) {
    it(`has no serious or critical axe violation (${locale}, idle and error)`, async () => {
      await open({ locale });
      const run = () => axeProblems(page, { scope: 'assent-optin' });
      expect(await run()).toEqual([]);
      // An error state.
      await page.locator('input[type=tel]').fill('1');
      await page.locator('button[data-choice="yes"]').click();
      await expect.poll(() => status().textContent()).not.toBe('');
      expect(await run()).toEqual([]);
      await shot(`${locale}-axe`);
    });
  }

  it('hosted page works with JavaScript disabled: the form posts and the next page says check your phone', async () => {
    const noJs = await browser!.newContext({ javaScriptEnabled: false });
    const p = await noJs.newPage();
    try {
      await p.goto(`${target.apiOrigin}/s/demo?locale=fr`);
      expect(await p.evaluate(() => typeof (window as any).Assent)).toBe('undefined'); // the widget script never ran
      // A bad number comes back as the same page with the error, and nothing is sent.
      await p.locator('input[type=tel]').fill('12');
      const [bad] = await Promise.all([p.waitForNavigation(), p.locator('button[data-choice="yes"]').click()]);
      expect(bad!.status()).toBe(422);
      expect(await p.locator('[aria-live="polite"]').textContent()).toBe(fr.errors.invalid_phone);
      expect(target.outbox).toHaveLength(0);
      await p.locator('input[type=tel]').fill('06 12 34 56 78');
      const [sent] = await Promise.all([p.waitForNavigation(), p.locator('button[data-choice="yes"]').click()]);
      expect(sent!.status()).toBe(202);
      expect(await p.locator('[aria-live="polite"]').textContent()).toBe(fr.sent.replace('{phone}', MASKED));
      expect(await p.locator('form').count()).toBe(0);
      expect(target.posts.map((x) => [x.body.choice, x.body.phone, x.body.country, x.status])).toEqual([
        ['yes', '12', 'FR', 422],
        ['yes', '06 12 34 56 78', 'FR', 202],
      ]);
      expect(target.outbox.map((m) => m.to)).toEqual(['+33612345678']);
      expect(target.outbox[0]!.body).toMatch(new RegExp(`${target.apiOrigin}/c/[A-Za-z0-9_-]{43}`));
      await p.screenshot({ path: artifactPath('hosted-nojs-sent.png'), fullPage: true });
      await p.goto(`${target.apiOrigin}/s/demo?locale=fr`);
      await Promise.all([p.waitForNavigation(), p.locator('button[data-choice="no"]').click()]);
      expect(await p.locator('[aria-live="polite"]').textContent()).toBe(fr.declined);
      expect(target.declines).toBe(1);
    } finally {
      await noJs.close();
    }
  });

  it('hosted page with JavaScript hydrates the server markup and submits without reloading', async () => {
    await page.goto(`${target.apiOrigin}/s/demo?locale=en`);
    await page.waitForFunction(() => (window as any).Assent);
    const marker = await page.evaluate(() => ((window as any).__stay = 1));
    await page.locator('input[type=tel]').fill('0612345678');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toContain('Check your phone');
    expect(await page.evaluate(() => (window as any).__stay)).toBe(marker);
    expect(await page.locator('section').count()).toBe(1);
    expect(target.posts[0]!.body).toMatchObject({ choice: 'yes', locale: 'en', policyVersion: 1 });
    expect(target.outbox).toHaveLength(1);
  });

  it("hosted page with JavaScript shows the app's bad-number and rate-limit errors (its own origin)", async () => {
    await page.goto(`${target.apiOrigin}/s/demo?locale=en`);
    await page.waitForFunction(() => (window as any).Assent);
    await page.locator('input[type=tel]').fill('12');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(en.errors.invalid_phone);
    expect(await page.locator('input[type=tel]').getAttribute('aria-invalid')).toBe('true');
    target.rateLimitNext = true;
    await page.locator('input[type=tel]').fill('0612345678');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(en.errors.rate_limited);
    expect(target.posts.map((p) => p.status)).toEqual([422, 429]);
    expect(target.outbox).toHaveLength(0);
    await page.screenshot({ path: artifactPath('hosted-js-rate-limited.png'), fullPage: true });
    // The limit is back to the site's own once the 429 was seen: the same click now goes through.
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(en.sent.replace('{phone}', MASKED));
    expect(target.outbox.map((m) => m.to)).toEqual(['+33612345678']);
  });

  it('/demo (dev mode) embeds the real widget, and its opt-in lands in /dev/outbox with a working link', async () => {
    await page.goto(`${target.apiOrigin}/demo`);
    await page.locator('button[data-choice="yes"]:enabled').waitFor();
    expect(await page.locator('assent-optin').count()).toBe(1);
    const lang = await page.locator('assent-optin section').getAttribute('lang');
    const texts = lang === 'fr' ? fr : en;
    expect(await page.locator('button[data-choice="no"]').textContent()).toBe(texts.no);
    expect(await page.locator(`a[href="${target.apiOrigin}/p/demo/1"]`).count()).toBe(1);
    await page.locator('input[type=tel]').fill('06 12 34 56 78');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => status().textContent()).toBe(texts.sent.replace('{phone}', MASKED));
    await shot('demo-sent');
    const outbox = (await (await fetch(`${target.apiOrigin}/dev/outbox`)).json()) as { to: string; body: string }[];
    expect(outbox.map((m) => m.to)).toEqual(['+33612345678']);
    // The page says what the SMS holds: its example is the message that was sent, link aside.
    const examples = await page
      .locator('p.sms')
      .evaluateAll((ps) => ps.map((p) => ({ lang: p.getAttribute('lang'), text: p.lastChild!.textContent })));
    expect(examples).toContainEqual({ lang, text: outbox[0]!.body.replace(/\/c\/[A-Za-z0-9_-]{43}/, '/c/…') });
    const link = /http:\/\/127\.0\.0\.1:\d+\/c\/[A-Za-z0-9_-]{43}/.exec(outbox[0]!.body)?.[0];
    expect(link?.startsWith(`${target.apiOrigin}/c/`)).toBe(true);
    const confirm = await page.goto(link!);
    expect(confirm!.status()).toBe(200);
    expect(await page.locator('form[method="post"] button[type="submit"]').count()).toBe(1);
  });
});
