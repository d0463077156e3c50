// Finding 1 of the third hardening round: "Yes" and "No" are equal choices on every write path, not only in the
// console. An API caller (a site key) tries to store a long, shouting "yes" beside a terse "no"; a row stored before
// the rule held is served; the widget must never show unequal labels.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetSite } from '../../worker/domain/site/sites.ts';
import en from '../../templates/widget/en.json' with { type: 'json' };
import { json, makeHarness, type Harness } from '../harness.ts';
import { signIn } from '../console/helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const LONG_YES = 'Yes please, send me every offer, deal and surprise';
const auth = () => ({ authorization: `Bearer ${h.demoKey}` });
const put = (body: unknown) => h.app.request('/v1/sites/demo', { ...json(body, auth()), method: 'PUT' });
async function storedConfig() {
  const res = await h.app.request('/v1/sites/demo', { headers: auth() });
  return ((await res.json()) as { config: Record<string, unknown> }).config;
}
const withTexts = (config: Record<string, unknown>, texts: Record<string, Record<string, string>>) => ({
  ...config,
  widget: { texts },
});
async function served(locale = 'en') {
  const res = await h.app.request(`/v1/sites/demo/widget?locale=${locale}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { texts: { yes: string; no: string } }).texts;
}
type Problem = { status: number; code: string; errors: { path: string; message: string }[] };

describe('PUT /v1/sites/{site}: the equal-choice rule holds for the API as for the console', () => {
  it('refuses a 50-character "yes" beside "No" with a 422 naming the field, and the widget keeps equal labels', async () => {
    const config = await storedConfig();
    const res = await put(withTexts(config, { en: { yes: LONG_YES, no: 'No' } }));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path)).toContain('widget.texts.en.yes');
    expect((await served()).yes).toBe(en.yes);
  });

  it("names the field under config when GET's {id, config} shape comes back, and on site creation too", async () => {
    const config = await storedConfig();
    const res = await put({ id: 'demo', config: withTexts(config, { en: { no: 'No', yes: LONG_YES } }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors.map((e) => e.path)).toContain('config.widget.texts.en.yes');

    const created = await h.app.request(
      '/v1/sites',
      json(
        {
          id: 'tilted',
          config: withTexts({ ...config, allowedOrigins: [] }, { fr: { yes: 'OUI !!! 🎉', no: 'non' } }),
        },
        { authorization: `Bearer ${(await import('../harness.ts')).ADMIN_TOKEN}` },
      ),
    );
    expect(created.status).toBe(422);
    expect(((await created.json()) as Problem).errors.map((e) => e.path)).toContain('config.widget.texts.fr.yes');
  });

  it('measures an override against the label it stands beside: a long "no" next to the default "yes" is refused too', async () => {
    const res = await put(
      withTexts(await storedConfig(), { en: { no: 'No thank you, I would rather not receive anything at all ever' } }),
    );
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors.map((e) => e.path)).toContain('widget.texts.en.no');
  });

  it('refuses the same words in another style: one in capitals, or with an emoji', async () => {
    const config = await storedConfig();
    for (const [yes, no] of [
      ['YES, TEXT ME', 'No, thanks'],
      ['Yes, text me 🎉', 'No, thanks'],
    ]) {
      const res = await put(withTexts(config, { en: { yes: yes!, no: no! } }));
      expect(res.status, `${yes} / ${no}`).toBe(422);
    }
    // Comparable labels in the same style are accepted and served.
    const ok = await put(withTexts(config, { en: { yes: 'Yes, please', no: 'No, thanks' } }));
    expect(ok.status).toBe(200);
    expect(await served()).toMatchObject({ yes: 'Yes, please', no: 'No, thanks' });
  });
});

describe('the console and stored rows', () => {
  it('the console refuses the same labels', async () => {
    const client = await signIn(h);
    const res = await client.post('/console/widget', { 't.en.yes': LONG_YES, 't.en.no': 'No' });
    expect(res.status).toBe(422);
    expect((await served()).yes).toBe(en.yes);
  });

  it('a row stored before the rule held is served with the default labels, never unequal ones', async () => {
    const row = (await h.ctx.sites.get('demo'))!;
    const config = JSON.parse(row.config) as Record<string, unknown>;
    const tilted = JSON.stringify(withTexts(config, { en: { yes: LONG_YES, no: 'No', intro: 'Our offers by SMS?' } }));
    expect(await h.ctx.sites.replaceConfigIf('demo', row.config, tilted)).toBe(true);
    forgetSite(h.ctx, 'demo');
    const texts = await served();
    expect(texts).toMatchObject({ yes: en.yes, no: en.no });
    expect((texts as unknown as { intro: string }).intro).toBe('Our offers by SMS?'); // the other overrides still hold
    // The hosted page shows the same equal labels.
    const page = await (await h.app.request('/s/demo?locale=en')).text();
    expect(page).not.toContain(LONG_YES);
  });
});
