// The widget document's language: ?locale= (data-locale) if the site offers it, else the visitor's languages by
// preference (Accept-Language q-values, listed order on a tie, q=0 refused), else the site's default (demo: fr).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => h.close());

const localeOf = async (query: string, acceptLanguage?: string) => {
  const res = await h.app.request(
    `/v1/sites/demo/widget${query}`,
    acceptLanguage ? { headers: { 'accept-language': acceptLanguage } } : {},
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { locale: string }).locale;
};

describe('widget document locale', () => {
  it.each([
    ['', 'en', 'en'],
    ['', 'en-GB,en;q=0.9', 'en'],
    ['', 'de-DE, en;q=0.8, fr;q=0.9', 'fr'],
    ['', 'de-DE, fr;q=0.5, en;q=0.5', 'fr'],
    ['', 'en;q=0, fr;q=0.1', 'fr'],
    ['', 'en;q=0', 'fr'],
    ['', 'de, it', 'fr'],
    ['', undefined, 'fr'],
    ['?locale=', 'en', 'en'],
    ['?locale=en', 'fr', 'en'],
    ['?locale=en-US', 'fr', 'en'],
    ['?locale=de', 'en', 'en'],
  ])('query %j with Accept-Language %j → %s', async (query, acceptLanguage, expected) => {
    expect(await localeOf(query, acceptLanguage)).toBe(expected);
  });

  it('says so to caches: Vary names Accept-Language and Origin', async () => {
    const res = await h.app.request('/v1/sites/demo/widget', { headers: { 'accept-language': 'en' } });
    expect((res.headers.get('vary') ?? '').toLowerCase()).toMatch(/accept-language/);
    expect((res.headers.get('vary') ?? '').toLowerCase()).toMatch(/origin/);
  });
});
