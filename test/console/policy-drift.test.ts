// The console says when the live policy no longer matches the facts, shows what a publish would change, and
// publishes with one action; a missing translation is a refusal naming it, in the console as in the API.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const config = async () =>
  ((await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as { config: Record<string, any> }).config;

it('a new frequency makes the live policy out of date; the diff shows it; one action publishes version 2', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  expect(await (await owner.get('/console/policy')).text()).toContain(
    'The published policy (version 1) matches your facts.',
  );
  const cfg = await config();
  const program = {
    'program.name': cfg.program.name,
    'program.helpContact': cfg.program.helpContact,
    'program.description.fr': cfg.program.description.fr,
    'program.description.en': cfg.program.description.en,
    'program.frequency.fr': '2 SMS par mois au plus',
    'program.frequency.en': 'up to 2 texts a month',
  };
  expect((await owner.post('/console/configuration/program', program)).status).toBe(303);
  for (const path of ['/console/policy', '/console/configuration']) {
    const html = await (await owner.get(path)).text();
    expect(html).toContain('The published policy (version 1) no longer matches your facts.');
    expect(html).toContain('<del>4 </del><ins>2 </ins>');
    expect(html).toContain('value="Facts updated: program."');
  }
  const published = await owner.post('/console/policy/publish-current', { summary: 'Fewer texts.' });
  expect(published.status).toBe(303);
  expect(published.headers.get('location')).toBe('/console/policy?published=2');
  expect(await (await h.app.request('/p/demo/2?format=md&locale=en')).text()).toContain('up to 2 texts a month');
  expect(await (await owner.get('/console/configuration')).text()).toContain(
    'The published policy (version 2) matches your facts.',
  );
});

it('a French text left out: the console says publishing is impossible, naming it, and the action is refused', async () => {
  h = await makeHarness();
  const owner = await signIn(h);
  const cfg = await config();
  cfg.policy.retention.prospects = { en: 'until you reply STOP, then 30 days' };
  expect((await h.app.request('/v1/sites/demo', { ...json(cfg, auth), method: 'PUT' })).status).toBe(200);
  const page = await (await owner.get('/console/policy')).text();
  expect(page).toContain('A new version cannot be published yet:');
  expect(page).toContain('<code>policy.retention.prospects.fr</code>');
  const refused = await owner.post('/console/policy/publish-current', { summary: 'Shorter.' });
  expect(refused.status).toBe(422);
  expect(await refused.text()).toContain('<code>policy.retention.prospects.fr</code>');
  const versions = (await (await h.app.request('/p/demo/versions')).json()) as { versions: unknown[] };
  expect(versions.versions).toHaveLength(1);
});

it('a policy published with an older template: the console says the wording improved, shows it, and publishes it', async () => {
  h = await makeHarness();
  const { policyTemplates } = await import('../../worker/generated/policy-templates.ts');
  const { publishPolicy } = await import('../../worker/domain/policies/publish.ts');
  const { loadSite } = await import('../../worker/domain/site/sites.ts');
  const site = await loadSite(h.ctx, 'demo');
  await publishPolicy(h.ctx, site, { summary: 'As first written.', templates: policyTemplates, templateVersion: '1' });
  const owner = await signIn(h);
  const html = await (await owner.get('/console/policy')).text();
  expect(html).toContain('The published policy (version 2) no longer matches your facts.');
  expect(html).toContain(
    'The wording of our policy templates was improved since this version was published (template 2)',
  );
  expect(html).toContain('value="Wording updated (template 2)."');
  expect(html).toMatch(/<del>[^<]*profil/); // the template 1 sentence no owner declared, gone in template 2
  expect((await owner.post('/console/policy/publish-current', { summary: 'Wording updated.' })).status).toBe(303);
  expect(await (await owner.get('/console/policy')).text()).toContain(
    'The published policy (version 3) matches your facts.',
  );
});
