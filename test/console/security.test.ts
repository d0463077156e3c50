// The console's security promises, attacked through the front door: no session without a valid key, CSRF refused,
// no session fixation, one site's session never reads another site, cookies flagged right, sessions expire.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { sha256Hex } from '../../worker/crypto/tokens.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { cookiesOf, postForm, signIn, signInForm } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const origins = async () =>
  (
    (await (await h.app.request('/v1/sites/demo', { headers: ADMIN })).json()) as {
      config: { allowedOrigins: string[] };
    }
  ).config.allowedOrigins;
const sessionRows = async () => (await h.deps.store.queryColumn('SELECT token_hash FROM console_sessions')) as string[];

async function otherSite(): Promise<string> {
  const config = (
    (await (await h.app.request('/v1/sites/demo', { headers: ADMIN })).json()) as { config: Record<string, unknown> }
  ).config;
  const res = await h.app.request(
    '/v1/sites',
    json({ id: 'other', config: { ...config, name: 'Other Shop', policy: undefined } }, ADMIN),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

describe('sign-in', () => {
  it('gives no session without a valid key, and stores only the hash of the one it gives', async () => {
    h = await makeHarness();
    const anonymous = await h.app.request('/console');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/console/sign-in');
    const { jar, csrf } = await signInForm(h);
    for (const key of ['', 'ask_not-a-key', ADMIN_TOKEN.slice(0, -1)]) {
      const res = await postForm(h, '/console/sign-in', { csrf, key }, jar);
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('assent-console='))).toBe(false);
    }
    expect(await sessionRows()).toEqual([]);
    // A forged cookie opens nothing.
    const forged = await h.app.request('/console', { headers: { cookie: `assent-console=${'A'.repeat(43)}` } });
    expect(forged.status).toBe(303);
    const ok = await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar);
    expect(ok.status).toBe(303);
    const token = cookiesOf(ok)['assent-console']!;
    expect(await sessionRows()).toEqual([await sha256Hex(token)]);
  });

  it('refuses a revoked key, and revoking a key ends the sessions it opened at once', async () => {
    h = await makeHarness();
    const issued = (await (await h.app.request('/v1/sites/demo/keys', { method: 'POST', headers: ADMIN })).json()) as {
      id: string;
      apiKey: string;
    };
    const c = await signIn(h, issued.apiKey);
    expect((await c.get('/console')).status).toBe(200);
    expect((await h.app.request(`/v1/sites/demo/keys/${issued.id}`, { method: 'DELETE', headers: ADMIN })).status).toBe(
      204,
    );
    expect((await c.get('/console')).status).toBe(303);
    const { jar, csrf } = await signInForm(h);
    expect((await postForm(h, '/console/sign-in', { csrf, key: issued.apiKey }, jar)).status).toBe(401);
  });

  it('refuses a sign-in posted without the form token or from another site', async () => {
    h = await makeHarness();
    const { jar, csrf } = await signInForm(h);
    expect((await postForm(h, '/console/sign-in', { key: h.demoKey }, jar)).status).toBe(403);
    expect((await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, {})).status).toBe(403);
    expect(
      (
        await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar, {
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(403);
    expect(await sessionRows()).toEqual([]);
  });
});

describe('CSRF', () => {
  it('refuses every POST without the session’s token, with another session’s token, or from another origin', async () => {
    h = await makeHarness();
    const c = await signIn(h);
    const d = await signIn(h);
    const before = await origins();
    const change = { origins: 'https://attacker.example' };
    const attempts = [
      await c.post('/console/settings/origins', { ...change, csrf: '' }),
      await c.post('/console/settings/origins', { ...change, csrf: d.csrf }),
      await c.post('/console/settings/origins', change, { origin: 'https://attacker.example' }),
      await c.post('/console/settings/origins', change, { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('csrf_refused');
    }
    expect(await origins()).toEqual(before);
    const good = await c.post('/console/settings/origins', change);
    expect(good.status).toBe(303);
    expect(await origins()).toEqual(['https://attacker.example']);
  });
});

describe('session fixation', () => {
  it('gives a new session token on every sign-in and kills the one the browser came with', async () => {
    h = await makeHarness();
    const first = await signIn(h);
    const firstToken = /assent-console=([^;]+)/.exec(first.cookie)![1]!;
    const { jar, csrf } = await signInForm(h, { 'assent-console': firstToken });
    const again = await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar);
    const secondToken = cookiesOf(again)['assent-console']!;
    expect(secondToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secondToken).not.toBe(firstToken);
    expect((await first.get('/console')).status).toBe(303);
    expect(await sessionRows()).toEqual([await sha256Hex(secondToken)]);
    // A token planted by an attacker is never adopted: the sign-in answers with a fresh one.
    const planted = 'B'.repeat(43);
    const form = await signInForm(h, { 'assent-console': planted });
    const res = await postForm(h, '/console/sign-in', { csrf: form.csrf, key: h.demoKey }, form.jar);
    expect(cookiesOf(res)['assent-console']).not.toBe(planted);
    expect((await h.app.request('/console', { headers: { cookie: `assent-console=${planted}` } })).status).toBe(303);
  });
});

describe('sign-out', () => {
  it('deletes the session and clears the cookie; an admin session ends when the admin token changes', async () => {
    h = await makeHarness();
    const c = await signIn(h);
    const out = await c.post('/console/sign-out', {});
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((v) => v.startsWith('assent-console='))).toMatch(/Max-Age=0/);
    expect(await sessionRows()).toEqual([]);
    expect((await c.get('/console')).status).toBe(303);

    const a = await signIn(h, ADMIN_TOKEN);
    expect((await a.get('/console')).status).toBe(200);
    const rotated = createApp({ ...h.deps, adminToken: 'a-new-admin-token-0123456789' });
    expect((await rotated.request('/console', { headers: { cookie: a.cookie } })).status).toBe(303);
  });
});

describe('sites', () => {
  it('a site key’s session reads only its site: no switch, no other site’s subscriber', async () => {
    h = await makeHarness();
    const otherKey = await otherSite();
    const c = await signIn(h);
    // Signed in but not allowed: 403, and the same answer for a site that does not exist (no probing of site ids).
    for (const site of ['other', 'no-such-site']) {
      const res = await c.post('/console/site', { site });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('forbidden');
    }
    const overview = await (await c.get('/console/settings')).text();
    expect(overview).toContain('/v1/sites/demo/inbound/generic');
    expect(overview).not.toContain('/v1/sites/other/');
    const o = await signIn(h, otherKey);
    const page = await (await o.get('/console/settings')).text();
    expect(page).toContain('/v1/sites/other/inbound/generic');
    expect(page).not.toContain('/v1/sites/demo/');
  });

  it('the platform admin switches sites', async () => {
    h = await makeHarness();
    await otherSite();
    const a = await signIn(h, ADMIN_TOKEN);
    expect(await (await a.get('/console/settings')).text()).toContain('/v1/sites/demo/inbound/generic');
    expect((await a.post('/console/site', { site: 'other' })).status).toBe(303);
    expect(await (await a.get('/console/settings')).text()).toContain('/v1/sites/other/inbound/generic');
  });
});

describe('cookies and expiry', () => {
  it('flags the cookie HttpOnly and SameSite=Strict; not Secure on plain-http dev', async () => {
    h = await makeHarness();
    const { jar, csrf } = await signInForm(h);
    const res = await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('assent-console='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('in production: __Host- cookie, Secure, HttpOnly, SameSite=Strict', async () => {
    h = await makeHarness({ mode: 'production' });
    const first = await h.app.request('/console/sign-in');
    const jar = cookiesOf(first);
    expect(first.headers.getSetCookie()[0]).toMatch(/Secure/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await first.text())![1]!;
    const res = await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-assent-console='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/);
  });

  it('ends a session after 12 h idle, and after 7 days even when used', async () => {
    h = await makeHarness();
    const idle = await signIn(h);
    h.advance(11 * 3600_000);
    expect((await idle.get('/console')).status).toBe(200);
    h.advance(11 * 3600_000);
    expect((await idle.get('/console')).status).toBe(200);
    h.advance(12 * 3600_000 + 1);
    expect((await idle.get('/console')).status).toBe(303);
    const busy = await signIn(h);
    // Used every 11 hours: alive for 15 × 11 h = 165 h, gone past 168 h.
    for (let i = 0; i < 15; i++) {
      h.advance(11 * 3600_000);
      expect((await busy.get('/console')).status).toBe(200);
    }
    h.advance(4 * 3600_000);
    expect((await busy.get('/console')).status).toBe(303);
  });
});

describe('language switch', () => {
  it('goes back to the console page it was clicked on, never off-site, and a Referer that is no URL is not a 500', async () => {
    h = await makeHarness();
    const { jar, csrf } = await signInForm(h);
    const back = async (referer: string) => {
      const res = await postForm(h, '/console/lang', { csrf, lang: 'fr' }, jar, { referer });
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('assent-console-lang=fr'))).toBe(true);
      return res.headers.get('location');
    };
    expect(await back('http://localhost/console/settings')).toBe('/console/settings');
    expect(await back('https://evil.example/console/settings')).toBe('/console');
    expect(await back('http://localhost//evil.example/console')).toBe('/console');
    expect(await back('/console/sms')).toBe('/console/sms');
    expect(await back('http://[')).toBe('/console');
    expect(await back('http://localhost:99999/console')).toBe('/console');
  });
});
