// The sign-in page: one field for a site API key (or the platform admin token), posted with a login-CSRF token.
import { Csrf, consolePage } from './shell.tsx';
import type { ConsoleTexts } from './texts.ts';

export function signInPage(o: { t: ConsoleTexts; lang: string; csrf: string; error?: string }): string {
  const { t } = o;
  return consolePage({
    t,
    lang: o.lang,
    preCsrf: o.csrf,
    title: t.signIn.title,
    body: (
      <form method="post" action="/console/sign-in">
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
    ),
  });
}
