// The hosted form (POST /s/{site}) accepts only posts from its own page: another site's form — including one in a
// sandboxed iframe or on a no-referrer page, which sends `Origin: null` — never makes us text a number.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signFormToken } from '../../worker/crypto/form-token.ts';
import { FORM_TOKEN_TTL_MS } from '../../worker/http/hosted-form-guard.ts';
import { launchBrowser } from '../browser/harness.ts';
import { makeHarness, widgetFor, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

/** What a browser keeps from our page: the token rendered into its form and the nonce cookie it is bound to. */
async function renderedForm(cookie?: string): Promise<{ token: string; cookie: string }> {
  const res = await h.app.request('/s/demo?locale=fr', cookie ? { headers: { cookie } } : {});
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/.exec(await res.text())?.[1] ?? '';
  const token = /<input type="hidden" name="formToken" value="([^"]+)">/.exec(form)?.[1];
  expect(token, 'the token sits inside the form').toBeTruthy();
  const set = res.headers.get('set-cookie') ?? '';
  expect(set).toMatch(/^assent_form=[A-Za-z0-9_-]{22}; Max-Age=7200; Path=\/s\/; HttpOnly; SameSite=Strict$/);
  return { token: token!, cookie: set.split(';')[0]! };
}
const renderedToken = async () => (await renderedForm()).token;

async function post(headers: Record<string, string>, extra: Record<string, string> = {}) {
  const w = await widgetFor(h);
  const body = new URLSearchParams({
    phone: '06 12 34 56 78',
    choice: 'yes',
    locale: w.locale,
    textSha256: w.textSha256,
    policyVersion: String(w.policyVersion),
    country: 'FR',
    ...extra,
  });
  return h.app.request('/s/demo', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
}

/** Refused: a 403 page with the form again (a fresh token for a person to send it from our page), nothing sent. */
async function expectRefused(res: Response) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await res.text();
  expect(html).toMatch(/<form\b[\s\S]*name="formToken" value="\d+\.[A-Za-z0-9_-]{43}"[\s\S]*<\/form>/);
  expect(html).not.toContain('•• 78');
  await h.flush();
  expect(h.outbox.list()).toEqual([]); // nothing was sent
  expect(await h.ctx.store.queryColumn('SELECT count(*) FROM consents')).toEqual([0]);
}

describe('refused: posts that did not come from our page', () => {
  it('Origin: null without fetch metadata or token (sandboxed iframe, no-referrer page, older browser)', async () => {
    await expectRefused(await post({ origin: 'null' }));
  });

  it('Origin: null with Sec-Fetch-Site cross-site, even carrying a token fetched from our page', async () => {
    const token = await renderedToken();
    await expectRefused(await post({ origin: 'null', 'sec-fetch-site': 'cross-site' }, { formToken: token }));
  });

  it('same-site (a sibling subdomain) and none are not same-origin', async () => {
    await expectRefused(await post({ 'sec-fetch-site': 'same-site' }));
    await expectRefused(await post({ 'sec-fetch-site': 'none' }));
  });

  it('another origin, whatever else it says', async () => {
    await expectRefused(
      await post(
        { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
        { formToken: await renderedToken() },
      ),
    );
  });

  // hono/csrf (under http/csrf.ts) checks only the bodies a foreign page can send without a preflight and lets any
  // other type through; our guard does not take that pass as ours, so the token is still asked for.
  it('a body typed as JSON, which hono/csrf lets through unchecked: no metadata and no token is still refused', async () => {
    const w = await widgetFor(h);
    const body = new URLSearchParams({ phone: '06 12 34 56 78', choice: 'yes', locale: w.locale, country: 'FR' });
    body.set('textSha256', w.textSha256);
    body.set('policyVersion', String(w.policyVersion));
    const bare = await h.app.request('/s/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body.toString(),
    });
    await expectRefused(bare);
    await expectRefused(await post({ 'content-type': 'application/json', origin: 'https://evil.example' }));
  });

  it('no fetch metadata and a token that is missing, tampered, expired, for another site or under another key', async () => {
    const { token, cookie } = await renderedForm();
    const nonce = cookie.split('=')[1]!;
    await expectRefused(await post({ cookie }));
    await expectRefused(await post({ cookie }, { formToken: `${token.slice(0, -2)}AA` }));
    await expectRefused(await post({ cookie }, { formToken: token.replace(/^\d+/, (t) => String(Number(t) + 1)) }));
    await expectRefused(
      await post(
        { cookie },
        { formToken: await signFormToken(h.deps.keys.seed, 'other-site', nonce, h.now(), FORM_TOKEN_TTL_MS) },
      ),
    );
    await expectRefused(
      await post(
        { cookie },
        { formToken: await signFormToken(new Uint8Array(32).fill(9), 'demo', nonce, h.now(), FORM_TOKEN_TTL_MS) },
      ),
    );
    // A token dated far ahead (minted by someone holding a key) is not accepted either.
    await expectRefused(
      await post({ cookie }, { formToken: token.replace(/^\d+/, String(h.now() + 10 * FORM_TOKEN_TTL_MS)) }),
    );
    h.advance(FORM_TOKEN_TTL_MS + 1);
    await expectRefused(await post({ cookie }, { formToken: token }));
  });

  it('a token another server fetched from our page: bound to that server’s nonce, not the visitor’s', async () => {
    const attacker = await renderedForm(); // the attacking site's server loads /s/demo and keeps the token
    const visitor = await renderedForm(); // the visitor's browser has its own nonce (or none at all)
    expect(visitor.cookie).not.toBe(attacker.cookie);
    await expectRefused(await post({ origin: 'null', cookie: visitor.cookie }, { formToken: attacker.token }));
    await expectRefused(await post({ origin: 'null' }, { formToken: attacker.token }));
  });
});

