// Site settings in the console: every part of the configuration saved by form through the PUT rules; a refused form
// comes back with what was typed and the error by field in the console's language; the platform admin creates a site.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const fr = (client: { cookie: string }) => ({ cookie: `${client.cookie}; assent-console-lang=fr` });
const config = async (site = 'demo') =>
  ((await (await h.app.request(`/v1/sites/${site}`, { headers: auth })).json()) as { config: Record<string, any> })
    .config;

const general = {
  name: 'Boutique Lune',
  'locale.fr': 'on',
  'locale.en': 'on',
  defaultLocale: 'fr',
  defaultCountry: 'be',
  allowedCountries: 'BE, FR',
  timezone: 'Europe/Brussels',
};

it('saves name, languages, country, allowed countries and time zone; the name shows in the header and the policy', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const res = await owner.post('/console/configuration/general', general);
  expect(res.status).toBe(303);
  const cfg = await config();
  expect(cfg).toMatchObject({
    name: 'Boutique Lune',
    locales: ['fr', 'en'],
    defaultLocale: 'fr',
    defaultCountry: 'BE',
    allowedCountries: ['BE', 'FR'],
    timezone: 'Europe/Brussels',
  });
  expect(await (await owner.get('/console')).text()).toContain('<strong>Boutique Lune</strong>');
  expect(await (await h.app.request('/p/demo/1?locale=fr')).text()).toContain('Boutique Lune');
});

it('a refused form keeps every value typed and names the field in French', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const before = await config();
  const res = await owner.post('/console/configuration/general', { ...general, timezone: 'Mars/Olympus' }, fr(owner));
  expect(res.status).toBe(422);
  const html = await res.text();
  expect(html).toContain('<code>timezone</code>\u00a0: Choisissez un fuseau de la liste, comme Europe/Paris.');
  expect(html).toContain('value="Mars/Olympus"');
  expect(html).toContain('value="Boutique Lune"');
  expect(html).toContain('value="BE, FR"');
  expect((await config()).name).toBe(before.name);
});

it('a language removed is refused as default, and one left unchecked leaves the site with the others', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const { 'locale.fr': _fr, ...enOnly } = general;
  const refused = await owner.post('/console/configuration/general', enOnly);
  expect(refused.status).toBe(422);
  expect(await refused.text()).toContain('<code>defaultLocale</code>');
  const saved = await owner.post('/console/configuration/general', { ...enOnly, defaultLocale: 'en' });
  expect(saved.status).toBe(303);
  const cfg = await config();
  expect(cfg.locales).toEqual(['en']);
  expect(Object.keys(cfg.program.description)).toEqual(['en']);
});

it('saves quiet hours, limits and the theme; refuses a window that ends before it starts and a CSS injection', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const days: Record<string, string> = { holidays: 'FR' };
  for (let i = 0; i < 7; i++) Object.assign(days, { [`from.${i}`]: '09:30', [`to.${i}`]: '19:00' });
  days['closed.0'] = 'on';
  expect((await owner.post('/console/configuration/quiet-hours', days)).status).toBe(303);
  const quiet = (await config()).quietHours;
  expect(quiet.holidays).toBe('FR');
  expect(quiet.windows[0]).toBeNull();
  // A site that texts France keeps its public holidays quiet (the af2m code of conduct): the form names the field.
  const noHolidays = await owner.post('/console/configuration/quiet-hours', { ...days, holidays: 'none' });
  expect(noHolidays.status).toBe(422);
  expect(await noHolidays.text()).toContain('<code>quietHours.holidays</code>');
  expect(quiet.windows[3]).toEqual([570, 1140]);
  const backwards = await owner.post('/console/configuration/quiet-hours', { ...days, 'from.2': '20:00' });
  expect(backwards.status).toBe(422);
  expect(await backwards.text()).toContain('<code>quietHours.windows.2</code>');

  const limits = {
    'limits.perNumberPerDay': '2',
    'limits.perIpPerHour': '10',
    'limits.perSitePerDay': '500',
    pendingTtlHours: '24',
  };
  expect((await owner.post('/console/configuration/limits', limits)).status).toBe(303);
  expect(await config()).toMatchObject({
    limits: { perNumberPerDay: 2, perIpPerHour: 10, perSitePerDay: 500 },
    pendingTtlHours: 24,
  });
  const tooMany = await owner.post('/console/configuration/limits', { ...limits, 'limits.perNumberPerDay': '999' });
  expect(tooMany.status).toBe(422);
  expect(await tooMany.text()).toContain('value="999"');

  expect(
    (await owner.post('/console/configuration/theme', { 'theme.btn': '#123456', 'theme.radius': '4px' })).status,
  ).toBe(303);
  const doc = (await (await h.app.request('/v1/sites/demo/widget')).json()) as { theme: Record<string, string> };
  expect(doc.theme).toEqual({ btn: '#123456', radius: '4px' });
  const evil = await owner.post('/console/configuration/theme', { 'theme.bg': 'red;}body{display:none' });
  expect(evil.status).toBe(422);
  expect(await evil.text()).toContain('<code>widget.theme.bg</code>');
});

it('the platform admin creates a site and is switched to it; a site key cannot', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  expect((await owner.get('/console/sites/new')).status).toBe(403);
  const admin = await signIn(h, ADMIN_TOKEN);
  const form = {
    id: 'lune',
    name: 'Boutique Lune',
    'locale.fr': 'on',
    defaultLocale: 'fr',
    defaultCountry: 'FR',
    timezone: 'Europe/Paris',
    'program.name': 'Lune SMS',
    'program.helpContact': 'aide@boutique-lune.fr',
    'program.description.fr': 'nos nouveautés',
    'program.frequency.fr': 'deux SMS par mois au plus',
  };
  const missing = await admin.post('/console/sites/new', { ...form, 'program.frequency.fr': '' }, fr(admin));
  expect(missing.status).toBe(422);
  const text = await missing.text();
  expect(text).toContain('<code>program.frequency.fr</code>\u00a0: Dites à quelle fréquence, dans cette langue.');
  expect(text).toContain('value="aide@boutique-lune.fr"');
  const created = await admin.post('/console/sites/new', form);
  expect(created.status).toBe(201);
  expect(await created.text()).toMatch(/<code id="new-key">ask_[A-Za-z0-9_-]+<\/code>/);
  expect((await config('lune')).program.name).toBe('Lune SMS');
  expect(await (await admin.get('/console/configuration')).text()).toContain('value="Boutique Lune"');
  const again = await admin.post('/console/sites/new', form);
  expect(again.status).toBe(422);
});
