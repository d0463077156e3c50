// Errors for a French reader: every kind of zod message and each of our rules' messages comes out in French with
// French typography; the API answers French problem+json only when Accept-Language prefers French (code, type and
// paths unchanged); a French console form refused shows French messages by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { frenchMessage, frenchProblem } from '../../worker/http/problems-fr.ts';
import { json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { typographyProblems, visibleText } from '../policy/french-typography.ts';
import { cookieHeader, frenchConsoleJar } from '../console/french-walk.ts';
import { csrfOf, postForm } from '../console/helpers.ts';

/** Words that only an untranslated English message would hold. */
const ENGLISH =
  /\b(?:expected|received|invalid|input|option|too|small|big|characters|items|must|required|missing|unknown|key|least|most|remove|state|purpose|the|for)\b/i;

const french = (message: string) => {
  const out = frenchMessage(message);
  expect(out, message).not.toMatch(ENGLISH);
  expect(typographyProblems(out), out).toEqual([]);
  return out;
};

describe('field messages in French', () => {
  it('every kind of message zod writes', () => {
    const s = z.strictObject({
      a: z.string().min(1).max(5),
      b: z.email(),
      c: z.enum(['x', 'y']),
      d: z.number().int().min(1).max(9),
      e: z.url(),
      f: z.array(z.string()).min(2).max(3),
      g: z.string().regex(/^a$/),
      h: z.boolean(),
      i: z.literal(true),
      j: z.union([z.string(), z.number()]),
      k: z.string().min(3),
    });
    const messages = [
      {},
      { a: '', b: 'x', c: 'z', d: 0.5, e: 'nope', f: [], g: 'b', h: 1, i: false, j: null, k: 'ab', extra: 1 },
      { a: 'abcdefg', d: 100, f: ['a', 'b', 'c', 'd'] },
    ].flatMap((v) => s.safeParse(v).error!.issues.map((i) => i.message));
    expect(new Set(messages).size).toBeGreaterThanOrEqual(15);
    const out = messages.map(french);
    expect(out).toContain('Obligatoire.');
    expect(out).toContain('Au plus 5\u00a0caractères.');
    expect(out).toContain('Choisissez parmi\u00a0: «\u00a0x\u00a0», «\u00a0y\u00a0».');
    expect(out).toContain('Champ inconnu\u00a0: «\u00a0extra\u00a0».');
  });

  it('our rules’ own messages', () => {
    for (const message of [
      'Unknown key: remove it or check its spelling.',
      'Unknown query parameter: remove it or check its spelling.',
      'Not a purpose of the published policy (version 2): use one of sms-marketing, similar-products.',
      'No policy is published yet, so no purpose is declared.',
      'Unknown country code: use an ISO 3166 alpha-2 code such as "FR".',
      'A phone number never goes in a URL: send it in the body of POST /v1/sites/demo/subscribers/lookup.',
      'Missing text for locale "fr".',
      'Missing the "fr" text: write it in this language, or readers of the fr policy get another language.',
      'Required: name the data protection authority for country FR.',
      'Required: a purpose uses the legal basis "legitimate_interests"; say which interests.',
      'This looks like a placeholder (TODO): state the real fact.',
      'State a period with its unit (for example “30 jours”, “5 years”).',
      '“as long as needed” is a circular criterion: state a period (for example “3 ans”, “30 days”) or an event that ends it.',
      'The SMS provider in use (Twilio) receives every number: list it as a recipient with role "processor".',
      'No section covers art13-2a.',
      'defaultLocale must be one of locales.',
      'No marketing SMS on Sundays in France (af2m code of conduct: working days only); set null.',
      'A French SMS short code is five digits (e.g. "36111").',
      'A marketing SMS to French numbers needs a short code to receive STOP (a sender name cannot): set program.shortCode (e.g. "36111").',
      'Marketing cannot be sent with this configuration: program.shortCode.',
      'The fr policy does not answer: art13-1a, art13-2a.',
      'At most 400 dates.',
      'Not valid JSON.',
      'Nested deeper than 32 levels.',
    ])
      french(message);
  });

  it('a problem keeps its code, type and paths, and only its words change', () => {
    const problem = {
      type: 'https://assent.dev/problems/validation-failed',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Invalid value for: phone.',
      code: 'validation_failed',
      errors: [{ path: 'phone', message: 'Invalid input: expected string, received number' }],
    };
    const out = frenchProblem(problem, 'validation_failed');
    expect(out).toMatchObject({
      type: problem.type,
      status: 422,
      code: 'validation_failed',
      title: 'Contenu invalide',
    });
    expect(out.errors).toEqual([{ path: 'phone', message: 'Attendu\u00a0: du texte (reçu\u00a0: un nombre).' }]);
    expect(typographyProblems(`${out.title} ${out.detail}`)).toEqual([]);
  });
});

describe('French problems over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => h.close());

  it('the API answers in French when Accept-Language prefers French, in English otherwise', async () => {
    const shown = await widgetFor(h);
    const body = { phone: 612345678, choice: 'yes', ...shown };
    const en = await h.app.request('/v1/sites/demo/consents', json(body));
    const fr = await h.app.request(
      '/v1/sites/demo/consents',
      json(body, { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' }),
    );
    expect(en.status).toBe(422);
    expect(fr.status).toBe(422);
    const [e, f] = [(await en.json()) as any, (await fr.json()) as any];
    expect(e.title).toBe('Unprocessable Content');
    expect(f.title).toBe('Contenu invalide');
    expect(f.code).toBe(e.code);
    expect(f.errors.map((x: any) => x.path)).toEqual(e.errors.map((x: any) => x.path));
    expect(JSON.stringify(f)).not.toMatch(/expected|received/);
    expect(fr.headers.get('vary')).toMatch(/Accept-Language/i);
  });

  it('a French console form refused names each field in French', async () => {
    const jar = await frenchConsoleJar(h, h.demoKey);
    const page = await h.app.request('/console/configuration', { headers: { cookie: cookieHeader(jar) } });
    const csrf = csrfOf(await page.text());
    const res = await postForm(
      h,
      '/console/configuration/general',
      { csrf, name: '', defaultLocale: 'fr', defaultCountry: 'FR', 'locale.fr': 'on', timezone: 'Europe/Paris' },
      jar,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    const alert = /<div role="alert"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(alert).toContain('<code>name</code>');
    expect(visibleText(alert)).not.toMatch(ENGLISH);
    expect(typographyProblems(visibleText(alert))).toEqual([]);
  });

  it('a console POST refused for its role is French problem+json in a French console', async () => {
    const jar = await frenchConsoleJar(h, h.demoKey);
    const res = await postForm(h, '/console/settings/origins', { csrf: 'wrong', origins: 'https://x.example' }, jar);
    expect(res.status).toBe(403);
    const problem = (await res.json()) as any;
    expect(problem.code).toBe('csrf_refused');
    expect(problem.title).toBe('Accès refusé');
    expect(problem.errors[0]).toEqual({ path: 'csrf', message: 'Jeton de formulaire absent ou erroné.' });
  });
});
