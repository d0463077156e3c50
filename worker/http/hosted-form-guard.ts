// Our own forms are ours: a page on another site (a sandboxed iframe or a no-referrer page sends `Origin: null`) must
// not make its visitors' browsers text numbers through the hosted form (/s/), nor unsubscribe or erase them from
// their own page (/u/). Fetch metadata decides where the browser sends it from; a browser without it that names no
// origin must return the signed token rendered into our own page.
import { getCookie, setCookie } from 'hono/cookie';
import { signFormToken, verifyFormToken } from '../crypto/form-token.ts';
import { toBase64Url } from '../crypto/encoding.ts';
import { ID_PATTERN } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';
import { provenanceCheck } from './csrf.ts';
import { publicOrigin } from './origins.ts';

/** Long enough to fill the form at leisure; a stale page is simply reloaded. */
export const FORM_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
export const FORM_TOKEN_FIELD = 'formToken';

/** The browser's form nonce: HttpOnly, sent back only to the pages under its path and never by another site's form (SameSite). */
export const FORM_COOKIE = 'assent_form';
const NONCE = ID_PATTERN;

/**
 * Which form: `scope` is what the token is signed for (the site of a hosted form, `u:<consent id>` for a subscriber's
 * page); `path` where its nonce cookie is sent. `bareClients`: a POST naming no origin and without fetch metadata is
 * accepted without a token. Not for the hosted form (anyone may load it, so its page is its only credential); for the
 * subscriber's page, whose link is the credential: a scripted client holding it may act, and every browser that a
 * foreign page could make post names that page's origin (or `null`).
 */
export interface OwnForm {
  scope: string;
  path: '/s/' | '/u/';
  bareClients?: boolean;
}

const formOf = (form: string | OwnForm): OwnForm => (typeof form === 'string' ? { scope: form, path: '/s/' } : form);

/** The token for the page being rendered, bound to this browser's nonce (kept, so several open tabs all work). */
export function formTokenFor(c: AppContext, which: string | OwnForm): Promise<string> {
  const { scope: site, path } = formOf(which);
  let nonce = getCookie(c, FORM_COOKIE);
  if (!nonce || !NONCE.test(nonce)) nonce = toBase64Url(c.get('ctx').random(16)); // ID_PATTERN's shape, all of it random
  setCookie(c, FORM_COOKIE, nonce, {
    path,
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.get('deps').mode === 'production',
    maxAge: FORM_TOKEN_TTL_MS / 1000,
  });
  return signFormToken(c.get('ctx').keys.seed, site, nonce, c.get('ctx').clock(), FORM_TOKEN_TTL_MS);
}

const refused = (path: string, message: string) =>
  new AppError('cross_site_form', 403, 'This form can only be sent from its own page.', {
    errors: [{ path, message }],
  });

/** Our forms are posted from our public origin only (fetch metadata: same-origin; an Origin: the public one). */
const formProvenance = provenanceCheck({
  fetchSites: ['same-origin'],
  ours: (c, origin) => origin === publicOrigin(c),
  nullOrigin: 'unknown',
});

/**
 * Accepts a POST to one of our forms only when it comes from our own page: an Origin, when it names one, must be
 * ours; Sec-Fetch-Site, where the browser sends it, must be `same-origin` (both through hono/csrf, http/csrf.ts);
 * without either (older browsers, other clients, `Origin: null`), the form token rendered into the page must be valid
 * for this form and this browser's nonce cookie (unless the form takes bare clients and the request names no origin).
 */
export async function assertOwnForm(c: AppContext, which: string | OwnForm, token: unknown): Promise<void> {
  const { scope: site, bareClients } = formOf(which);
  const from = await formProvenance(c);
  if (from.kind === 'ours') return;
  if (from.kind === 'foreign') {
    throw from.header === 'Origin'
      ? refused('Origin', 'Not this server.')
      : refused('Sec-Fetch-Site', `Sent from ${from.value.slice(0, 20)}, not from this page.`);
  }
  if (from.origin === undefined && bareClients) return;
  if (
    !(await verifyFormToken(
      c.get('ctx').keys.seed,
      site,
      getCookie(c, FORM_COOKIE),
      token,
      c.get('ctx').clock(),
      FORM_TOKEN_TTL_MS,
    ))
  ) {
    throw refused(FORM_TOKEN_FIELD, 'Missing, expired or not issued for this site: reload the page and send again.');
  }
}
