// Console page: write an SMS with a live GSM-7/UCS-2 segment counter (the same composer and counter as sending),
// the opt-out mention every message carries shown, and in development a test send to a number.
import type { Context } from 'hono';
import type { Hono } from 'hono';
import { preview } from '../domain/messaging/index.ts';
import { sendTestSms } from '../domain/messaging/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { optOutMention } from '../sms/template.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { JsonSeed } from './json-seed.tsx';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

interface Draft {
  template: string;
  locale: string;
}

async function render(
  c: Context<ConsoleEnv>,
  o: { draft?: Draft; errors?: FieldError[]; sent?: boolean; status?: 200 | 422 } = {},
) {
  const { t, site } = c.var;
  const config = site.config;
  const draft = o.draft ?? { template: '', locale: config.defaultLocale };
  const shortCode = config.program.shortCode;
  let initial: ReturnType<typeof preview> | null = null;
  try {
    initial = draft.template ? preview(site, { template: draft.template, variables: {} }, draft.locale) : null;
  } catch {
    initial = null;
  }
  const mentions = Object.fromEntries(config.locales.map((l) => [l, optOutMention(l, shortCode)]));
  const dev = c.get('deps').mode === 'dev';
  const html = consolePage({
    ...(await shellFor(c)),
    title: t.sms.title,
    current: 'sms',
    islands: ['sms-counter'],
    body: (
      <>
        <p>{t.sms.intro}</p>
        <Errors t={t} errors={o.errors} />
        {o.sent ? (
          <p role="status" class="ok">
            {t.sms.testSent} <a href="/dev/outbox">/dev/outbox</a>
          </p>
        ) : null}
        <form method="post" action="/console/sms/test" id="sms-form">
          <Csrf value={c.get('session').csrf} />
          <label for="sms-locale">{t.sms.locale}</label>
          <select id="sms-locale" name="locale">
            {config.locales.map((l) => (
              <option value={l} selected={l === draft.locale}>
                {localeName(l, t.code)}
              </option>
            ))}
          </select>
          <label for="sms-template">{t.sms.template}</label>
          <textarea id="sms-template" name="template" rows={5} maxlength={1600} aria-describedby="sms-live">
            {draft.template}
          </textarea>
          <p id="sms-live" role="status" aria-live="polite">
            {initial
              ? fill(t.sms.counter, {
                  characters: initial.characters,
                  encoding: initial.encoding,
                  segments: initial.segments,
                })
              : ''}
          </p>
          <p>
            {t.sms.optOut} <q id="sms-opt-out">{mentions[draft.locale]}</q>
          </p>
          <h2>{t.sms.full}</h2>
          <pre id="sms-full">{initial?.text ?? ''}</pre>
          <h2>{t.sms.test}</h2>
          {dev ? (
            <>
              <label for="sms-to">{t.sms.testNumber}</label>
              <input id="sms-to" name="to" type="tel" autocomplete="off" />
              <p>
                <button type="submit">{t.sms.testSubmit}</button>
              </p>
            </>
          ) : (
            <p>{t.sms.devOnly}</p>
          )}
        </form>
        <JsonSeed id="sms-seed" value={{ senderName: config.program.name, shortCode: shortCode ?? null, t: t.sms }} />
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

export function smsRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/sms', (c) => render(c, { sent: c.req.query('sent') === '1' }));

  app.post('/console/sms/test', async (c) => {
    const { site } = c.var;
    const form = await formBody(c);
    const locale = site.config.locales.includes(form.locale ?? '') ? form.locale! : site.config.defaultLocale;
    const draft = { template: (form.template ?? '').slice(0, 1600), locale };
    if (c.get('deps').mode !== 'dev')
      return render(c, { draft, errors: [{ path: 'to', message: c.get('t').sms.devOnly }], status: 422 });
    try {
      const result = await sendTestSms(c.get('ctx'), site, { to: form.to ?? '', ...draft });
      if (!result.ok) return render(c, { draft, errors: [{ path: 'to', message: result.reason }], status: 422 });
    } catch (error) {
      if (error instanceof AppError && error.status === 422)
        return render(c, { draft, errors: error.errors ?? [], status: 422 });
      throw error;
    }
    return c.redirect('/console/sms?sent=1', 303);
  });
}
