// The hosted form (POST /s/{site}) accepts only posts from its own page: another site's form — including one in a
// sandboxed iframe or on a no-referrer page, which sends `Origin: null` — never makes us text a number.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signFormToken } from '../../worker/crypto/form-token.ts';
import { FORM_TOKEN_TTL_MS } from '../../worker/routes/hosted-form-guard.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

/** The token the page rendered into its form, read as a browser would find it. */
async function renderedToken(site = 'demo'): Promise<string> {
  const html = await (await h.app.request(`/s/${site}?locale=fr`)).text();
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const token = /<input type="hidden" name="formToken" value="([^"]+)">/.exec(form)?.[1];
  expect(token, 'the token sits inside the form').toBeTruthy();
  return token!;
}

async function post(headers: Record<string, string>, extra: Record<string, string> = {}) {
  const w = await widgetFor(h);
  const body = new URLSearchParams({ phone: '06 12 34 56 78', choice: 'yes', locale: w.locale, textSha256: w.textSha256, policyVersion: String(w.policyVersion), country: 'FR', ...extra });
  return h.app.request('/s/demo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
}

async function expectRefused(res: Response, field: string) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { code: string; errors: { path: string }[] };
  expect(problem.code).toBe('cross_site_form');
  expect(problem.errors[0]!.path).toBe(field);
  await h.flush();
  expect(h.outbox.list()).toEqual([]); // nothing was sent
  expect(await h.ctx.store.queryColumn('SELECT count(*) FROM consents')).toEqual([0]);
}

describe('refused: posts that did not come from our page', () => {
  it('Origin: null without fetch metadata or token (sandboxed iframe, no-referrer page, older browser)', async () => {
    await expectRefused(await post({ origin: 'null' }), 'formToken');
  });

  it('Origin: null with Sec-Fetch-Site cross-site, even carrying a token fetched from our page', async () => {
    const token = await renderedToken();
    await expectRefused(await post({ origin: 'null', 'sec-fetch-site': 'cross-site' }, { formToken: token }), 'Sec-Fetch-Site');
  });

  it('same-site (a sibling subdomain) and none are not same-origin', async () => {
    await expectRefused(await post({ 'sec-fetch-site': 'same-site' }), 'Sec-Fetch-Site');
    await expectRefused(await post({ 'sec-fetch-site': 'none' }), 'Sec-Fetch-Site');
  });

  it('another origin, whatever else it says', async () => {
    await expectRefused(await post({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, { formToken: await renderedToken() }), 'Origin');
  });

  it('no fetch metadata and a token that is missing, tampered, expired, for another site or under another key', async () => {
    const token = await renderedToken();
    await expectRefused(await post({}), 'formToken');
    await expectRefused(await post({}, { formToken: `${token.slice(0, -2)}AA` }), 'formToken');
    await expectRefused(await post({}, { formToken: token.replace(/^\d+/, (t) => String(Number(t) + 1)) }), 'formToken');
    await expectRefused(await post({}, { formToken: await signFormToken(h.deps.keys.seed, 'other-site', h.now(), FORM_TOKEN_TTL_MS) }), 'formToken');
    await expectRefused(await post({}, { formToken: await signFormToken(new Uint8Array(32).fill(9), 'demo', h.now(), FORM_TOKEN_TTL_MS) }), 'formToken');
    // A token dated far ahead (minted by someone holding a key) is not accepted either.
    await expectRefused(await post({}, { formToken: token.replace(/^\d+/, String(h.now() + 10 * FORM_TOKEN_TTL_MS)) }), 'formToken');
    h.advance(FORM_TOKEN_TTL_MS + 1);
    await expectRefused(await post({}, { formToken: token }), 'formToken');
  });
});

describe('accepted: our own page', () => {
  it('a modern browser on our no-referrer page: Origin null, Sec-Fetch-Site same-origin', async () => {
    const res = await post({ origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('+33 6 •• •• •• 78');
  });

  it('a browser without fetch metadata returns the token rendered into the page', async () => {
    const res = await post({ origin: 'null' }, { formToken: await renderedToken() });
    expect(res.status).toBe(202);
    await h.flush();
    expect(h.outbox.list().map((m) => m.to)).toEqual(['+33612345678']);
  });

  it('a browser naming our own origin', async () => {
    expect((await post({ origin: 'https://assent.test' })).status).toBe(202);
  });
});
