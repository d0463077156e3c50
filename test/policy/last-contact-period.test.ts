// The published policy states the period the jobs enforce (the site's `retention.lastContactDays`), not the
// three-year ceiling: a site that erases after one year must not tell its subscribers "three years" (GDPR Art. 13(2)(a)).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { periodInWords } from '../../worker/policy/render.ts';
import { json, makeHarness, type Harness } from '../harness.ts';
import { auth, updateDemo } from '../sms/fixtures.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

async function publishWith(days: number) {
  await updateDemo(h, (config) => {
    (config.retention as Record<string, number>).lastContactDays = days;
  });
  const published = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Retention.' }, auth(h)));
  expect(published.status, await published.clone().text()).toBe(201);
}

const policy = async (locale: string) => (await h.app.request(`/p/demo?format=md&locale=${locale}`)).text();

describe('the policy states the configured last-contact period', () => {
  it('one year configured: one year stated, in both languages, and never three years', async () => {
    await publishWith(365);
    const fr = await policy('fr');
    expect(fr).toContain('nous l’effaçons au plus tard un an après votre dernier contact');
    expect(fr).not.toContain('trois ans après votre dernier contact');
    const en = await policy('en');
    expect(en).toContain('we delete it at the latest one year after your last contact');
    expect(en).not.toContain('three years after your last contact');
  });

  it('a period in days is stated in days', async () => {
    await publishWith(180);
    expect(await policy('fr')).toContain('au plus tard 180 jours après votre dernier contact');
    expect(await policy('en')).toContain('at the latest 180 days after your last contact');
  });

  it('the default (three years) says three years', async () => {
    expect(await policy('fr')).toContain('au plus tard trois ans après votre dernier contact');
    expect(await policy('en')).toContain('at the latest three years after your last contact');
  });

  it('only a button pressed counts as a click in the text, as the clock does', async () => {
    expect(await policy('en')).toContain('(a reply, a button you press on a page we texted you)');
    expect(await policy('en')).not.toContain('a click on one of our links');
  });

  it('words for whole years, days otherwise', () => {
    expect([365, 730, 1095].map((d) => periodInWords(d, 'fr'))).toEqual(['un an', 'deux ans', 'trois ans']);
    expect([1, 30, 400].map((d) => periodInWords(d, 'en'))).toEqual(['1 day', '30 days', '400 days']);
  });
});
