// Console page for the platform admin: a guided creation of a site (id, name, languages, country, program), through
// the same rules as POST /v1/sites. The first API key is shown once, and the console then opens the new site.
import type { Context, Hono } from 'hono';
import { switchSite } from '../domain/console/index.ts';
import { createSite, loadSite, parseSiteConfig, siteIdSchema } from '../domain/site/index.ts';
import { AppError, forbidden, type FieldError } from '../errors.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { Csrf, consoleHeaders, consolePage, Errors } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { localizedErrors, templateLocales } from './site-settings.tsx';
import { fill } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

type Typed = Record<string, string>;

async function render(c: Context<ConsoleEnv>, o: { typed?: Typed; errors?: FieldError[]; status?: 200 | 422 } = {}) {
  const { t } = c.var;
  const s = t.siteSettings;
  const typed = o.typed ?? {};
  const locales = templateLocales();
  const chosen = (l: string) => (o.typed ? typed[`locale.${l}`] === 'on' : true);
  // A French owner setting up in a French console means a French site first: the default follows the console's
  // language when a template exists for it (else the first), so campaigns and pages do not start out in English.
  const defaultLocale = typed.defaultLocale ?? (locales.includes(c.get('lang')) ? c.get('lang') : locales[0]);
  const input = (id: string, name: string, label: string, rest: Record<string, unknown> = {}) => (
    <>
      <label for={id}>{label}</label>
      <input id={id} name={name} value={typed[name] ?? ''} {...rest} />
    </>
  );
  const html = consolePage({
    ...(await shellFor(c)),
    title: s.newSite,
    current: 'configuration',
    body: (
      <>
        <p>{s.newIntro}</p>
        <Errors t={t} errors={localizedErrors(t, o.errors ?? [])} />
        <form method="post" action="/console/sites/new">
          <Csrf value={c.get('session').csrf} />
          {input('new-id', 'id', s.siteId, { required: true, maxlength: 63, autocomplete: 'off' })}
          {input('new-name', 'name', s.name, { required: true, maxlength: 100 })}
          <fieldset>
            <legend>{s.locales}</legend>
            {locales.map((l) => (
              <label style="font-weight:400">
                <input type="checkbox" name={`locale.${l}`} checked={chosen(l)} /> {localeName(l, t.code)}
              </label>
            ))}
          </fieldset>
          <label for="new-default-locale">{s.defaultLocale}</label>
          <select id="new-default-locale" name="defaultLocale">
            {locales.map((l) => (
              <option value={l} selected={defaultLocale === l}>
                {localeName(l, t.code)}
              </option>
            ))}
          </select>
          {input('new-country', 'defaultCountry', s.defaultCountry, { maxlength: 2, required: true })}
          {input('new-timezone', 'timezone', s.timezone, { maxlength: 64, placeholder: 'Europe/Paris' })}
          <fieldset>
            <legend>{s.program}</legend>
            {input('new-program-name', 'program.name', s.programName, { required: true, maxlength: 60 })}
            {input('new-program-help', 'program.helpContact', s.helpContact, { required: true, maxlength: 200 })}
            {locales.map((locale) => (
              <>
                {input(
                  `new-description-${locale}`,
                  `program.description.${locale}`,
                  fill(s.description, { locale: localeName(locale, t.code) }),
                  {
                    lang: locale,
                    maxlength: 500,
                  },
                )}
                {input(
                  `new-frequency-${locale}`,
                  `program.frequency.${locale}`,
                  fill(s.frequency, { locale: localeName(locale, t.code) }),
                  {
                    lang: locale,
                    maxlength: 500,
                  },
                )}
              </>
            ))}
          </fieldset>
          <p>
            <button type="submit">{s.create}</button>
          </p>
        </form>
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

export function newSiteRoutes(app: Hono<ConsoleEnv>) {
  app.use('/console/sites/new', async (c, next) => {
    // Refused before anything is read or created: a site key's session never creates a site.
    if (!c.get('session').admin) throw forbidden(c.get('t').siteSettings.adminOnly);
    await next();
  });

  app.get('/console/sites/new', (c) => render(c));

  app.post('/console/sites/new', async (c) => {
    const f = await formBody(c);
    const locales = templateLocales().filter((l) => f[`locale.${l}`] === 'on');
    const per = (key: string) => Object.fromEntries(locales.map((l) => [l, (f[`program.${key}.${l}`] ?? '').trim()]));
    const id = (f.id ?? '').trim();
    const errors: FieldError[] = siteIdSchema.safeParse(id).success ? [] : [{ path: 'id', message: 'id' }];
    let config: ReturnType<typeof parseSiteConfig> | null = null;
    try {
      config = parseSiteConfig({
        name: (f.name ?? '').trim(),
        locales,
        defaultLocale: f.defaultLocale ?? '',
        defaultCountry: (f.defaultCountry ?? '').trim().toUpperCase(),
        timezone: (f.timezone ?? '').trim() || 'Europe/Paris',
        program: {
          name: (f['program.name'] ?? '').trim(),
          helpContact: (f['program.helpContact'] ?? '').trim(),
          description: per('description'),
          frequency: per('frequency'),
        },
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      errors.push(...(error.errors ?? []));
    }
    if (errors.length > 0 || !config) return render(c, { typed: f, errors, status: 422 });
    try {
      const { apiKey } = await createSite(c.get('ctx'), id, config);
      await switchSite(c.get('ctx'), c.get('session'), id);
      // The session now reads the new site: its header, and the audit entry for this POST (http.ts), name it.
      c.set('session', { ...c.get('session'), siteId: id });
      c.set('site', await loadSite(c.get('ctx'), id));
      const s = c.get('t').siteSettings;
      const html = consolePage({
        ...(await shellFor(c)),
        title: s.newSite,
        current: 'configuration',
        body: (
          <>
            <p role="status" class="ok">
              {fill(s.created, { site: id })} <code id="new-key">{apiKey}</code>
            </p>
            <p>
              <a href="/console/configuration">{s.title}</a>
            </p>
          </>
        ),
      });
      return c.body(html, 201, consoleHeaders);
    } catch (error) {
      if (error instanceof AppError && error.code === 'site_exists')
        return render(c, {
          typed: f,
          errors: [{ path: 'id', message: `${c.get('t').siteSettings.fields.exists}` }],
          status: 422,
        });
      throw error;
    }
  });
}
