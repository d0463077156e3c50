// French typography everywhere a French reader sees text (issue 25): every French template (policy, widget, pages),
// the French texts in code (proof page, policy page, console), and every rendered French page (policy HTML and
// Markdown, its diff, the proof page, the hosted page, the confirm and confirmed pages, the subscriber's page). SMS
// are not held to it: they stay GSM-7, which has no narrow no-break space.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fr as consoleFr } from '../../worker/console/texts-fr.ts';
import { pageTexts as policyPageTexts } from '../../worker/policy/page-texts.ts';
import { proofTexts } from '../../worker/pages/proof-texts.ts';
import { renewalPage, type RenewalPageState } from '../../worker/pages/renewal.tsx';
import {
  ADMIN_TOKEN,
  confirmedConsent,
  json,
  linkToken,
  makeHarness,
  pendingConsent,
  type Harness,
} from '../harness.ts';
import { stringsOf, typographyProblems, visibleText } from './french-typography.ts';
import { consolePagePaths, cookieHeader, frenchConsoleJar } from '../console/french-walk.ts';

const root = join(import.meta.dirname, '../../templates');

describe('the checker', () => {
  it('finds each kind of mistake and passes correct French', () => {
    expect(typographyProblems("Qui sommes-nous ? Oui ; non ! Aide : ici. « mot » l'été 97.2")).toHaveLength(8);
    expect(
      typographyProblems(
        'Qui sommes-nous\u202f? Oui\u202f; non\u202f! Aide\u00a0: ici. «\u00a0mot\u00a0» l’été 97,2 à 11:00 (art. 6.1.a, RGPD art. 21.1)',
      ),
    ).toEqual([]);
    expect(typographyProblems('Voir https://x.fr/p?a=1 et {{#dpo.none}} {help}')).toEqual([]);
  });
});

describe('French templates and texts', () => {
  for (const version of readdirSync(join(root, 'policy'))) {
    it(`policy template ${version}/fr.md`, () => {
      const text = readFileSync(join(root, 'policy', version, 'fr.md'), 'utf8').replace(/<!-- section:[^>]*-->/g, '');
      expect(typographyProblems(text)).toEqual([]);
    });
  }
  for (const kind of ['widget', 'pages']) {
    it(`${kind} texts fr.json`, () => {
      const texts = JSON.parse(readFileSync(join(root, kind, 'fr.json'), 'utf8')) as unknown;
      expect(stringsOf(texts).flatMap(typographyProblems)).toEqual([]);
    });
  }
  it('the proof page’s French texts, the timeline’s included', () => {
    expect(stringsOf(proofTexts('fr').t).flatMap(typographyProblems)).toEqual([]);
  });
  it('the policy page’s French interface words', () => {
    expect(stringsOf(policyPageTexts('fr')).flatMap(typographyProblems)).toEqual([]);
  });
  it('the console’s French texts', () => {
    expect(stringsOf(consoleFr).flatMap(typographyProblems)).toEqual([]);
  });
});

describe('rendered French pages', () => {
  let h: Harness;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const page = async (path: string, init?: RequestInit) => {
    const res = await h.app.request(path, init);
    expect(res.status, path).toBeLessThan(500);
    return res.text();
  };
  const holds = (html: string, where: string) => expect(typographyProblems(visibleText(html)), where).toEqual([]);

  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => h.close());

  it('the policy, as HTML and as Markdown, and the diff between two versions', async () => {
    holds(await page('/p/demo?locale=fr'), 'policy HTML');
    // The section markers are for machines (`<!-- section: id; covers: … -->`), not for readers.
    expect(typographyProblems((await page('/p/demo?format=md&locale=fr')).replace(/<!--[^>]*-->/g, ''))).toEqual([]);
    expect((await h.app.request('/v1/sites/demo/policies', json({ summary: 'Deuxième version.' }, admin))).status).toBe(
      201,
    );
    holds(await page('/p/demo/diff/1/2?locale=fr'), 'policy diff');
  });

  it('the renewal and re-permission pages, in every state', () => {
    const states: RenewalPageState[] = [
      {
        kind: 'ask',
        summary: 'Un nouveau prestataire.',
        policyUrl: '/p/demo/2',
        diffUrl: '/p/demo/diff/1/2',
        action: '/r/x',
      },
      ...(['renewed', 'declined', 'lapsed', 'ended'] as const).map((kind) => ({ kind })),
      { kind: 'unknown' },
    ];
    for (const audience of ['renewal', 'imported'] as const)
      for (const state of states) {
        const html = renewalPage({
          locale: 'fr',
          program: 'Demo Shop',
          version: 2,
          deadline: '12 juillet',
          state,
          audience,
        });
        holds(html, `${audience} ${state.kind}`);
      }
  });

  it('the hosted page', async () => {
    holds(await page('/s/demo?locale=fr', { headers: { 'accept-language': 'fr' } }), 'hosted page');
  });

  it('the confirm page, the confirmed page, the proof page and the subscriber’s page', async () => {
    const consentId = await pendingConsent(h, '06 11 22 33 44');
    const confirm = linkToken(h, 'c', '+33611223344');
    holds(await page(`/c/${confirm}`), 'confirm page');
    holds(await page(`/c/${confirm}`, { method: 'POST' }), 'confirmed page');
    await h.flush();
    holds(await page(`/proofs/${consentId}`), 'proof page');
    const own = linkToken(h, 'u', '+33611223344');
    holds(await page(`/u/${own}`), 'subscriber page');
    holds(await page(`/u/${own}?erase=confirm`), 'erase confirmation');
  });

  it('a confirmed consent’s proof page and subscriber’s page', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    holds(await page(`/proofs/${consentId}`), 'proof page, confirmed');
    holds(await page(`/u/${unsubscribe}`), 'subscriber page, confirmed');
  });
});

describe('every rendered French console page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
    await confirmedConsent(h);
  });
  afterAll(async () => h.close());

  it.each([
    ['the platform admin', ADMIN_TOKEN],
    ['a site key', ''],
  ])('each page a GET opens, from the app’s route list, as %s', async (_, key) => {
    const jar = await frenchConsoleJar(h, key || h.demoKey);
    const paths = consolePagePaths(h).filter((p) => !p.includes(':') && (key || p !== '/console/sites/new'));
    // The walk covers the whole console, not a hand-picked few.
    expect(paths).toEqual(expect.arrayContaining(['/console', '/console/policy', '/console/people']));
    const problems: Record<string, string[]> = {};
    for (const path of paths) {
      const res = await h.app.request(path, { headers: { cookie: cookieHeader(jar) } });
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain('<html lang="fr"');
      const found = typographyProblems(visibleText(html));
      if (found.length) problems[path] = found;
    }
    expect(problems).toEqual({});
  });
});

describe('the other rendered French public pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => h.close());
  const fr = { headers: { 'accept-language': 'fr-FR,fr;q=0.9', accept: 'text/html' } };

  // Not walked: /docs (the API reference; the API speaks English) and the dev-mode pages /demo and /dev/outbox.
  it.each(['/console/sign-in', '/p/demo/versions'])('%s', async (path) => {
    const res = await h.app.request(path, fr);
    expect(res.status, path).toBe(200);
    expect(typographyProblems(visibleText(await res.text())), path).toEqual([]);
  });
});
