// Console page: the policy facts as a guided form generated in the browser from the facts' zod schema, with a
// live Art. 13 checklist, reading ease per section, a preview, the diff against the published version and whether
// the change is material. Publishing saves the facts (PUT rules) and publishes (publish rules); a refusal names
// every missing or wrong item. The form posts multipart: JSON is not percent-encoded there, so more facts fit the body limit.
import type { Context } from 'hono';
import type { Hono } from 'hono';
import { policyDrift, publishPolicy } from '../domain/policies/index.ts';
import { latestPolicyLocales } from '../domain/policies/index.ts';
import { parseSiteConfig, policyFactsOf, replaceSiteConfig } from '../domain/site/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { MAX_JSON_DEPTH, parseJson } from '../http/body.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { JsonSeed } from './json-seed.tsx';
import { PolicyDriftPanel } from './policy-drift.tsx';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill } from './texts.ts';
import { frenchMessage } from '../http/problems-fr.ts';

interface RenderOptions {
  facts?: unknown;
  summary?: string;
  errors?: FieldError[];
  detail?: string;
  published?: number;
  status?: 200 | 422;
}

async function render(c: Context<ConsoleEnv>, o: RenderOptions = {}) {
  const { t, site, lang } = c.var;
  const ctx = c.get('ctx');
  const rows = await latestPolicyLocales(ctx, site.id);
  const latest = rows[0]?.version ?? null;
  const { program, ...stored } = policyFactsOf(site.config);
  const seed = {
    lang,
    locales: site.config.locales,
    country: site.config.defaultCountry,
    facts: o.facts ?? stored,
    program,
    context: { publicUrl: ctx.publicUrl, site: site.id, lastContactDays: site.config.retention.lastContactDays },
    published: rows.length
      ? {
          version: latest,
          facts: JSON.parse(rows[0]!.facts) as unknown,
          markdown: Object.fromEntries(rows.map((r) => [r.locale, r.markdown])),
        }
      : null,
    t: t.policy,
  };
  const html = consolePage({
    ...(await shellFor(c)),
    title: t.policy.title,
    current: 'policy',
    islands: ['policy-form'],
    body: (
      <>
        <p>{t.policy.intro}</p>
        <p>{latest === null ? t.policy.none : fill(t.policy.published, { version: latest })}</p>
        {latest === null || o.published ? null : (
          <PolicyDriftPanel t={t} drift={await policyDrift(ctx, site, policyTemplates)} csrf={c.get('session').csrf} />
        )}
        {o.published ? (
          <p role="status" class="ok" id="published">
            {fill(t.policy.done, { version: o.published })}{' '}
            <a href={`/p/${site.id}/${o.published}`}>
              /p/{site.id}/{o.published}
            </a>
          </p>
        ) : null}
        {o.errors?.length || o.detail ? (
          <div id="refusal">
            <Errors
              t={t}
              errors={o.errors}
              detail={`${t.policy.refused} ${t.code === 'fr' ? frenchMessage(o.detail ?? '') : (o.detail ?? '')}`}
            />
          </div>
        ) : null}
        <form method="post" action="/console/policy" id="policy-form" enctype="multipart/form-data">
          <Csrf value={c.get('session').csrf} />
          <div id="policy-app">
            <noscript>{t.policy.noScript}</noscript>
          </div>
          <input type="hidden" name="facts" id="facts-json" value={JSON.stringify(seed.facts)} />
          <label for="summary">{t.policy.summary}</label>
          <input id="summary" name="summary" required maxlength={500} value={o.summary ?? ''} />
          <p>
            <button type="submit" id="publish">
              {t.policy.publish}
            </button>
          </p>
        </form>
        <JsonSeed id="policy-seed" value={seed} />
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

export function policyRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/policy', (c) => {
    const published = Number(c.req.query('published'));
    return render(c, Number.isSafeInteger(published) && published > 0 ? { published } : {});
  });

  // The one action the drift panel offers: publish the facts as they are now.
  app.post('/console/policy/publish-current', async (c) => {
    const summary = ((await formBody(c)).summary ?? '').trim().slice(0, 500);
    if (!summary) return render(c, { errors: [{ path: 'summary', message: 'Say what changed.' }], status: 422 });
    try {
      const published = await publishPolicy(c.get('ctx'), c.get('site'), { summary, templates: policyTemplates });
      return c.redirect(`/console/policy?published=${published.version}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return render(c, { summary, errors: error.errors ?? [], detail: error.message, status: 422 });
    }
  });

  app.post('/console/policy', async (c) => {
    const form = await formBody(c);
    const summary = (form.summary ?? '').trim().slice(0, 500);
    let facts: unknown;
    try {
      // parseJson refuses deep nesting too, which would otherwise overflow the stack further on (a 500).
      facts = parseJson(form.facts ?? '');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message =
        error.code === 'json_too_deep' ? `Nested deeper than ${MAX_JSON_DEPTH} levels.` : 'Not valid JSON.';
      return render(c, { summary, errors: [{ path: 'policy', message }], status: 422 });
    }
    if (!facts || typeof facts !== 'object' || Array.isArray(facts)) {
      return render(c, { summary, errors: [{ path: 'policy', message: 'Expected an object.' }], status: 422 });
    }
    // The program block is said once, in the site's program; the form never sends it.
    const { program: _ignored, ...policy } = facts as Record<string, unknown>;
    if (!summary)
      return render(c, {
        facts: policy,
        summary,
        errors: [{ path: 'summary', message: 'Say what changed.' }],
        status: 422,
      });
    try {
      // Publish from the edited facts first, save them second: a policy the renderer refuses (too hard to read, an
      // item not answered) leaves the stored configuration as it was, as the refusal on the page says.
      const site = { id: c.get('site').id, config: parseSiteConfig({ ...c.get('site').config, policy }) };
      const published = await publishPolicy(c.get('ctx'), site, { summary, templates: policyTemplates });
      await replaceSiteConfig(c.get('ctx'), c.get('site'), site.config);
      return c.redirect(`/console/policy?published=${published.version}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return render(c, { facts: policy, summary, errors: error.errors ?? [], detail: error.message, status: 422 });
    }
  });
}
