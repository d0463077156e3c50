// Console people through the front door: an owner invites, the invitee accepts with a (software) passkey and gets a
// session and a recovery code; a passkey sign-in from the sign-in page.
import { expect } from 'vitest';
import type { Harness } from '../harness.ts';
import type { Authenticator } from './authenticator.ts';
import { softAuthenticator } from './authenticator.ts';
import { cookiesOf, csrfOf, postForm, type ConsoleClient } from './helpers.ts';

export type Jar = Record<string, string>;
export const cookieHeader = (jar: Jar) =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

export async function postJson(h: Harness, path: string, body: unknown, jar: Jar, csrf: string) {
  const res = await h.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: cookieHeader(jar),
      origin: 'http://localhost',
      'sec-fetch-site': 'same-origin',
      'x-csrf-token': csrf,
    },
    body: JSON.stringify(body),
  });
  Object.assign(jar, cookiesOf(res));
  return res;
}

/** Invites someone as `owner` and returns the link's token. */
export async function inviteToken(owner: ConsoleClient, name: string, role: string): Promise<string> {
  const res = await owner.post('/console/people/invite', { name, role });
  expect(res.status).toBe(200);
  const link = /<pre id="invite-link">([^<]+)<\/pre>/.exec(await res.text())?.[1] ?? '';
  expect(link).toMatch(/^https?:\/\/[^/]+\/console\/invite\/[A-Za-z0-9_-]{43}$/);
  return link.split('/').pop()!;
}

export interface Person extends ConsoleClient {
  jar: Jar;
  authenticator: Authenticator;
  recoveryCode: string;
}

/** Opens the invitation page, creates a passkey, registers it: the new person's console client. */
export async function acceptInvite(h: Harness, token: string, authenticator?: Authenticator): Promise<Person> {
  const auth = authenticator ?? (await softAuthenticator());
  const jar: Jar = {};
  const page = await h.app.request(`/console/invite/${token}`);
  expect(page.status).toBe(200);
  Object.assign(jar, cookiesOf(page));
  const csrf = csrfOf(await page.text()) || /data-csrf="([^"]+)"/.exec(await page.clone().text())?.[1] || '';
  const options = (await (await postJson(h, `/console/invite/${token}/options`, {}, jar, csrf)).json()) as {
    challenge: string;
  };
  const res = await postJson(h, `/console/invite/${token}/register`, await auth.register(options), jar, csrf);
  const body = (await res.json()) as { recoveryCode?: string; detail?: string };
  if (res.status !== 200) throw new Error(`register answered ${res.status}: ${body.detail}`);
  return clientFor(h, jar, auth, body.recoveryCode ?? '');
}

export async function clientFor(h: Harness, jar: Jar, authenticator: Authenticator, recoveryCode: string) {
  const home = await h.app.request('/console/account', { headers: { cookie: cookieHeader(jar) } });
  expect(home.status).toBe(200);
  const person: Person = {
    jar,
    authenticator,
    recoveryCode,
    get cookie() {
      return cookieHeader(jar);
    },
    csrf: csrfOf(await home.text()),
    get: async (path) => h.app.request(path, { headers: { cookie: cookieHeader(jar) } }),
    post: (path, fields, headers) => postForm(h, path, { csrf: person.csrf, ...fields }, jar, headers),
  };
  return person;
}

/** The sign-in page's passkey button, as the island drives it: options, the authenticator's answer, the sign-in. */
export async function passkeySignIn(h: Harness, auth: Authenticator, jar: Jar = {}) {
  const page = await h.app.request('/console/sign-in', { headers: { cookie: cookieHeader(jar) } });
  Object.assign(jar, cookiesOf(page));
  const csrf = csrfOf(await page.text());
  const options = (await (await postJson(h, '/console/passkey/options', {}, jar, csrf)).json()) as {
    challenge: string;
  };
  const answer = await auth.sign(options);
  const res = await postJson(h, '/console/passkey/sign-in', answer, jar, csrf);
  return { res, jar, csrf, answer };
}
