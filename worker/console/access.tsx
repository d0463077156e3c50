// The console's doors for people, before a session: passkey sign-in (options, then the signed answer), sign-in with
// a recovery code, and an invitation link (the page, then a first passkey, then the recovery code shown once).
// JSON posts carry the login-CSRF token in X-CSRF-Token; forms in their `csrf` field.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Hono } from 'hono';
import {
  acceptInvitation,
  authenticationOptions,
  invitationOptions,
  openInvitation,
  recordAudit,
  signInWithPasskey,
  signInWithRecoveryCode,
} from '../domain/console/index.ts';
import { loadSite } from '../domain/site/index.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { AppError, malformedJson } from '../errors.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { assertCsrf, assertSameOrigin, consoleLang, formBody, sessionToken, setSessionCookie } from './http.ts';
import { consoleHeaders, consolePage } from './shell.tsx';
import { signInPage } from './sign-in.tsx';
import { actorName, consoleTexts, fill } from './texts.ts';

/** JSON answers of a browser (a WebAuthn response is a few kilobytes at most). */
async function jsonBody<T>(c: AppContext): Promise<T> {
  const text = await c.req.text();
  if (text.length > 64_000) throw malformedJson();
  try {
    const value = JSON.parse(text || '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch {
    throw malformedJson();
  }
}

export function accessRoutes(
  app: Hono<AppEnv>,
  pre: { session(c: AppContext): Promise<string>; expected(c: AppContext): Promise<string> },
) {
  /** Same origin and the pre-session form token, from the header (JSON) or the form. */
  const guard = async (c: AppContext, given?: string) => {
    assertSameOrigin(c);
    assertCsrf(await pre.expected(c), given ?? c.req.header('x-csrf-token'));
  };
  const previous = async (c: AppContext) => {
    const old = sessionToken(c);
    return old ? sha256Hex(old) : null;
  };

  app.post('/console/passkey/options', async (c) => {
    await guard(c);
    return c.json(await authenticationOptions(c.get('ctx')), 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/console/passkey/sign-in', async (c) => {
    await guard(c);
    const response = await jsonBody<AuthenticationResponseJSON>(c);
    const { token, session, account } = await signInWithPasskey(c.get('ctx'), response, {
      ip: clientIp(c),
      previous: await previous(c),
    });
    setSessionCookie(c, token);
    await recordAudit(c.get('ctx'), session, account.siteId, 'sign-in with a passkey');
    return c.json({ redirect: '/console' }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/console/recovery', async (c) => {
    const form = await formBody(c);
    await guard(c, form.csrf ?? '');
    try {
      const { token, session, account } = await signInWithRecoveryCode(c.get('ctx'), form.code ?? '', {
        ip: clientIp(c),
        previous: await previous(c),
      });
      setSessionCookie(c, token);
      await recordAudit(c.get('ctx'), session, account.siteId, 'sign-in with the recovery code');
      // The code is used up: the person adds a passkey and makes a new code on their account page.
      return c.redirect('/console/account', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 401) throw error;
      const lang = consoleLang(c);
      const t = consoleTexts(lang);
      const page = signInPage({ t, lang, csrf: await pre.session(c), recoveryError: t.access.signIn.recoveryRefused });
      return c.body(page, 401, consoleHeaders);
    }
  });

  app.get('/console/invite/:token', async (c) => {
    const lang = consoleLang(c);
    const t = consoleTexts(lang);
    const a = t.access.invite;
    const csrf = await pre.session(c);
    const token = c.req.param('token');
    const invitation = await openInvitation(c.get('ctx'), token).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    });
    // The link's token is in the path: consoleHeaders' `same-origin` referrer policy keeps it from other sites.
    const headers = consoleHeaders;
    if (!invitation) {
      const page = consolePage({ t, lang, preCsrf: csrf, title: a.title, body: <p class="bad">{a.gone}</p> });
      return c.body(page, 404, headers);
    }
    const site = await loadSite(c.get('ctx'), invitation.siteId);
    const html = consolePage({
      t,
      lang,
      preCsrf: csrf,
      title: a.title,
      islands: ['passkey'],
      body: (
        <>
          <p>
            {fill(a.intro, {
              by: actorName(t, invitation.invitedBy),
              site: site.config.name,
              role: t.access.roles[invitation.role],
            })}
          </p>
          <p>{a.passkeyIntro}</p>
          <button
            type="button"
            id="passkey-create"
            data-passkey="register"
            data-options={`/console/invite/${token}/options`}
            data-submit={`/console/invite/${token}/register`}
            data-csrf={csrf}
            data-unsupported={t.access.signIn.noWebAuthn}
          >
            {a.create}
          </button>
          <p role="status" id="passkey-status" />
          <section id="recovery" hidden aria-labelledby="recovery-title">
            <h2 id="recovery-title" tabindex={-1}>
              {a.recoveryTitle}
            </h2>
            <p>{a.recoveryIntro}</p>
            <pre id="recovery-code" style="font-size:1.4rem" />
            <p>
              <button type="button" id="print-recovery" class="secondary">
                {a.print}
              </button>{' '}
              <a href="/console">{a.continue}</a>
            </p>
          </section>
        </>
      ),
    });
    return c.body(html, 200, headers);
  });

  app.post('/console/invite/:token/options', async (c) => {
    await guard(c);
    const invitation = await openInvitation(c.get('ctx'), c.req.param('token'));
    const site = await loadSite(c.get('ctx'), invitation.siteId);
    return c.json(await invitationOptions(c.get('ctx'), c.req.param('token'), site.config.name), 200, {
      'Cache-Control': 'no-store',
    });
  });

  app.post('/console/invite/:token/register', async (c) => {
    await guard(c);
    const response = await jsonBody<RegistrationResponseJSON>(c);
    const { token, session, account, recoveryCode } = await acceptInvitation(
      c.get('ctx'),
      c.req.param('token'),
      response,
      await previous(c),
    );
    setSessionCookie(c, token);
    await recordAudit(c.get('ctx'), session, account.siteId, 'joined by invitation', { role: account.role });
    // The recovery code leaves the server once, here; only its hash is kept.
    return c.json({ recoveryCode, redirect: '/console' }, 200, { 'Cache-Control': 'no-store' });
  });
}
