// Finding 11 of the third hardening round: the console's language switch is a CSRF-guarded POST form (a GET that
// set a cookie could be sent by any page or link), every cookie is Secure in production and the pre-session one is
// `__Host-`; and a client that goes away mid-request is not logged as a storage failure.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import type { Logger } from '../../worker/logger.ts';
import { confirmedConsent, makeHarness, type Harness } from '../harness.ts';
import { cookiesOf, csrfOf, postForm, signIn, signInForm } from '../console/helpers.ts';

let h: Harness;
afterEach(async () => h.close());

describe('the console language switch', () => {
  it('a GET (a link or an <img> on any page) sets no cookie', async () => {
    h = await makeHarness();
    const res = await h.app.request('/console/lang/fr');
    expect(res.headers.getSetCookie().some((c) => c.includes('assent-console-lang'))).toBe(false);
  });

  it('is a POST form carrying the form token, refused without it or from another site', async () => {
    h = await makeHarness();
    const { jar, csrf } = await signInForm(h);
    const page = await (
      await h.app.request('/console/sign-in', {
        headers: {
          cookie: Object.entries(jar)
            .map(([k, v]) => `${k}=${v}`)
            .join('; '),
        },
      })
    ).text();
    expect(page).toMatch(
      /<form method="post" action="\/console\/lang"[^>]*><input type="hidden" name="csrf" value="[^"]+"\/><input type="hidden" name="lang" value="fr"\/>/,
    );
    expect((await postForm(h, '/console/lang', { lang: 'fr' }, jar)).status).toBe(403);
    expect(
      (
        await postForm(h, '/console/lang', { lang: 'fr', csrf }, jar, {
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(403);
    const ok = await postForm(h, '/console/lang', { lang: 'fr', csrf }, jar, {
      referer: 'http://localhost/console/sign-in',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/sign-in');
    expect(ok.headers.getSetCookie().find((c) => c.startsWith('assent-console-lang=fr'))).toMatch(/HttpOnly/);
  });

  it("signed in, the session's form token works and another does not", async () => {
    h = await makeHarness();
    const client = await signIn(h);
    expect(
      (await client.post('/console/lang', { lang: 'fr' }, { referer: 'http://localhost/console/sms' })).headers.get(
        'location',
      ),
    ).toBe('/console/sms');
    expect((await client.post('/console/lang', { lang: 'en', csrf: 'x'.repeat(43) })).status).toBe(403);
    expect(csrfOf(await (await client.get('/console')).text())).toBe(client.csrf);
  });
});

describe('cookies in production', () => {
  it('every cookie set is Secure; the pre-session one is __Host- (path /)', async () => {
    h = await makeHarness({ mode: 'production' });
    const set: string[] = [];
    const https = (path: string, init: RequestInit = {}) => h.app.request(`https://assent.test${path}`, init);
    const pre = await https('/console/sign-in');
    set.push(...pre.headers.getSetCookie());
    const jar = cookiesOf(pre);
    const csrf = csrfOf(await pre.text());
    const cookie = Object.entries(jar)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://assent.test',
        'sec-fetch-site': 'same-origin',
        cookie,
      },
      body: new URLSearchParams({ csrf, ...fields }).toString(),
    });
    set.push(...(await https('/console/lang', form({ lang: 'fr' }))).headers.getSetCookie());
    const signedIn = await https('/console/sign-in', form({ key: h.demoKey }));
    expect(signedIn.status).toBe(303);
    set.push(...signedIn.headers.getSetCookie());
    set.push(...(await https('/s/demo')).headers.getSetCookie());
    const { unsubscribe } = await confirmedConsent(h);
    set.push(...(await https(`/u/${unsubscribe}`)).headers.getSetCookie());

    const names = set.map((c) => c.split('=')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        '__Host-assent-console-pre',
        'assent-console-lang',
        '__Host-assent-console',
        'assent_form',
      ]),
    );
    for (const c of set) expect(c, c).toMatch(/; Secure/);
    expect(set.find((c) => c.startsWith('__Host-assent-console-pre='))).toMatch(/; Path=\/;/);
  });
});

describe('a client that goes away', () => {
  it('mid-body is not logged as a storage failure', async () => {
    h = await makeHarness();
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger: Logger = {
      info: (message, fields = {}) => void lines.push({ level: 'info', message, fields }),
      warn: (message, fields = {}) => void lines.push({ level: 'warn', message, fields }),
      error: (message, fields = {}) => void lines.push({ level: 'error', message, fields }),
    } as Logger;
    const app = createApp({ ...h.deps, logger });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/v1/sites/demo/consents', '/s/demo', '/console/sign-in']) {
        await new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"phone":"06 12`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 50);
          });
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      server.close();
    }
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
    expect(lines.filter((l) => /storage/.test(l.message))).toEqual([]);
  });
});
