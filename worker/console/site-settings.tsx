// Console page: every part of the site configuration a form away: name, languages, country and time zone; program
// and sender facts; quiet hours; limits; the widget theme with the real widget previewed. Each section saves on its
// own through the same rules as PUT /v1/sites/{site}; a refused form comes back with what was typed and each error
// in the console's language, by field.
import type { Context, Hono } from 'hono';
import { latestPolicyNumber, policyDrift } from '../domain/policies/index.ts';
import {
  quietHoursOf,
  replaceSiteConfig,
  WIDGET_THEME_KEYS,
  widgetDocument,
  type SiteConfig,
} from '../domain/site/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { publicOrigin } from '../http/origins.ts';
import { currentTemplateVersion } from '../policy/render.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { JsonSeed } from './json-seed.tsx';
import { PolicyDriftPanel } from './policy-drift.tsx';
import { Csrf, consoleHeaders, consolePage, Errors } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill, type ConsoleTexts } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

type Typed = Record<string, string>;
type Section = 'general' | 'program' | 'quiet-hours' | 'limits' | 'theme';

/**
 * The schema's own messages (lengths, types, formats: the ones zod and config.ts write) that the field's message in
 * the console's language says better. Any other rule's message (a placeholder, a provider the policy does not name)
 * is specific and kept.
 */
const GENERIC =
  /^(Too (small|big)|Invalid|Required|Expected|Unknown IANA|A (country|locale|plain CSS value|window|site id)|defaultLocale must|Missing text for locale|HH:MM$|id$)/;

/** Each error in the console's language: the message of the field it names (its longest known prefix), else the rule's. */
export function localizedErrors(t: ConsoleTexts, errors: FieldError[]): FieldError[] {
  const known = Object.keys(t.siteSettings.fields).sort((a, b) => b.length - a.length);
  return errors.map((e) => {
    if (!GENERIC.test(e.message)) return e;
    const key = known.find((k) => e.path === k || e.path.startsWith(`${k}.`));
    return key ? { path: e.path, message: t.siteSettings.fields[key]! } : e;
  });
}

/** The languages a policy can be published in: the current template's. */
export const templateLocales = () => Object.keys(policyTemplates[currentTemplateVersion] ?? {}).sort();

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/Paris', 'Europe/London', 'UTC'];
  }
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (value: string | undefined) => {
  const m = /^(\d{2}):(\d{2})$/.exec(value ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
};
const list = (value: string | undefined) =>
  (value ?? '')
    .slice(0, 2000)
    .split(/[\s,;]+/)
    .map((v) => v.trim())
    .filter(Boolean);

function Field(
  props: { id: string; label: string; name: string; value: string; typed: Typed } & Record<string, unknown>,
) {
  const { id, label, name, value, typed, ...rest } = props;
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} name={name} value={typed[name] ?? value} {...rest} />
    </>
  );
}

