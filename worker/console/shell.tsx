// The console's frame around each page: the shared HTML shell (worker/pages/layout.tsx), navigation, the site
// (a switcher for the platform admin), language switch, sign-out; islands load as same-origin scripts.
import type { ComponentChildren } from 'preact';
import { page } from '../pages/layout.tsx';
import type { FieldError } from '../errors.ts';
import type { ConsoleTexts } from './texts.ts';
import { islandUrl, type IslandName } from './assets.ts';
import { frenchMessage } from '../http/problems-fr.ts';

export const consoleHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on our own form posts, which the CSRF check refuses.
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const CSS = `
main{max-width:64rem}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;max-width:64rem;margin:0 auto;padding:1rem 1rem 0}
.top form{display:inline}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.5rem auto 0;max-width:64rem;padding:0 1rem}
nav a[aria-current=page]{font-weight:700}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
label{display:block;font-weight:600;margin-top:.75rem}
input,select,textarea{font:inherit;width:100%;max-width:40rem;padding:.45rem;border:1px solid var(--muted);border-radius:.35rem;background:var(--bg);color:var(--fg)}
input[type=checkbox],input[type=radio]{width:auto}
input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
fieldset{border:1px solid var(--muted);border-radius:.5rem;margin:.75rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:700;padding:0 .25rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;padding:.25rem .75rem .25rem 0;border-bottom:1px solid var(--muted)}
.hint{color:var(--muted);font-size:.95rem;margin:.15rem 0}
.ok{border-left:4px solid #137333;padding:.25rem .75rem}.bad{border-left:4px solid #b3261e;padding:.25rem .75rem}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem}@media (max-width:50rem){.grid{grid-template-columns:1fr}}
pre{white-space:pre-wrap;word-break:break-all;background:rgba(127,127,127,.12);padding:.5rem;border-radius:.35rem}
button.secondary{background:transparent;color:var(--accent)}
ins{background:rgba(19,115,51,.18);text-decoration:none}del{background:rgba(179,38,30,.18)}
`;

export interface ShellOptions {
  t: ConsoleTexts;
  lang: string;
  title: string;
  current?: keyof ConsoleTexts['nav'];
  csrf?: string;
  /** Before sign-in: the pre-session form token the language switch carries (inside, `csrf` is). */
  preCsrf?: string;
  site?: { id: string; name: string };
  /** For the platform admin: every site id, to switch. */
  sites?: string[];
  /** The signed-in role: the owners' sections (people, audit trail) are listed for owners only. */
  role?: string;
  islands?: IslandName[];
  /** Extra scripts, same-origin (the widget for the preview). */
  scripts?: string[];
  body: ComponentChildren;
}

export function Errors(props: { t: ConsoleTexts; errors: FieldError[] | undefined; detail?: string | undefined }) {
  if (!props.errors?.length && !props.detail) return null;
  // Messages come from the rules in English; a French console shows them in French.
  const say = (text: string) => (props.t.code === 'fr' ? frenchMessage(text) : text);
  return (
    <div role="alert" class="bad" id="errors">
      <p>
        <strong>{props.t.errors.title}</strong> {props.detail === undefined ? null : say(props.detail)}
      </p>
      {props.errors?.length ? (
        <ul>
          {props.errors.map((e) => (
            <li>
              <code>{e.path}</code>
              {props.t.colon}
              {say(e.message)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export const Csrf = (props: { value: string }) => <input type="hidden" name="csrf" value={props.value} />;

export function consolePage(o: ShellOptions): string {
  const { t } = o;
  const ownersOnly = new Set(['people', 'audit']);
  const nav = (Object.entries(t.nav) as [keyof ConsoleTexts['nav'], string][]).filter(
    ([key]) => !o.role || o.role === 'owner' || !ownersOnly.has(key),
  );
  const href = (key: string) => (key === 'overview' ? '/console' : `/console/${key}`);
  return page({
    lang: o.lang,
    title: `${o.title} · ${t.title}`,
    css: CSS,
    head: [
      ...(o.csrf ? [<meta name="csrf-token" content={o.csrf} />] : []),
      ...(o.scripts ?? []).map((src) => <script src={src} defer />),
      ...(o.islands ?? []).map((name) => <script type="module" src={islandUrl(name)} />),
    ],
    body: (
      <>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header>
          <div class="top">
            <strong>{t.title}</strong>
            {o.site && o.sites && o.csrf ? (
              <form method="post" action="/console/site">
                <Csrf value={o.csrf} />
                <label for="site-switch" style="display:inline;margin-right:.5rem">
                  {t.site}
                </label>
                <select id="site-switch" name="site" style="width:auto">
                  {o.sites.map((id) => (
                    <option value={id} selected={id === o.site!.id}>
                      {id}
                    </option>
                  ))}
                </select>{' '}
                <button type="submit" class="secondary">
                  {t.switchSite}
                </button>
              </form>
            ) : o.site ? (
              <span>
                {t.site}
                {t.colon}
                <strong>{o.site.name}</strong> ({o.site.id})
              </span>
            ) : null}
            <span>
              {(o.csrf ?? o.preCsrf) ? (
                // A POST form, CSRF-guarded like every other: a GET that set a cookie could be sent by any page.
                <form method="post" action="/console/lang" style="display:inline">
                  <Csrf value={(o.csrf ?? o.preCsrf)!} />
                  <input type="hidden" name="lang" value={t.languageCode} />
                  <button type="submit" class="secondary" lang={t.languageCode}>
                    {t.language}
                  </button>
                </form>
              ) : null}
              {o.csrf && o.site ? (
                <a href="/console/account" style="margin-left:1rem">
                  {t.access.account.title}
                </a>
              ) : null}
              {o.csrf ? (
                <form method="post" action="/console/sign-out" style="margin-left:1rem">
                  <Csrf value={o.csrf} />
                  <button type="submit" class="secondary">
                    {t.signOut}
                  </button>
                </form>
              ) : null}
            </span>
          </div>
          {o.csrf && o.site ? (
            <nav aria-label={t.navLabel}>
              <ul>
                {nav.map(([key, label]) => (
                  <li>
                    <a href={href(key)} aria-current={key === o.current ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="main">
          <h1>{o.title}</h1>
          {o.body}
        </main>
      </>
    ),
  });
}
