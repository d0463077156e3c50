// Every French console page (taken from the app's route list, so a page added later is walked too) and every public
// page (the renewal page /r/{token} before and after its answer, and the French widget on a shop's page, its shadow
// DOM walked, before and after a "yes"), in Chromium set to French: no word from a list of the interface's English
// words in the visible text, the choice lists and the placeholders included. Code, addresses, brand names and anything
// marked as another language (lang="en": the language switch, an English preview) are left out; both lists are below.
// Every button balances its lines, so none leaves its last word alone on a line.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, linkToken, pendingConsent, confirmedConsent } from '../harness.ts';
import { consolePagePaths } from '../console/french-walk.ts';
import { signIn } from '../console/helpers.ts';
import { inviteToken } from '../console/people-helpers.ts';
import { launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser = await launchBrowser();

/**
 * English words of the interface that are not also French words (so "site", "page", "message", "code", "version",
 * "date", "type", "question", "minute", "contact" are not listed). Statuses, events, roles, choices and actions.
 */
const ENGLISH = new Set(
  `the and or of to with without your you our this that these is are was be been has have not no yes
   if when who what where which how why from by at into about after before until
   save saved cancel delete erase erased remove revoke revoked add edit change changes update create created
   sign signed out settings subscriber subscribers consent consents processor controller joint authority public
   pending confirmed withdrawn expired requested delivered failed queued sent sending send retry replay
   text texts language languages default country countries zone hours quiet limits theme preview live
   publish published policy privacy versions people owner editor viewer role roles invite invited invitation
   passkey passkeys recovery account audit trail key keys origin origins allowed refused test look lookup export
   help choose optional required missing invalid expected received yet none nothing never ever
   status count rate rates period last days day week month overview widget texts answer answers
   name address email phone website reason purpose purposes legal basis interests recipients transfers safeguard
   details retention prospects proofs rights decisions automated required consequence
   proof log entries checkpoint signed witness witnesses cosigned behind waiting date when
   please fix try again open close next previous back more less all any every each only also
   contract obligation vital task adequacy clauses standard binding corporate rules conduct derogation
   sign-in sign-out`
    .split(/\s+/)
    .filter(Boolean)
    // A few of the above are French too; they are not English evidence.
    .filter(
      (w) =>
        !['date', 'public', 'none', 'zone', 'widget', 'export', 'invitation', 'audit', 'obligation', 'change']
          .concat(['versions', 'standard', 'test', 'invite'])
          .includes(w),
    ),
);

/** Proper nouns, brand names and technical words a French text uses as they are. */
const KEPT = new Set(
  `assent demo sms stop start oui e.164 api json csv ndjson html url urls http https webhook webhooks twilio
   turnstile cnil rgpd gdpr dpo id ids sha-256 jws jwks ed25519 c2sp tlog-tiles log ok iso utc widget`.split(/\s+/),
);

/**
 * The visible words of the page (text nodes shown, options of visible selects, placeholders), outside code, the open
 * shadow roots included (the widget draws its form in one).
 */
const visibleWords = (page: Page) =>
  page.evaluate(() => {
    /** The language of an element, looking through shadow roots to their host (the page's language by default). */
    const langOf = (start: Element): string => {
      for (let el: Element | null = start; el; ) {
        const marked = el.closest('[lang]');
        if (marked) return marked.getAttribute('lang') ?? 'fr';
        const root = el.getRootNode();
        el = root instanceof ShadowRoot ? root.host : null;
      }
      return 'fr';
    };
    const skip = (el: Element | null): boolean => {
      if (!el) return false;
      if (el.closest('code,pre,kbd,samp,script,style,template,noscript,[translate="no"]')) return true;
      return !langOf(el).startsWith('fr');
    };
    const shown = (el: Element) =>
      el instanceof HTMLOptionElement
        ? !!el.closest('select')?.checkVisibility()
        : el.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions);
    const out: string[] = [];
    const walk = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node instanceof Element) {
          if (node.shadowRoot) walk(node.shadowRoot);
          if ((node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) && node.placeholder)
            if (!skip(node) && node.checkVisibility()) out.push(node.placeholder);
          continue;
        }
        const parent = node.parentElement;
        if (!parent || skip(parent) || !shown(parent)) continue;
        out.push(node.textContent ?? '');
      }
    };
    walk(document.body);
    return out.join(' \n ');
  });

