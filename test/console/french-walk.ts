// The pages a French reader meets, taken from the app's router rather than a fixed list (a page added later is walked
// too): every console page a GET opens (files and exports aside; paths with parameters are filled by the caller), and
// every public HTML page.
import type { Harness } from '../harness.ts';
import { cookiesOf, csrfOf, postForm } from './helpers.ts';

/** Console GET routes that are not pages for reading: assets, exports, the trailing-slash redirect. */
const NOT_PAGES = /^\/console\/(?:assets\/|$)|\.(?:csv|ndjson|json)$/;

/** Every console page path (`:param` kept; the caller fills or skips those). */
export function consolePagePaths(h: Pick<Harness, 'app'>): string[] {
  return [
    ...new Set(
      h.app.routes
        .filter((r) => r.method === 'GET' && (r.path === '/console' || r.path.startsWith('/console/')))
        .map((r) => r.path)
        .filter((p) => !NOT_PAGES.test(p)),
    ),
  ].sort();
}

/** Signs in with a key (the platform admin token by default) with the console set to French; the cookie jar. */
export async function frenchConsoleJar(h: Harness, key: string): Promise<Record<string, string>> {
  const jar: Record<string, string> = { 'assent-console-lang': 'fr' };
  const form = await h.app.request('/console/sign-in', { headers: { cookie: cookieHeader(jar) } });
  Object.assign(jar, cookiesOf(form));
  const res = await postForm(h, '/console/sign-in', { csrf: csrfOf(await form.text()), key }, jar);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  Object.assign(jar, cookiesOf(res));
  return jar;
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
