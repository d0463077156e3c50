// One negotiator for every route: Accept and Accept-Language are read by q-value, languages by primary subtag.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHarness, pendingConsent, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const get = (path: string, headers: Record<string, string>) => h.app.request(path, { headers });

describe('content negotiation', () => {
  it('a policy asked with Markdown at a low q and HTML first is HTML; Markdown preferred is Markdown', async () => {
    const html = await get('/p/demo/1?locale=en', { accept: 'text/markdown;q=0.1, text/html' });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const md = await get('/p/demo/1?locale=en', { accept: 'text/html;q=0.5, text/markdown' });
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await md.text()).not.toContain('<html');
  });

  it('a proof is JSON for a client that ranks JSON above HTML, HTML for a browser', async () => {
    const id = await pendingConsent(h);
    const client = await get(`/proofs/${id}`, { accept: 'application/json, text/html;q=0.5' });
    expect(client.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await client.json()) as { receipt: { consentId: string } }).receipt.consentId).toBe(id);
    const browser = await get(`/proofs/${id}`, {
      accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
    });
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('a proof asked in a format it does not have is a 422 naming format, as a policy is, not HTML', async () => {
    const id = await pendingConsent(h);
    for (const path of [`/proofs/${id}?format=xml`, '/p/demo/1?format=xml']) {
      const res = await get(path, {});
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['format']);
    }
    expect((await get(`/proofs/${id}?format=html`, {})).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('an unknown link page speaks the first language the visitor accepts that the pages have (de, then fr → fr)', async () => {
    const res = await get(`/c/${'x'.repeat(43)}`, { 'accept-language': 'de-DE, fr-CA;q=0.8, en;q=0.5' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<html lang="fr"');
    const english = await get(`/c/${'x'.repeat(43)}`, { 'accept-language': 'fr;q=0, en-GB' });
    expect(await english.text()).toContain('<html lang="en"');
  });

  it('the console sign-in page follows Accept-Language by primary subtag and q (en-US;q=0.3, fr-BE → French)', async () => {
    const res = await get('/console/sign-in', { 'accept-language': 'en-US;q=0.3, fr-BE' });
    expect(await res.text()).toContain('lang="fr"');
  });
});
