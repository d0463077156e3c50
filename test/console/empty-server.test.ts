// A server with no site at all: the platform admin signs in to the console and lands on site creation, the one page
// such a session opens; every other page sends it there, a POST elsewhere is a 409 naming the missing site; once the
// site is created the whole console opens on it and the creation is in its audit trail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@libsql/client';
import { createApp } from '../../worker/app.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import type { Store } from '../../worker/db/client.ts';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { cookiesOf, csrfOf } from './helpers.ts';

let h: Harness;
let store: Store;
let app: ReturnType<typeof createApp>;
const jar: Record<string, string> = {};
const cookie = () =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
const get = async (path: string) => {
  const res = await app.request(path, { headers: { cookie: cookie() } });
  Object.assign(jar, cookiesOf(res));
  return res;
};
const post = async (path: string, fields: Record<string, string>) => {
  const res = await app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookie(),
      origin: 'http://localhost',
      'sec-fetch-site': 'same-origin',
    },
    body: new URLSearchParams(fields).toString(),
  });
  Object.assign(jar, cookiesOf(res));
  return res;
};

beforeEach(async () => {
  h = await makeHarness();
  store = libsqlStore(createClient({ url: ':memory:' }));
  await migrate(store, migrations);
  app = createApp({ ...h.deps, store });
  for (const k of Object.keys(jar)) delete jar[k];
});
afterEach(async () => {
  await store.close();
  await h.close();
});

async function adminSignIn(key = ADMIN_TOKEN) {
  const csrf = csrfOf(await (await get('/console/sign-in')).text());
  return post('/console/sign-in', { csrf, key });
}

describe('the platform admin on an empty server', () => {
  it('signs in and reaches site creation; nothing else opens until a site exists', async () => {
    expect(await store.queryColumn('SELECT count(*) FROM sites')).toEqual([0]);
    const res = await adminSignIn();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sites/new');
    expect(await store.queryColumn('SELECT count(*) FROM console_sessions')).toEqual([1]);

    for (const path of ['/console', '/console/policy', '/console/settings', '/console/people']) {
      const page = await get(path);
      expect(page.status, path).toBe(303);
      expect(page.headers.get('location'), path).toBe('/console/sites/new');
    }
    const form = await get('/console/sites/new');
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('action="/console/sites/new"');
    // No navigation to pages that need a site.
    expect(html).not.toContain('href="/console/policy"');
    const csrf = csrfOf(html);

    const elsewhere = await post('/console/settings/origins', { csrf, origins: 'https://shop.example' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.headers.get('content-type')).toContain('application/problem+json');
    expect(((await elsewhere.json()) as { code: string }).code).toBe('no_site_yet');

    const created = await post('/console/sites/new', {
      csrf,
      id: 'boutique',
      name: 'Boutique Lumière',
      'locale.fr': 'on',
      'locale.en': 'on',
      defaultLocale: 'fr',
      defaultCountry: 'fr',
      timezone: 'Europe/Paris',
      'program.name': 'Offres Lumière',
      'program.helpContact': 'aide@lumiere.example',
      'program.description.fr': 'Nos offres et nouveautés.',
      'program.description.en': 'Our offers and news.',
      'program.frequency.fr': 'Deux SMS par mois au plus.',
      'program.frequency.en': 'Two texts a month at most.',
    });
    expect(created.status).toBe(201);
    expect(await created.text()).toMatch(/<code id="new-key">ask_[A-Za-z0-9_-]+<\/code>/);
    expect(await store.queryColumn('SELECT id FROM sites')).toEqual(['boutique']);

    const overview = await get('/console');
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain('<option value="boutique" selected>');
    expect(await store.queryColumn("SELECT action FROM console_audit WHERE site_id = 'boutique'")).toEqual([
      'POST /console/sites/new',
    ]);
  });

  it('a wrong token still opens nothing, and signing out of a siteless session works', async () => {
    expect((await adminSignIn('not-the-token')).status).toBe(401);
    expect(await store.queryColumn('SELECT count(*) FROM console_sessions')).toEqual([0]);
    await adminSignIn();
    const csrf = csrfOf(await (await get('/console/sites/new')).text());
    const out = await post('/console/sign-out', { csrf });
    expect(out.status).toBe(303);
    expect(await store.queryColumn('SELECT count(*) FROM console_sessions')).toEqual([0]);
    expect((await get('/console/sites/new')).headers.get('location')).toBe('/console/sign-in');
  });

  it('preselects the console’s language as the new site’s default language (French for a French owner)', async () => {
    const selected = async () =>
      /<select id="new-default-locale"[^>]*>[\s\S]*?<option value="(\w+)" selected/.exec(
        await (await get('/console/sites/new')).text(),
      )?.[1];
    jar['assent-console-lang'] = 'fr';
    await adminSignIn();
    expect(await selected()).toBe('fr');
    jar['assent-console-lang'] = 'en';
    expect(await selected()).toBe('en');
  });
});
