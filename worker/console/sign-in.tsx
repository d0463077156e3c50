// The sign-in page: a passkey (people of the site), a one-time recovery code, or a site API key / the platform admin
// token (the bootstrap for the first owner); each form carries the login-CSRF token.
import { Csrf, consolePage } from './shell.tsx';
import type { ConsoleTexts } from './texts.ts';

export function signInPage(o: {
  t: ConsoleTexts;
  lang: string;
  csrf: string;
  error?: string;
  recoveryError?: string;
}): string {
  const { t } = o;
  const a = t.access.signIn;
  return consolePage({
    t,
    lang: o.lang,
    preCsrf: o.csrf,
    title: t.signIn.title,
    islands: ['passkey'],
    body: (
      <>
        <section aria-labelledby="passkey-title">
          <h2 id="passkey-title">{a.passkeyTitle}</h2>
          <p>{a.passkeyIntro}</p>
          <button
            type="button"
            id="passkey-sign-in"
            data-passkey="sign-in"
            data-options="/console/passkey/options"
            data-submit="/console/passkey/sign-in"
            data-csrf={o.csrf}
            data-unsupported={a.noWebAuthn}
          >
            {a.passkeyButton}
          </button>
          <p role="status" id="passkey-status" />
        </section>
        <form method="post" action="/console/recovery" aria-labelledby="recovery-title">
          <h2 id="recovery-title">{a.recoveryTitle}</h2>
          {o.recoveryError ? (
            <p role="alert" class="bad" id="recovery-error">
              {o.recoveryError}
            </p>
          ) : null}
          <Csrf value={o.csrf} />
          <label for="code">{a.recoveryLabel}</label>
          <p class="hint" id="code-hint">
            {a.recoveryHint}
          </p>
          <input
            id="code"
            name="code"
            autocomplete="off"
            spellcheck={false}
            aria-describedby={o.recoveryError ? 'code-hint recovery-error' : 'code-hint'}
            aria-invalid={o.recoveryError ? 'true' : undefined}
          />
          <p>
            <button type="submit">{a.recoverySubmit}</button>
          </p>
        </form>
        <form method="post" action="/console/sign-in" aria-labelledby="key-title">
          <h2 id="key-title">{a.keyTitle}</h2>
          <p>{t.signIn.intro}</p>
          {o.error ? (
            <p role="alert" class="bad" id="sign-in-error">
              {o.error}
            </p>
          ) : null}
          <Csrf value={o.csrf} />
          <label for="key">{t.signIn.key}</label>
          <p class="hint" id="key-hint">
            {t.signIn.keyHint}
          </p>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby={o.error ? 'key-hint sign-in-error' : 'key-hint'}
            aria-invalid={o.error ? 'true' : undefined}
            autofocus
          />
          <p>
            <button type="submit">{t.signIn.submit}</button>
          </p>
        </form>
      </>
    ),
  });
}