/** English words found in a text, with a little context each, once each. */
function englishIn(text: string): string[] {
  const cleaned = text
    .replace(/\b(?:https?:\/\/|mailto:)\S+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' ')
    .replace(/\/[\w./{}:-]+/g, ' ') // paths (/console/…, /p/demo/2)
    .replace(/\{\w+\}/g, ' ') // placeholders a text may hold ({help}, {phone})
    .replace(/\S*\d\S*/g, ' '); // hashes, ids and numbers (be5356541bdeafc6…, 6b1e…): a hex "be" is no English
  const found = new Map<string, string>();
  for (const m of cleaned.matchAll(/[\p{L}][\p{L}’'-]*/gu)) {
    const word = m[0].toLowerCase().replace(/[’']s$/, '');
    if (KEPT.has(word) || !ENGLISH.has(word) || found.has(word)) continue;
    found.set(word, cleaned.slice(Math.max(0, m.index! - 30), m.index! + 30).replace(/\s+/g, ' '));
  }
  return [...found].map(([word, around]) => `${word} in “${around}”`);
}

describe('the checker', () => {
  it('finds English, and passes French, code and names', () => {
    expect(englishIn('Save the texts · Pending')).toHaveLength(4);
    expect(englishIn('Empreinte (SHA-256) : be5356541bdeafc6… entrée 12')).toEqual([]);
    expect(englishIn('Enregistrer les textes · En attente · Demo Shop · SMS · STOP · https://x.example/save')).toEqual(
      [],
    );
  });
});

describe.skipIf(!browser)('no English in French pages', () => {
  let target: Target;
  let page: Page;
  const problems: Record<string, string[]> = {};
  /** The visible text read on each page, by path (to show the walk did reach what it claims to). */
  const seen = new Map<string, string>();
  const check = async (path: string) => {
    await page.goto(path.startsWith('http') ? path : `${target.apiOrigin}${path}`);
    await page.waitForLoadState('load');
    // Islands render after load (the policy form's fields and choice lists).
    await page.waitForTimeout(150);
    await scan(path);
  };
  /** The page as it is now (a widget's later state too), filed under `path`. */
  const scan = async (path: string) => {
    const html = await page.evaluate(() => document.documentElement.lang);
    expect(html, path).toBe('fr');
    const words = await visibleWords(page);
    seen.set(path, words);
    const found = englishIn(words);
    // No widowed word on a button: each balances its lines (text-wrap: balance).
    const unbalanced = await page.evaluate(() =>
      [...document.querySelectorAll('button')]
        .filter((b) => b.checkVisibility() && getComputedStyle(b).textWrapStyle !== 'balance')
        .map((b) => `button “${b.textContent?.trim()}” does not balance its lines`),
    );
    found.push(...unbalanced);
    if (found.length) problems[path] = found;
  };

  beforeAll(async () => {
    target = await startTarget();
    const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });

  it('every console page, from the app’s route list', async () => {
    const h = target.harness;
    await confirmedConsent(h);
    await check('/console/sign-in');
    await page.fill('#key', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${target.apiOrigin}/console`), page.press('#key', 'Enter')]);
    const paths = consolePagePaths(h).filter((p) => !p.includes(':'));
    expect(paths.length).toBeGreaterThanOrEqual(12);
    for (const path of paths) await check(path);
    expect(problems).toEqual({});
  }, 180_000);

  it('every public page', async () => {
    for (const key of Object.keys(problems)) delete problems[key];
    const h = target.harness;
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const pending = await pendingConsent(h, '06 11 22 33 44');
    const { consentId, unsubscribe } = await confirmedConsent(h);
    // Version 2 adds a processor: a material change, so a renewal campaign asks the confirmed subscriber by SMS.
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.policy.recipients.push({
      name: 'Envoi Rapide SARL',
      role: 'processor',
      purpose: { fr: 'envoyer nos SMS', en: 'send our texts' },
      country: 'FR',
    });
    expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
    expect((await h.app.request('/v1/sites/demo/policies', json({ summary: 'Deuxième version.' }, auth))).status).toBe(
      201,
    );
    expect((await h.app.request('/v1/sites/demo/renewals', json({}, auth))).status).toBeLessThan(300);
    await h.flush();
    const renewal = h.outbox
      .list()
      .filter((m) => m.to === '+33612345678')
      .map((m) => /\/r\/([A-Za-z0-9_-]+)/.exec(m.body)?.[1])
      .find(Boolean);
    expect(renewal).toBeTruthy();
    const invitation = await inviteToken(await signIn(h), 'Inès Martin', 'editor');
    for (const path of [
      `/console/invite/${invitation}`,
      '/s/demo',
      '/p/demo',
      '/p/demo/versions',
      '/p/demo/diff/1/2',
      `/c/${linkToken(h, 'c', '+33611223344')}`,
      `/proofs/${pending}`,
      `/proofs/${consentId}`,
      `/u/${unsubscribe}`,
      `/u/${unsubscribe}?erase=confirm`,
      `/r/${renewal}`,
    ])
      await check(path);
    // The French widget on a shop's page (its shadow DOM walked): the form, then the state after a "yes".
    const shop = target.hostPageUrl({ locale: 'fr' });
    await page.goto(shop);
    await page.locator('button[data-choice="yes"]:enabled').waitFor();
    await scan('widget');
    await page.locator('input[type=tel]').fill('06 55 44 33 22');
    await page.locator('button[data-choice="yes"]').click();
    await expect.poll(() => page.locator('[role=status]').first().textContent()).toMatch(/\S/);
    await scan('widget after yes');
    // The walk did read inside the shadow root, and the renewal page is the question, not the unknown-link page.
    expect(seen.get('widget')).toMatch(/Oui/);
    expect(seen.get('widget after yes')).toMatch(/06 \*\*|SMS/);
    expect(await page.goto(`${target.apiOrigin}/r/${renewal}`).then((r) => r?.status())).toBe(200);
    expect(seen.get(`/r/${renewal}`)).toMatch(/Oui|renouvel/i);
    // The renewal answered: the page that says what happened.
    await Promise.all([page.waitForLoadState('load'), page.click('button[data-choice="yes"]')]);
    await page.waitForSelector('[role=status]');
    await scan('/r/{token} answered');
    expect(problems).toEqual({});
    expect(problems).toEqual({});
  }, 180_000);
});
