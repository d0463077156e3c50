// The hosted form is ours: a page on another site (a sandboxed iframe or a no-referrer page sends `Origin: null`)
// must not make its visitors' browsers text numbers through it. Fetch metadata decides where the browser sends it;
// a browser without it must return the signed token rendered into our own page.
import { getCookie, setCookie } from 'hono/cookie';
import { signFormToken, verifyFormToken } from '../crypto/form-token.ts';
import { newId } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';
import { namesForeignOrigin } from './origins.ts';

/** Long enough to fill the form at leisure; a stale page is simply reloaded. */
export const FORM_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
export const FORM_TOKEN_FIELD = 'formToken';

/** The browser's form nonce: HttpOnly, sent back only to /s/ pages and never by another site's form (SameSite). */
export const FORM_COOKIE = 'assent_form';
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/** The token for the page being rendered, bound to this browser's nonce (kept, so several open tabs all work). */
export function formTokenFor(c: AppContext, site: string): Promise<string> {
  let nonce = getCookie(c, FORM_COOKIE);
  if (!nonce || !NONCE.test(nonce)) nonce = newId(c.var.ctx.random);
  setCookie(c, FORM_COOKIE, nonce, {
    path: '/s/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: c.var.deps.mode === 'production',
    maxAge: FORM_TOKEN_TTL_MS / 1000,
  });
  return signFormToken(c.var.ctx.keys.seed, site, nonce, c.var.ctx.clock(), FORM_TOKEN_TTL_MS);
}

const refused = (path: string, message: string) =>
  new AppError('cross_site_form', 403, 'This form can only be sent from its own page.', { errors: [{ path, message }] });

/**
 * Accepts a POST to /s/{site} only when it comes from our own page: an Origin, when it names one, must be ours;
 * Sec-Fetch-Site, where the browser sends it, must be `same-origin`; without it (older browsers, other clients),
 * the form token rendered into the page must be valid for this site and this browser's nonce cookie.
 */
export async function assertOwnForm(c: AppContext, site: string, token: unknown): Promise<void> {
  const origin = c.req.header('origin');
  if (namesForeignOrigin(c)) throw refused('Origin', 'Not this server.');
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite !== undefined) {
    if (fetchSite !== 'same-origin') throw refused('Sec-Fetch-Site', `Sent from ${fetchSite.slice(0, 20)}, not from this page.`);
    return;
  }
  if (origin && origin !== 'null') return; // the browser named our own origin
  if (!(await verifyFormToken(c.var.ctx.keys.seed, site, getCookie(c, FORM_COOKIE), token, c.var.ctx.clock(), FORM_TOKEN_TTL_MS))) {
    throw refused(FORM_TOKEN_FIELD, 'Missing, expired or not issued for this site: reload the page and send again.');
  }
}