async function render(
  c: Context<ConsoleEnv>,
  o: { typed?: Typed; section?: Section; errors?: FieldError[]; saved?: boolean; status?: 200 | 422 } = {},
) {
  const { t, site, lang } = c.var;
  const s = t.siteSettings;
  const cfg = site.config;
  const typed = o.typed ?? {};
  const at = (section: Section) => (o.section === section ? typed : {});
  const errors = localizedErrors(t, o.errors ?? []);
  const offered = [...new Set([...templateLocales(), ...cfg.locales])];
  const quiet = quietHoursOf(cfg);
  const version = await latestPolicyNumber(c.get('ctx'), site.id);
  const docs = Object.fromEntries(
    await Promise.all(
      cfg.locales.map(async (locale) => [
        locale,
        await widgetDocument({
          site: site.id,
          config: cfg,
          locale,
          policy: { version, url: `${c.get('ctx').publicUrl}/p/${site.id}/${version}` },
        }),
      ]),
    ),
  );
  const checked = (name: string, on: boolean) => (o.section ? typed[name] === 'on' : on);
  const g = at('general');
  const p = at('program');
  const q = at('quiet-hours');
  const l = at('limits');
  const th = at('theme');
  const html = consolePage({
    ...(await shellFor(c)),
    title: s.title,
    current: 'configuration',
    islands: ['theme-preview'],
    scripts: ['/widget.js'],
    body: (
      <>
        <p>{s.intro}</p>
        {c.get('session').admin ? (
          <p>
            <a href="/console/sites/new">{s.newSite}</a>
          </p>
        ) : null}
        {o.saved ? (
          <p role="status" class="ok">
            {s.saved}
          </p>
        ) : null}
        <Errors t={t} errors={errors} />
        <PolicyDriftPanel
          t={t}
          drift={await policyDrift(c.get('ctx'), site, policyTemplates)}
          csrf={c.get('session').csrf}
        />
        <h2 id="general">{s.general}</h2>
        <form method="post" action="/console/configuration/general">
          <Csrf value={c.get('session').csrf} />
          <Field id="site-name" label={s.name} name="name" value={cfg.name} typed={g} maxlength={100} required />
          <fieldset>
            <legend>{s.locales}</legend>
            <p class="hint">{s.localesHint}</p>
            {offered.map((locale) => (
              <label style="font-weight:400">
                <input
                  type="checkbox"
                  name={`locale.${locale}`}
                  checked={o.section === 'general' ? g[`locale.${locale}`] === 'on' : cfg.locales.includes(locale)}
                />{' '}
                {localeName(locale, t.code)}
              </label>
            ))}
          </fieldset>
          <label for="default-locale">{s.defaultLocale}</label>
          <select id="default-locale" name="defaultLocale">
            {offered.map((locale) => (
              <option value={locale} selected={(g.defaultLocale ?? cfg.defaultLocale) === locale}>
                {localeName(locale, t.code)}
              </option>
            ))}
          </select>
          <Field
            id="default-country"
            label={s.defaultCountry}
            name="defaultCountry"
            value={cfg.defaultCountry}
            typed={g}
            maxlength={2}
            autocomplete="off"
          />
          <Field
            id="allowed-countries"
            label={s.allowedCountries}
            name="allowedCountries"
            value={(cfg.allowedCountries ?? [cfg.defaultCountry]).join(', ')}
            typed={g}
            maxlength={1000}
          />
          <Field
            id="timezone"
            label={s.timezone}
            name="timezone"
            value={cfg.timezone}
            typed={g}
            list="timezones"
            maxlength={64}
          />
          <datalist id="timezones">
            {timeZones().map((tz) => (
              <option value={tz} />
            ))}
          </datalist>
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <h2 id="program">{s.program}</h2>
        <p class="hint">{s.programHint}</p>
        <form method="post" action="/console/configuration/program">
          <Csrf value={c.get('session').csrf} />
          <Field
            id="program-name"
            label={s.programName}
            name="program.name"
            value={cfg.program.name}
            typed={p}
            maxlength={60}
          />
          <Field
            id="program-help"
            label={s.helpContact}
            name="program.helpContact"
            value={cfg.program.helpContact}
            typed={p}
            maxlength={200}
          />
          <Field
            id="program-short-code"
            label={s.shortCode}
            name="program.shortCode"
            value={cfg.program.shortCode ?? ''}
            typed={p}
            maxlength={20}
          />
          {cfg.locales.map((locale) => (
            <>
              <Field
                id={`program-description-${locale}`}
                label={fill(s.description, { locale: localeName(locale, t.code) })}
                name={`program.description.${locale}`}
                value={cfg.program.description[locale] ?? ''}
                typed={p}
                lang={locale}
                maxlength={500}
              />
              <Field
                id={`program-frequency-${locale}`}
                label={fill(s.frequency, { locale: localeName(locale, t.code) })}
                name={`program.frequency.${locale}`}
                value={cfg.program.frequency[locale] ?? ''}
                typed={p}
                lang={locale}
                maxlength={500}
              />
            </>
          ))}
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <h2 id="quiet-hours">{s.quietHours}</h2>
        <p class="hint">{s.quietHoursHint}</p>
        <form method="post" action="/console/configuration/quiet-hours">
          <Csrf value={c.get('session').csrf} />
          {s.days.map((day, i) => {
            const w = quiet.windows[i] ?? null;
            return (
              <fieldset>
                <legend>{day}</legend>
                <label style="font-weight:400">
                  <input type="checkbox" name={`closed.${i}`} checked={checked(`closed.${i}`, w === null)} /> {s.closed}
                </label>
                <Field
                  id={`from-${i}`}
                  label={s.from}
                  name={`from.${i}`}
                  value={w ? hhmm(w[0]) : '08:00'}
                  typed={q}
                  type="time"
                />
                <Field
                  id={`to-${i}`}
                  label={s.to}
                  name={`to.${i}`}
                  value={w ? hhmm(w[1]) : '20:00'}
                  typed={q}
                  type="time"
                />
              </fieldset>
            );
          })}
          <label for="holidays">{s.holidays}</label>
          <select id="holidays" name="holidays">
            {(['FR', 'none', 'list'] as const).map((v) => (
              <option
                value={v}
                selected={(q.holidays ?? (Array.isArray(quiet.holidays) ? 'list' : quiet.holidays)) === v}
              >
                {v === 'FR' ? s.holidaysFR : v === 'none' ? s.holidaysNone : s.holidaysList}
              </option>
            ))}
          </select>
          <label for="holiday-dates">{s.holidaysList}</label>
          <textarea id="holiday-dates" name="dates" rows={3}>
            {q.dates ?? (Array.isArray(quiet.holidays) ? quiet.holidays.join('\n') : '')}
          </textarea>
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <h2 id="limits">{s.limits}</h2>
        <form method="post" action="/console/configuration/limits">
          <Csrf value={c.get('session').csrf} />
          {(['perNumberPerDay', 'perIpPerHour', 'perSitePerDay', 'renewalsPerHour'] as const).map((key) => (
            <Field
              id={`limit-${key}`}
              label={s[key]}
              name={`limits.${key}`}
              value={String(cfg.limits[key])}
              typed={l}
              inputmode="numeric"
            />
          ))}
          <Field
            id="pending-ttl"
            label={s.pendingTtlHours}
            name="pendingTtlHours"
            value={String(cfg.pendingTtlHours)}
            typed={l}
            inputmode="numeric"
          />
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <h2 id="theme">{s.theme}</h2>
        <p class="hint">{s.themeHint}</p>
        <form method="post" action="/console/configuration/theme" id="theme-form">
          <Csrf value={c.get('session').csrf} />
          {WIDGET_THEME_KEYS.map((key) => (
            <Field
              id={`theme-${key}`}
              label={s.themeKeys[key] ?? key}
              name={`theme.${key}`}
              value={(cfg.widget?.theme as Record<string, string> | undefined)?.[key] ?? ''}
              typed={th}
              maxlength={60}
              data-theme-key={key}
            />
          ))}
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        {cfg.locales.map((locale) => (
          <section aria-label={fill(s.preview, { locale: localeName(locale, t.code) })}>
            <h3>{fill(s.preview, { locale: localeName(locale, t.code) })}</h3>
            <div class="preview" id={`theme-preview-${locale}`} data-locale={locale} />
          </section>
        ))}
        <JsonSeed id="theme-seed" value={{ site: site.id, api: publicOrigin(c), docs, lang }} />
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

/** Saves a section's change through the configuration's rules; a refusal re-renders that section as typed. */
async function save(
  c: Context<ConsoleEnv>,
  section: Section,
  typed: Typed,
  change: Partial<Record<keyof SiteConfig, unknown>>,
) {
  try {
    await replaceSiteConfig(c.get('ctx'), c.get('site'), { ...c.get('site').config, ...change });
  } catch (error) {
    if (error instanceof AppError && error.status === 422)
      return render(c, { typed, section, errors: error.errors ?? [], status: 422 });
    throw error;
  }
  return c.redirect(`/console/configuration?saved=1#${section}`, 303);
}

const number = (v: string | undefined) => (/^\s*\d{1,9}\s*$/.test(v ?? '') ? Number(v) : (v ?? ''));

export function siteSettingsRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/configuration', (c) => render(c, { saved: c.req.query('saved') === '1' }));

  app.post('/console/configuration/general', async (c) => {
    const f = await formBody(c);
    const locales = Object.keys(f)
      .filter((k) => k.startsWith('locale.') && f[k] === 'on')
      .map((k) => k.slice('locale.'.length));
    const cfg = c.get('site').config;
    // A language added gets its program texts from the default language's until they are written (the policy
    // refuses to publish without its own); a language removed keeps nothing behind.
    const per = (texts: Record<string, string>) =>
      Object.fromEntries(
        locales.map((l) => [l, texts[l] ?? texts[cfg.defaultLocale] ?? Object.values(texts)[0] ?? '']),
      );
    return save(c, 'general', f, {
      name: (f.name ?? '').trim(),
      locales,
      defaultLocale: f.defaultLocale ?? '',
      defaultCountry: (f.defaultCountry ?? '').trim().toUpperCase(),
      allowedCountries: list(f.allowedCountries).map((v) => v.toUpperCase()),
      timezone: (f.timezone ?? '').trim(),
      program: { ...cfg.program, description: per(cfg.program.description), frequency: per(cfg.program.frequency) },
    });
  });

  app.post('/console/configuration/program', async (c) => {
    const f = await formBody(c);
    const cfg = c.get('site').config;
    const per = (key: 'description' | 'frequency') =>
      Object.fromEntries(cfg.locales.map((l) => [l, (f[`program.${key}.${l}`] ?? '').trim()]));
    const shortCode = (f['program.shortCode'] ?? '').trim();
    return save(c, 'program', f, {
      program: {
        name: (f['program.name'] ?? '').trim(),
        helpContact: (f['program.helpContact'] ?? '').trim(),
        description: per('description'),
        frequency: per('frequency'),
        ...(shortCode ? { shortCode } : {}),
      },
    });
  });

  app.post('/console/configuration/quiet-hours', async (c) => {
    const f = await formBody(c);
    const windows = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      f[`closed.${i}`] === 'on' ? null : [minutesOf(f[`from.${i}`]), minutesOf(f[`to.${i}`])],
    );
    const bad = windows.findIndex((w) => w?.some((m) => Number.isNaN(m)));
    if (bad >= 0)
      return render(c, {
        typed: f,
        section: 'quiet-hours',
        errors: [{ path: `quietHours.windows.${bad}`, message: 'HH:MM' }],
        status: 422,
      });
    const holidays = f.holidays === 'FR' || f.holidays === 'none' ? f.holidays : list(f.dates);
    return save(c, 'quiet-hours', f, { quietHours: { windows, holidays } });
  });

  app.post('/console/configuration/limits', async (c) => {
    const f = await formBody(c);
    return save(c, 'limits', f, {
      limits: {
        perNumberPerDay: number(f['limits.perNumberPerDay']),
        perIpPerHour: number(f['limits.perIpPerHour']),
        perSitePerDay: number(f['limits.perSitePerDay']),
        // A form from before this field keeps the stored cap.
        renewalsPerHour:
          f['limits.renewalsPerHour'] === undefined
            ? c.get('site').config.limits.renewalsPerHour
            : number(f['limits.renewalsPerHour']),
      },
      pendingTtlHours: number(f.pendingTtlHours),
    });
  });

  app.post('/console/configuration/theme', async (c) => {
    const f = await formBody(c);
    const theme = Object.fromEntries(
      WIDGET_THEME_KEYS.map((k) => [k, (f[`theme.${k}`] ?? '').trim()]).filter(([, v]) => v !== ''),
    );
    const { theme: _old, ...widget } = c.get('site').config.widget ?? {};
    return save(c, 'theme', f, {
      widget: Object.keys(theme).length ? { ...widget, theme } : widget,
    });
  });
}
