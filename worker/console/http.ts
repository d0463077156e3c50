// The console's HTTP rules: the session cookie (HttpOnly, SameSite=Strict, Secure and __Host- in production), the
// CSRF check on every POST (Origin / Sec-Fetch-Site, then the synchronizer token tied to the session), form bodies.
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loadSession, recordAudit, roleAllows, type ConsoleSession } from '../domain/console/index.ts';
import { SESSION_ABSOLUTE_MS } from '../domain/console/index.ts';
import { loadSite, type Site } from '../domain/site/index.ts';
import { AppError, forbidden } from '../errors.ts';
import { roleNeeded, unaudited } from './authorize.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { preferredLanguage } from '../http/negotiate.ts';
import { provenanceCheck } from '../http/csrf.ts';
import { isThisServer } from '../http/origins.ts';
import { timingSafeEqual } from '../crypto/tokens.ts';
import { consoleTexts, type ConsoleTexts } from './texts.ts';

export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & {
    session: ConsoleSession;
    site: Site;
    lang: 'en' | 'fr';
    t: ConsoleTexts;
    /** What a route adds to its audit entry (never a subscriber's number or a form's values). */
    auditDetail?: Record<string, string | number | boolean | null>;
  };
}

const production = (c: AppContext) => c.get('deps').mode === 'production';
/** `__Host-` pins the cookie to this host, path / and Secure; plain http in dev cannot carry it. */
export const sessionCookieName = (c: AppContext) => (production(c) ? '__Host-assent-console' : 'assent-console');
export const LANG_COOKIE = 'assent-console-lang';

/** What a platform admin's session with no site may open: site creation and sign-out. */
const SITELESS = new Set(['/console/sites/new', '/console/sign-out']);

export function setSessionCookie(c: AppContext, token: string): void {
  setCookie(c, sessionCookieName(c), token, {
    httpOnly: true,
    secure: production(c),
    sameSite: 'Strict',
    path: '/',
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, sessionCookieName(c), { path: '/', secure: production(c), httpOnly: true, sameSite: 'Strict' });
}

export const sessionToken = (c: AppContext) => getCookie(c, sessionCookieName(c)) ?? null;

/** en or fr: the switcher's cookie, else the browser's languages. */
export function consoleLang(c: AppContext): 'en' | 'fr' {
  const chosen = getCookie(c, LANG_COOKIE);
  if (chosen === 'en' || chosen === 'fr') return chosen;
  return (preferredLanguage(c, ['en', 'fr']) as 'en' | 'fr' | undefined) ?? 'en';
}

/** The console's own pages: same-origin, or typed in (`none`); an Origin naming this server as reached, never `null`. */
const consoleProvenance = provenanceCheck({
  fetchSites: ['same-origin', 'none'],
  ours: isThisServer,
  nullOrigin: 'foreign',
});

/**
 * A cross-site POST is refused before anything else: the browser says where the request comes from (hono/csrf,
 * http/csrf.ts). A request with neither header (a script) goes on to the synchronizer token, which it must hold.
 */
export async function assertSameOrigin(c: AppContext): Promise<void> {
  const from = await consoleProvenance(c);
  if (from.kind === 'foreign') {
    throw new AppError('csrf_refused', 403, 'This form can only be sent from the console itself.', {
      errors: [{ path: from.header, message: 'Not this server.' }],
    });
  }
}

export function assertCsrf(expected: string, given: unknown): void {
  if (typeof given !== 'string' || !timingSafeEqual(given, expected)) {
    throw new AppError(
      'csrf_refused',
      403,
      'The form has expired or was not sent from the console. Reload the page and try again.',
      {
        errors: [{ path: 'csrf', message: 'Missing or wrong form token.' }],
      },
    );
  }
}

/** A urlencoded (or multipart) form body as strings; repeated names keep the last value. */
export async function formBody(c: { req: Pick<AppContext['req'], 'parseBody'> }): Promise<Record<string, string>> {
  // A body that does not parse as its Content-Type says (a broken multipart) is the sender's fault: 400, not 500.
  const body = await c.req.parseBody().catch(() => {
    throw new AppError('malformed_form', 400, 'The form body could not be read.', {
      errors: [{ path: '(body)', message: 'Malformed form body.' }],
    });
  });
  return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/**
 * Every console page behind sign-in: a valid session (else to the sign-in page), its site, on POST the origin and
 * CSRF checks, then the role the request needs (authorize.ts); a POST that succeeded is written to the audit trail.
 * Sets no-store and the page's language.
 */
export const requireConsoleSession: MiddlewareHandler<ConsoleEnv> = async function requireConsoleSession(c, next) {
  const lang = consoleLang(c as unknown as AppContext);
  c.set('lang', lang);
  c.set('t', consoleTexts(lang));
  const token = sessionToken(c as unknown as AppContext);
  const session = token ? await loadSession(c.get('ctx'), token, c.get('deps').adminToken) : null;
  if (!session) {
    if (token) clearSessionCookie(c as unknown as AppContext);
    if (c.req.method === 'GET') return c.redirect('/console/sign-in', 303);
    throw new AppError('unauthorized', 401, c.get('t').errors.signInFirst);
  }
  // The platform admin on a server with no site yet (or whose site is gone): site creation and sign-out only.
  if (!session.siteId && !SITELESS.has(c.req.path)) {
    if (c.req.method === 'GET') return c.redirect('/console/sites/new', 303);
    throw new AppError('no_site_yet', 409, c.get('t').errors.noSiteYet);
  }
  if (c.req.method === 'POST') {
    await assertSameOrigin(c as unknown as AppContext);
    const form = await formBody(c as unknown as AppContext);
    assertCsrf(session.csrf, form.csrf ?? c.req.header('x-csrf-token'));
  }
  const need = roleNeeded(c.req.method, c.req.path);
  if (!roleAllows(session.role, need))
    throw forbidden(`This needs the ${need} role; you are ${session.role === 'viewer' ? 'a' : 'an'} ${session.role}.`);
  c.set('session', session);
  if (session.siteId) c.set('site', await loadSite(c.get('ctx'), session.siteId));
  c.header('Cache-Control', 'no-store');
  await next();
  // The session as the route left it: a site created from a siteless session is audited on the new site.
  const after = c.get('session');
  if (c.req.method === 'POST' && c.res.status < 400 && !unaudited(c.req.path) && after.siteId)
    await recordAudit(c.get('ctx'), after, after.siteId, `POST ${c.req.path}`, c.get('auditDetail'));
};
