// The audit trail read in the console's language: each recorded action ("POST /console/…", "sign-in with …") is
// described in French for a French owner and in English otherwise, while the stored record and its exports keep the
// words recorded. Every console POST the router knows has a description in both languages (a route added later too).
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { actionName, consoleTexts } from '../../worker/console/texts.ts';
import { cookieHeader, frenchConsoleJar } from './french-walk.ts';
import { postForm, csrfOf } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

/** POSTs before a session: never audited by the console's session middleware. */
const BEFORE_SESSION = /^\/console\/(?:sign-in|lang|recovery|passkey\/|invite\/)/;

describe('audit actions in the reader’s language', () => {
  it('describes every audited console POST and every sign-in kind, in French and English', async () => {
    h = await makeHarness();
    const posts = [
      ...new Set(
        h.app.routes
          .filter((r) => r.method === 'POST' && r.path.startsWith('/console') && !BEFORE_SESSION.test(r.path))
          .map((r) => `POST ${r.path.replace(/:(\w+)/g, (_, p) => `x${p}1`)}`),
      ),
    ];
    expect(posts.length).toBeGreaterThanOrEqual(25);
    const recorded = [
      ...posts,
      'sign-in with a passkey',
      'sign-in with the recovery code',
      'sign-in with an API key',
      'sign-in with the platform admin token',
      'joined by invitation',
    ];
    const missing = recorded.flatMap((r) =>
      (['fr', 'en'] as const).filter((l) => !actionName(consoleTexts(l), r)).map((l) => `${l}: ${r}`),
    );
    expect(missing).toEqual([]);
    expect(actionName(consoleTexts('fr'), 'POST /console/campaigns/Xy_9/stop')).toBe('Arrêt d’une campagne');
    // An action this version does not know is shown as recorded, not guessed.
    expect(actionName(consoleTexts('fr'), 'POST /console/campaigns/a/b/stop')).toBeNull();
    expect(actionName(consoleTexts('fr'), 'toString')).toBeNull();
  });

  it('shows a French owner French descriptions; the exports keep the recorded words', async () => {
    h = await makeHarness();
    const jar = await frenchConsoleJar(h, h.demoKey);
    const settings = await h.app.request('/console/settings', { headers: { cookie: cookieHeader(jar) } });
    const res = await postForm(
      h,
      '/console/settings/origins',
      { csrf: csrfOf(await settings.text()), origins: 'https://shop.example' },
      jar,
    );
    expect(res.status).toBe(303);
    const page = await (await h.app.request('/console/audit', { headers: { cookie: cookieHeader(jar) } })).text();
    const table = page.slice(page.indexOf('<table id="audit"'));
    expect(table).toContain('Modification des origines autorisées');
    expect(table).toContain('Connexion avec une clé d’API');
    expect(table).not.toMatch(/POST \/console|sign-in with/);
    const csv = await (await h.app.request('/console/audit.csv', { headers: { cookie: cookieHeader(jar) } })).text();
    expect(csv).toContain(',POST /console/settings/origins,');
    expect(csv).toContain(',sign-in with an API key,');
    expect(await h.deps.store.queryColumn('SELECT action FROM console_audit ORDER BY id')).toEqual([
      'sign-in with an API key',
      'POST /console/settings/origins',
    ]);
  });
});