describe('accepted: our own page', () => {
  it('a modern browser on our no-referrer page: Origin null, Sec-Fetch-Site same-origin', async () => {
    const res = await post({ origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('+33 6 •• •• •• 78');
  });

  it('a browser without fetch metadata returns the token rendered into the page, with its nonce cookie', async () => {
    const { token, cookie } = await renderedForm();
    // A second tab keeps the same nonce, so the first tab's form still goes through.
    expect((await renderedForm(cookie)).cookie).toBe(cookie);
    const res = await post({ origin: 'null', cookie }, { formToken: token });
    expect(res.status).toBe(202);
    await h.flush();
    expect(h.outbox.list().map((m) => m.to)).toEqual(['+33612345678']);
  });

  it('a browser naming our own origin', async () => {
    expect((await post({ origin: 'https://assent.test' })).status).toBe(202);
  });
});

describe('ambiguous: a field sent twice', () => {
  /** Our own page's post (its origin), with the fields in the order given, repeated ones included. */
  async function postFields(fields: [string, string][]) {
    return h.app.request('/s/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://assent.test' },
      body: new URLSearchParams(fields).toString(),
    });
  }
  const withFields = async (...extra: [string, string][]): Promise<[string, string][]> => {
    const w = await widgetFor(h);
    return [
      ['locale', w.locale],
      ['textSha256', w.textSha256],
      ['policyVersion', String(w.policyVersion)],
      ['country', 'FR'],
      ...extra,
    ];
  };
  /** Refused as an invalid field is: a 422 page with the form, the field named, nothing recorded or sent. */
  async function expectInvalid(res: Response, field: string) {
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`"field":"${field}"`);
    expect(html).toMatch(/<form\b/);
    expect(html).not.toContain('•• 78');
    await h.flush();
    expect(h.outbox.list()).toEqual([]);
    expect(await h.ctx.store.queryColumn('SELECT count(*) FROM consents')).toEqual([0]);
  }

  it('choice=no then choice=yes is neither: refused naming choice, the number not opted in', async () => {
    await expectInvalid(
      await postFields(await withFields(['phone', '06 12 34 56 78'], ['choice', 'no'], ['choice', 'yes'])),
      'choice',
    );
    await expectInvalid(
      await postFields(await withFields(['phone', '06 12 34 56 78'], ['choice', 'yes'], ['choice', 'yes'])),
      'choice',
    );
  });

  it('any other single-valued field sent twice is refused naming it', async () => {
    await expectInvalid(
      await postFields(await withFields(['phone', '06 12 34 56 78'], ['phone', '07 81 22 33 44'], ['choice', 'yes'])),
      'phone',
    );
    await expectInvalid(
      await postFields(await withFields(['phone', '06 12 34 56 78'], ['choice', 'yes'], ['country', 'BE'])),
      'country',
    );
    // Once each, the same post goes through.
    const once = await postFields(await withFields(['phone', '06 12 34 56 78'], ['choice', 'yes']));
    expect(once.status).toBe(202);
  });
});

describe('in Chromium: another site’s sandboxed iframe posting our form', () => {
  it('sends Origin: null and Sec-Fetch-Site: cross-site, and is refused; nothing is texted', async () => {
    const browser = await launchBrowser();
    if (!browser) return; // no Chromium here (ASSENT_REQUIRE_BROWSER=1 makes that an error)
    const seen: { status: number; origin: string | null; fetchSite: string | null }[] = [];
    let app!: Harness;
    const api = serve({
      fetch: async (req) => {
        const res = await app.app.fetch(req);
        if (req.method === 'POST')
          seen.push({
            status: res.status,
            origin: req.headers.get('origin'),
            fetchSite: req.headers.get('sec-fetch-site'),
          });
        return res;
      },
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => api.once('listening', () => resolve()));
    const apiOrigin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    app = await makeHarness({ publicUrl: apiOrigin });
    const w = await widgetFor(app);
    const token = (/name="formToken" value="([^"]+)"/.exec(await (await app.app.request('/s/demo')).text()) ?? [])[1]!;
    const fields = {
      phone: '06 12 34 56 78',
      choice: 'yes',
      locale: w.locale,
      textSha256: w.textSha256,
      policyVersion: String(w.policyVersion),
      country: 'FR',
      formToken: token,
    };
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input name="${k}" value="${v}">`)
      .join('');
    const inner = `<form method="post" action="${apiOrigin}/s/demo">${inputs}</form><script>document.forms[0].submit()</script>`;
    const attacker = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><iframe sandbox="allow-forms allow-scripts" srcdoc="${inner.replace(/"/g, '&quot;')}"></iframe>`,
        );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(1);
      expect(seen[0]).toEqual({ status: 403, origin: 'null', fetchSite: 'cross-site' });
      await app.flush();
      expect(app.outbox.list()).toEqual([]);
    } finally {
      await browser.close();
      api.close();
      attacker.close();
      await app.close();
    }
  }, 30_000);
});
