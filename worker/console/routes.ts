// GET /console and everything under it: assets, language, sign-in and sign-out, the admin's site switch, then the
// pages behind a session (overview, widget texts, policy, SMS, subscribers, webhooks, campaigns, renewals, settings,
// people, account, audit trail).
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { newToken, sha256Hex } from '../crypto/tokens.ts';
import { csrfTokenFor, loadSession, recordAudit, signIn, signOut, switchSite } from '../domain/console/index.ts';
import { validationErrorFor } from '../http/body.ts';
import { loadSite } from '../domain/site/index.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { islandFile } from './assets.ts';
import {
  assertCsrf,
  assertSameOrigin,
  clearSessionCookie,
  consoleLang,
  formBody,
  LANG_COOKIE,
  requireConsoleSession,
  sessionToken,
  setSessionCookie,
  type ConsoleEnv,
} from './http.ts';
import { accessRoutes } from './access.tsx';
import { accountRoutes } from './account.tsx';
import { auditRoutes } from './audit.tsx';
import { campaignRoutes } from './campaigns.tsx';
import { overviewRoutes } from './overview.tsx';
import { peopleRoutes } from './people.tsx';
import { policyRoutes } from './policy.tsx';
import { renewalConsoleRoutes } from './renewals.tsx';
import { newSiteRoutes } from './new-site.tsx';
import { settingsRoutes } from './settings.tsx';
import { siteSettingsRoutes } from './site-settings.tsx';
import { signInPage } from './sign-in.tsx';
import { smsRoutes } from './sms.tsx';
import { subscriberRoutes } from './subscribers.tsx';
import { widgetTextRoutes } from './widget-texts.tsx';
import { webhookRoutes } from './webhooks.tsx';
import { consoleHeaders } from './shell.tsx';
import { consoleTexts } from './texts.ts';
import { serveScript } from '../http/script.ts';

/** The pre-session cookie: `__Host-` (this host only, path /, Secure) in production; plain http in dev cannot carry it. */
const preCookie = (c: AppContext) =>
  c.get('deps').mode === 'production'
    ? { name: '__Host-assent-console-pre', path: '/', secure: true }
    : { name: 'assent-console-pre', path: '/console', secure: false };

/** The sign-in form's CSRF token: tied to a short-lived pre-session cookie (login CSRF). */
async function preSession(c: AppContext): Promise<string> {
  const cookie = preCookie(c);
  let pre = getCookie(c, cookie.name);
  if (!pre || !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
    pre = newToken(c.get('ctx').random);
    setCookie(c, cookie.name, pre, {
      httpOnly: true,
      sameSite: 'Strict',
      path: cookie.path,
      secure: cookie.secure,
      maxAge: 3600,
    });
  }
  return csrfTokenFor(pre);
}

/** The form token a console form must carry now: the session's, or before sign-in the pre-session cookie's. */
async function expectedCsrf(c: AppContext): Promise<string> {
  const token = sessionToken(c);
  const session = token ? await loadSession(c.get('ctx'), token, c.get('deps').adminToken) : null;
  if (session) return session.csrf;
  const pre = getCookie(c, preCookie(c).name);
  return pre ? csrfTokenFor(pre) : '\u0000';
}

/** The login-CSRF token of the pre-session cookie (the sign-in and invitation pages' forms). */
async function expectedPreCsrf(c: AppContext): Promise<string> {
  const pre = getCookie(c, preCookie(c).name);
  return pre ? csrfTokenFor(pre) : '\u0000';
}

export function consoleRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/console/assets/:file', (c) => {
    const island = islandFile(c.req.param('file'));
    if (!island) throw notFound('No such console asset.');
    return serveScript(c, island.code, { cacheControl: 'public, max-age=31536000, immutable' });
  });

  // A typed or bookmarked /console/ opens the console rather than a JSON 404.
  app.get('/console/', (c) => c.redirect('/console', 301));

  // The language switch: a POST from the console's own pages (origin and form token checked, signed in or not).
  app.post('/console/lang', async (c) => {
    await assertSameOrigin(c);
    const form = await formBody(c);
    assertCsrf(await expectedCsrf(c), form.csrf);
    const lang = form.lang;
    if (lang !== 'en' && lang !== 'fr') throw validationErrorFor('lang', 'Use en or fr.');
    setCookie(c, LANG_COOKIE, lang, {
      path: '/',
      sameSite: 'Lax',
      maxAge: 365 * 86400,
      httpOnly: true,
      secure: c.get('deps').mode === 'production',
    });
    // Back to the console page the switch was clicked on; a Referer that is not one (or not a URL) goes to /console.
    let path = '/console';
    try {
      const back = new URL(c.req.header('referer') ?? '/console', c.req.url);
      if (back.origin === new URL(c.req.url).origin) path = back.pathname;
    } catch {
      // Not a URL: stay on /console.
    }
    return c.redirect(path.startsWith('/console') ? path : '/console', 303);
  });

  accessRoutes(app, { session: preSession, expected: expectedPreCsrf });

  app.get('/console/sign-in', async (c) => {
    const lang = consoleLang(c);
    return c.body(signInPage({ t: consoleTexts(lang), lang, csrf: await preSession(c) }), 200, consoleHeaders);
  });

  app.post('/console/sign-in', async (c) => {
    await assertSameOrigin(c);
    const form = await formBody(c);
    assertCsrf(await expectedPreCsrf(c), form.csrf);
    const lang = consoleLang(c);
    const t = consoleTexts(lang);
    const old = sessionToken(c);
    try {
      const { token, session } = await signIn(c.get('ctx'), {
        credential: form.key ?? '',
        adminToken: c.get('deps').adminToken,
        previous: old ? await sha256Hex(old) : null,
        ip: clientIp(c),
      });
      setSessionCookie(c, token);
      // The admin token on a server with no site yet: the session opens site creation, the only page it can use.
      if (!session.siteId) return c.redirect('/console/sites/new', 303);
      const how = session.admin ? 'sign-in with the platform admin token' : 'sign-in with an API key';
      await recordAudit(c.get('ctx'), session, session.siteId, how);
      return c.redirect('/console', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 401) throw error;
      return c.body(signInPage({ t, lang, csrf: await preSession(c), error: t.signIn.refused }), 401, consoleHeaders);
    }
  });

  const inside = new Hono<ConsoleEnv>();
  inside.use('/console', requireConsoleSession);
  inside.use('/console/*', requireConsoleSession);

  inside.post('/console/sign-out', async (c) => {
    await signOut(c.get('ctx'), c.get('session'));
    clearSessionCookie(c as unknown as AppContext);
    return c.redirect('/console/sign-in', 303);
  });

  inside.post('/console/site', async (c) => {
    // Refused before the site is looked up: a site key's session learns nothing about which other sites exist.
    if (!c.get('session').admin) throw forbidden('Only the platform admin can switch sites.');
    const form = await formBody(c);
    const site = await loadSite(c.get('ctx'), form.site ?? '');
    await switchSite(c.get('ctx'), c.get('session'), site.id);
    return c.redirect('/console', 303);
  });

  overviewRoutes(inside);
  widgetTextRoutes(inside);
  policyRoutes(inside);
  smsRoutes(inside);
  subscriberRoutes(inside);
  webhookRoutes(inside);
  campaignRoutes(inside);
  renewalConsoleRoutes(inside);
  settingsRoutes(inside);
  siteSettingsRoutes(inside);
  newSiteRoutes(inside);
  peopleRoutes(inside);
  accountRoutes(inside);
  auditRoutes(inside);

  app.route('/', inside as unknown as Hono<AppEnv>);
  return app;
}
