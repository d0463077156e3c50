// Console page: the widget's texts per locale with a live preview of the real widget (/widget.js mounted by
// window.Assent.mount, fed the edited texts), and the equal-choice rule checked as you type and on save.
import type { Context } from 'hono';
import type { Hono } from 'hono';
import { EDITABLE_WIDGET_TEXTS, type EditableWidgetText } from '../domain/console/index.ts';
import { equalChoice } from '../domain/site/index.ts';
import { latestPolicyNumber } from '../domain/policies/index.ts';
import { replaceSiteConfig } from '../domain/site/index.ts';
import {
  mergeEditedTexts,
  unequalChoiceLocales,
  widgetDocument,
  widgetTemplate,
  type EditedWidgetTexts,
} from '../domain/site/index.ts';
import type { FieldError } from '../errors.ts';
import { AppError } from '../errors.ts';
import { publicOrigin } from '../http/origins.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { JsonSeed } from './json-seed.tsx';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

type Edited = EditedWidgetTexts;
async function render(
  c: Context<ConsoleEnv>,
  options: { edited?: Edited; errors?: FieldError[]; saved?: boolean; status?: 200 | 422 } = {},
) {
  const { t, site } = c.var;
  const config = site.config;
  const labels = t.widget.labels as Record<string, string>;
  const version = await latestPolicyNumber(c.get('ctx'), site.id);
  const stored = (config.widget?.texts ?? {}) as Edited;
  const values = (locale: string, key: EditableWidgetText) =>
    options.edited?.[locale]?.[key] ?? stored[locale]?.[key] ?? String(widgetTemplate(config, locale)[key] ?? '');
  const docs = Object.fromEntries(
    await Promise.all(
      config.locales.map(async (locale) => [
        locale,
        await widgetDocument({
          site: site.id,
          config,
          locale,
          policy: { version, url: `${c.get('ctx').publicUrl}/p/${site.id}/${version}` },
        }),
      ]),
    ),
  );
  const seed = {
    site: site.id,
    api: publicOrigin(c),
    docs,
    values: { help: config.program.helpContact, version: String(version), shortCode: config.program.shortCode ?? '' },
    texts: { ok: t.widget.equalOk, bad: t.widget.equalBad },
  };
  const html = consolePage({
    ...(await shellFor(c)),
    title: t.widget.title,
    current: 'widget',
    islands: ['widget-preview'],
    scripts: ['/widget.js'],
    body: (
      <>
        <p>{t.widget.intro}</p>
        {options.saved ? (
          <p role="status" class="ok">
            {t.widget.saved}
          </p>
        ) : null}
        <Errors t={t} errors={options.errors} />
        <p class="hint" id="equal-rule">
          {t.widget.equal}
        </p>
        <form method="post" action="/console/widget" id="widget-form">
          <Csrf value={c.get('session').csrf} />
          <p class="hint" id="program-moved">
            <a href="/console/configuration#program">{t.siteSettings.program}</a>
          </p>
          {config.locales.map((locale) => (
            <div class="grid" data-locale={locale}>
              <fieldset lang={locale}>
                <legend>{fill(t.widget.locale, { locale: localeName(locale, t.code) })}</legend>
                {EDITABLE_WIDGET_TEXTS.map((key) => (
                  <>
                    <label for={`t-${locale}-${key}`}>{labels[key] ?? key}</label>
                    <input
                      id={`t-${locale}-${key}`}
                      name={`t.${locale}.${key}`}
                      value={values(locale, key)}
                      maxlength={500}
                      data-key={key}
                    />
                  </>
                ))}
                <p role="status" aria-live="polite" class="equal-status" id={`equal-${locale}`}>
                  {equalChoice(values(locale, 'yes'), values(locale, 'no')).ok ? t.widget.equalOk : t.widget.equalBad}
                </p>
              </fieldset>
              <section aria-label={fill(t.widget.preview, { locale: localeName(locale, t.code) })}>
                <h2>{fill(t.widget.preview, { locale: localeName(locale, t.code) })}</h2>
                <div class="preview" id={`preview-${locale}`} data-locale={locale} />
              </section>
            </div>
          ))}
          <p>
            <button type="submit">{t.widget.save}</button>
          </p>
        </form>
        <JsonSeed id="widget-seed" value={seed} />
      </>
    ),
  });
  return c.body(html, options.status ?? 200, consoleHeaders);
}

export function widgetTextRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/widget', (c) => render(c, { saved: c.req.query('saved') === '1' }));

  app.post('/console/widget', async (c) => {
    const { site } = c.var;
    const form = await formBody(c);
    const edited: Edited = {};
    for (const locale of site.config.locales) {
      edited[locale] = Object.fromEntries(
        EDITABLE_WIDGET_TEXTS.map((key) => [key, (form[`t.${locale}.${key}`] ?? '').slice(0, 500)]),
      );
    }
    const errors: FieldError[] = unequalChoiceLocales(site.config, edited).map((locale) => ({
      path: `widget.texts.${locale}.yes`,
      message: c.get('t').widget.equalBad,
    }));
    if (errors.length) return render(c, { edited, errors, status: 422 });
    const texts = mergeEditedTexts(site.config, edited);
    try {
      await replaceSiteConfig(c.get('ctx'), site, {
        ...site.config,
        widget: { ...site.config.widget, texts },
      });
    } catch (error) {
      if (error instanceof AppError && error.status === 422)
        return render(c, { edited, errors: error.errors ?? [], status: 422 });
      throw error;
    }
    return c.redirect('/console/widget?saved=1', 303);
  });
}
