// From an empty server to a widget on a shop's page, in Chromium in French, never calling the API: the platform admin
// signs in, creates the site, fills the policy facts in French and English, publishes both, sets the allowed
// origin, and the widget embeds on a page served from 127.0.0.1 with that origin, at 360 px and 1280 px, axe-clean
// and without horizontal scrolling. Then visitors subscribe through that widget and confirm from the link of their
// confirmation SMS (the console provider's capture: their phone), and the owner, in French, composes a campaign, sends
// it, and watches its page reach the finished state with the delivery reports: issue 23's whole walk, one browser and
// one server, the API never called.
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFromDeps, createApp } from '../../worker/app.ts';
import { createJobs } from '../../worker/jobs.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import type { Store } from '../../worker/db/client.ts';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { axeProblems } from './axe.ts';
import { launchBrowser } from './harness.ts';
import { closeServer, listen } from './host-page.ts';

const browser = await launchBrowser();
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe.skipIf(!browser)('an empty server, in the console only', () => {
  let h: Harness;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let api: Server;
  let shop: Server;
  let apiOrigin: string;
  let shopOrigin: string;
  let page: Page;
  /** The jobs runner on this server's database (the test runs it where the Node entry would after a write). */
  let jobs: ReturnType<typeof createJobs>;

  beforeAll(async () => {
    api = createServer(getRequestListener((req) => app.fetch(req)));
    apiOrigin = await listen(api);
    shop = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Boutique Lumière</title></head>
<body><main><h1>Boutique Lumière</h1><p>Nos lampes.</p>
<script src="${apiOrigin}/widget.js" data-site="lumiere" async></script></main></body></html>`,
      ),
    );
    shopOrigin = await listen(shop);
    h = await makeHarness({ publicUrl: apiOrigin });
    // The same app and dependencies, on a database with no site at all (makeHarness adds the dev demo site).
    store = libsqlStore(createClient({ url: ':memory:' }));
    await migrate(store, migrations);
    app = createApp({ ...h.deps, store });
    jobs = createJobs({ ...h.deps, store });
    const context = await browser!.newContext({
      locale: 'fr-FR',
      viewport: { width: 1280, height: 900 },
      // axe is injected as an inline script; the console's CSP would refuse it.
      bypassCSP: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await Promise.all([api && closeServer(api), shop && closeServer(shop)]);
    await store?.close();
    await h?.close();
    await browser?.close();
  });

  /** How far the page scrolls sideways (0 when nothing is wider than the screen). */
  const sideways = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const pageProblems = async (where: string, problems: Record<string, unknown>) => {
    const extra = await sideways();
    if (extra > 0) problems[`${where} scrolls sideways by ${extra}px`] = true;
    const axe = await axeProblems(page, { tags: WCAG });
    if (axe.length) problems[`${where} axe`] = axe;
  };
  const submit = async (form: string, url: string | RegExp) =>
    Promise.all([page.waitForURL(url), page.click(`${form} button[type=submit]`)]);
  const both = async (id: string, fr: string, en: string) => {
    await page.fill(`#${id}-fr`, fr);
    await page.fill(`#${id}-en`, en);
  };
  const add = async (path: string) => page.click(`fieldset[data-path="${path}"] > button:has-text("Ajouter")`);

  it('the admin creates a site, its policy in French and English, its origin; the widget embeds', async () => {
    const problems: Record<string, unknown> = {};
    expect(await store.queryColumn('SELECT count(*) FROM sites')).toEqual([0]);
    await page.goto(`${apiOrigin}/console`);
    await page.waitForURL(`${apiOrigin}/console/sign-in`);
    await page.fill('#key', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${apiOrigin}/console/sites/new`), page.press('#key', 'Enter')]);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await pageProblems(`site creation at ${width}px`, problems);
    }

    await page.fill('#new-id', 'lumiere');
    await page.fill('#new-name', 'Boutique Lumière');
    await page.fill('#new-country', 'FR');
    await page.fill('#new-timezone', 'Europe/Paris');
    await page.fill('#new-program-name', 'Offres Lumière');
    await page.fill('#new-program-help', 'aide@lumiere-lyon.fr');
    await page.fill('#new-description-fr', 'nos offres et nos nouvelles lampes');
    await page.fill('#new-description-en', 'our offers and new lamps');
    await page.fill('#new-frequency-fr', 'deux SMS par mois au plus');
    await page.fill('#new-frequency-en', 'two texts a month at most');
    await submit('form[action="/console/sites/new"]', `${apiOrigin}/console/sites/new`);
    expect(await page.locator('#new-key').textContent()).toMatch(/^ask_/);
    expect(await store.queryColumn('SELECT id FROM sites')).toEqual(['lumiere']);
    expect(
      JSON.parse((await store.queryColumn("SELECT config FROM sites WHERE id = 'lumiere'"))[0] as string).defaultLocale,
    ).toBe('fr');

    // The policy facts, in both languages, through the generated form.
    await page.goto(`${apiOrigin}/console/policy`);
    await page.waitForSelector('#f-controller-name');
    await page.fill('#f-controller-name', 'Lumière SAS');
    await page.fill('#f-controller-address', '8 rue des Lampes, 69002 Lyon, France');
    await page.fill('#f-controller-email', 'vie-privee@lumiere-lyon.fr');
    await page.fill('#f-controller-website', 'https://www.lumiere-lyon.fr');
    await page.check('#f-dpo-b0');
    await both(
      'f-dpo-reason',
      'La loi ne nous en impose pas : nous sommes une petite boutique.',
      'The law does not require one: we are a small shop.',
    );
    await add('policy.purposes');
    await page.fill('#f-purposes-0-id', 'sms-marketing');
    await both('f-purposes-0-description', 'vous envoyer nos offres par SMS', 'send you our offers by text message');
    await page.selectOption('#f-purposes-0-legalBasis', 'consent');
    await add('policy.recipients');
    await page.fill('#f-recipients-0-name', 'Assent');
    await page.selectOption('#f-recipients-0-role', 'processor');
    await both(
      'f-recipients-0-purpose',
      'garde la preuve de votre accord et envoie nos SMS',
      'keeps proof of your consent and sends our texts',
    );
    await both('f-recipients-0-country', 'France', 'France');
    await page.check('#f-transfers-b0');
    await both('f-retention-prospects', 'jusqu’à votre STOP, puis 30 jours', 'until you reply STOP, then 30 days');
    await page.fill('#f-rights-email', 'vie-privee@lumiere-lyon.fr');
    await page.check('#f-automatedDecisions-b0');

    await page.waitForTimeout(300);
    // What the live checklist still asks for, named, when something is missing (the assertion then says what).
    const missing = await page.evaluate(() =>
      document.getElementById('facts-status')!.className === 'ok'
        ? []
        : [
            document.getElementById('facts-status')!.textContent,
            ...[...document.querySelectorAll('#policy-app span.bad')].map((e) => `${e.id}: ${e.textContent}`),
          ],
    );
    expect(missing).toEqual([]);
    // The choice lists speak French.
    expect(await page.locator('#f-recipients-0-role option:checked').textContent()).toBe('Sous-traitant');
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await pageProblems(`policy form at ${width}px`, problems);
    }
    await page.fill('#summary', 'Première version.');
    await Promise.all([page.waitForSelector('#published'), page.click('#publish')]);
    expect(
      await store.queryColumn("SELECT locale FROM policy_versions WHERE site_id = 'lumiere' ORDER BY locale"),
    ).toEqual(['en', 'fr']);
    await page.goto(`${apiOrigin}/p/lumiere/1?locale=en`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.goto(`${apiOrigin}/p/lumiere/1?locale=fr`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.locator('main').textContent()).toContain('Lumière SAS');

    // The shop's origin, then the widget on the shop's page.
    await page.goto(`${apiOrigin}/console/settings`);
    await page.fill('#allowed-origins', `${shopOrigin}/`);
    await submit('form[action="/console/settings/origins"]', /\/console\/settings/);
    expect(
      JSON.parse((await store.queryColumn("SELECT config FROM sites WHERE id = 'lumiere'"))[0] as string)
        .allowedOrigins,
    ).toEqual([shopOrigin]);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(shopOrigin);
      await page.waitForFunction(() =>
        [...document.querySelectorAll('*')].some((el) => el.shadowRoot?.querySelector('button[data-choice="yes"]')),
      );
      const widget = await page.evaluate(() => {
        const root = [...document.querySelectorAll('*')].find((el) =>
          el.shadowRoot?.querySelector('button[data-choice]'),
        )!.shadowRoot!;
        return {
          lang: root.querySelector('[lang]')?.getAttribute('lang') ?? null,
          tel: !!root.querySelector('input[type="tel"]'),
          no: !!root.querySelector('button[data-choice="no"]'),
          policy: root.querySelector('a[href*="/p/lumiere/1"]')?.getAttribute('href') ?? null,
          text: root.textContent ?? '',
        };
      });
      expect(widget.tel && widget.no).toBe(true);
      expect(widget.policy).toContain('/p/lumiere/1');
      expect(widget.text).toContain('Offres Lumière');
      await pageProblems(`shop page at ${width}px`, problems);
    }
    expect(problems).toEqual({});
  }, 180_000);

  it('visitors subscribe through the widget and confirm from their SMS; the owner runs a campaign in French', async () => {
    const problems: Record<string, unknown> = {};
    const phones = ['06 12 34 56 01', '06 12 34 56 02', '07 98 76 54 03'];
    await page.setViewportSize({ width: 360, height: 800 });
    for (const phone of phones) {
      await page.goto(shopOrigin);
      await page.locator('input[type=tel]').fill(phone);
      await page.locator('button[data-choice="yes"]').click();
      await expect.poll(() => page.locator('[role=status]').first().textContent()).toMatch(/téléphone|SMS/i);
    }
    // The confirmation SMS leave; each visitor opens the link in theirs and confirms on the /c page.
    await jobs.run();
    for (const phone of phones) {
      const to = `+33${phone.replace(/\s/g, '').slice(1)}`;
      const sms = h.outbox.list().filter((m) => m.to === to);
      expect(sms, to).toHaveLength(1);
      const link = /https?:\/\/\S+\/c\/[\w-]+/.exec(sms[0]!.body)?.[0];
      expect(link?.startsWith(`${apiOrigin}/c/`), sms[0]!.body).toBe(true);
      await page.goto(link!);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
      if (phone === phones[0]) await pageProblems('confirmation page at 360px', problems);
      await Promise.all([page.waitForLoadState('load'), page.click('form[method="post"] button[type=submit]')]);
      await expect.poll(() => page.locator('h1').textContent()).toMatch(/confirm/i);
      if (phone === phones[0]) await pageProblems('confirmed page at 360px', problems);
    }
    expect(
      await store.queryColumn("SELECT count(*) FROM consents WHERE site_id = 'lumiere' AND status = 'confirmed'"),
    ).toEqual([phones.length]);

    // The owner composes the campaign in French. Marketing to French numbers needs a short code to receive STOP: the
    // first send is refused, in French, naming the field; the owner sets it in the configuration and sends again.
    const template = 'Nouvelles lampes : -20 % ce week-end à la boutique de Lyon !';
    const compose = async () => {
      await page.goto(`${apiOrigin}/console/campaigns`);
      expect(await page.locator('h1').textContent()).toBe('Campagnes');
      expect(await page.locator('#campaign-audience').textContent()).toContain(`${phones.length} abonné(s)`);
      await page.fill('#sms-template', template);
      await expect.poll(() => page.locator('#sms-live').textContent()).toMatch(/segment/);
    };
    const launch = () =>
      Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lancer la campagne' }).click()]);
    await compose();
    // The page says so before the owner presses send, with the way to the setting.
    expect(await page.locator('#campaign-blocked').textContent()).toContain('numéro court');
    await launch();
    await page.waitForSelector('#errors');
    const refusal = (await page.locator('#errors').textContent()) ?? '';
    expect(refusal).toContain('numéro court');
    expect(refusal).not.toMatch(/Marketing|needs|cannot/);
    expect(await page.locator('#sms-template').inputValue()).toBe(template);
    await pageProblems('campaign refused at 360px', problems);
    await page.goto(`${apiOrigin}/console/configuration`);
    await pageProblems('configuration at 360px', problems);
    await page.fill('#program-short-code', '36111');
    await submit('form[action="/console/configuration/program"]', /\/console\/configuration/);
    expect(
      JSON.parse((await store.queryColumn("SELECT config FROM sites WHERE id = 'lumiere'"))[0] as string).program
        .shortCode,
    ).toBe('36111');

    await compose();
    expect(await page.locator('#campaign-blocked').count()).toBe(0);
    // The advertiser (the program's name) and the opt-out mention, in the site's default language: French, as the
    // French console preselected at creation.
    const full = (await page.locator('#sms-full').textContent()) ?? '';
    expect(full).toMatch(/^Offres Lumière : Nouvelles lampes/);
    expect(full).toMatch(/STOP au 36111$/);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await pageProblems(`campaign compose at ${width}px`, problems);
    }
    await launch();
    await page.waitForURL(/\/console\/campaigns\/[\w-]+\?started=1$/);
    const detail = page.url().replace('?started=1', '');
    const id = detail.split('/').pop()!;
    await jobs.run();
    const sent = h.outbox.list().filter((m) => m.body.startsWith('Offres Lumière : Nouvelles lampes'));
    expect(sent.map((m) => m.to).sort()).toEqual(['+33612345601', '+33612345602', '+33798765403']);
    // The carrier reports one message delivered and one failed (what a provider's status callback records).
    const { ctx } = contextFromDeps({ ...h.deps, store });
    const rows = [];
    for (const c of await ctx.consents.confirmedPage('lumiere', '', 10))
      rows.push(...(await ctx.outbox.forConsent(c.consentId)).filter((r) => r.campaignId === id));
    expect(rows).toHaveLength(phones.length);
    await ctx.outbox.setDeliveryStatusById(rows[0]!.id, 'lumiere', 'delivered', []);
    await ctx.outbox.setDeliveryStatusById(rows[1]!.id, 'lumiere', 'failed', []);
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(detail);
      expect(await page.locator('#campaign-status').textContent()).toBe('terminée');
      expect(await page.locator('#campaign-progress').textContent()).toContain(`Envoyés${phones.length}`);
      const reports = (await page.locator('#campaign-reports').textContent()) ?? '';
      expect(reports).toContain('Remis1');
      await pageProblems(`finished campaign at ${width}px`, problems);
    }
    // The audit trail tells the owner, in French, what was done in the console.
    await page.setViewportSize({ width: 360, height: 900 });
    await page.goto(`${apiOrigin}/console/audit`);
    const trail = (await page.locator('#audit').textContent()) ?? '';
    for (const action of [
      'Création du site',
      'Modification des origines autorisées',
      'Modification du programme et de l’expéditeur',
      'Lancement d’une campagne',
    ])
      expect(trail).toContain(action);
    expect(trail).not.toMatch(/POST|sign-in/);
    await pageProblems('audit trail at 360px', problems);
    expect(problems).toEqual({});
  }, 180_000);
});
