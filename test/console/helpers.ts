// Signs in to the console through its front door (GET the form, POST the key) and keeps the cookie and CSRF token.
import type { Harness } from '../harness.ts';

export interface ConsoleClient {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The cookie pairs (name=value) a response sets, joined for a Cookie header. */
export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}
const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

export async function signInForm(h: Harness, jar: Record<string, string> = {}) {
  const res = await h.app.request('/console/sign-in', { headers: { cookie: cookieHeader(jar) } });
  Object.assign(jar, cookiesOf(res));
  return { jar, csrf: csrfOf(await res.text()) };
}

export async function postForm(
  h: Harness,
  path: string,
  fields: Record<string, string>,
  jar: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return h.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookieHeader(jar),
      origin: 'http://localhost',
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

export async function signIn(h: Harness, key = h.demoKey): Promise<ConsoleClient> {
  const { jar, csrf } = await signInForm(h);
  const res = await postForm(h, '/console/sign-in', { csrf, key }, jar);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  Object.assign(jar, cookiesOf(res));
  const page = await h.app.request('/console', { headers: { cookie: cookieHeader(jar) } });
  const client: ConsoleClient = {
    cookie: cookieHeader(jar),
    csrf: csrfOf(await page.text()),
    get: async (path) => h.app.request(path, { headers: { cookie: cookieHeader(jar) } }),
    post: (path, fields, headers) => postForm(h, path, { csrf: client.csrf, ...fields }, jar, headers),
  };
  return client;
}
