// Island: the policy facts form, generated from the facts' zod schema at runtime, with what publishing would say
// computed by the same code as publishing: the completeness check, the rendered policy per locale, its Art. 13
// coverage, reading ease per section, the diff against the published version and whether the change is material.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { z } from 'zod';
import { AppError, type FieldError } from '../../errors.ts';
import { policyTemplates } from '../../generated/policy-templates.ts';
import { diffSections, materialChanges } from '../../policy/diff.ts';
import { assertCompleteFacts, policyFactsSchema, type PolicyFacts } from '../../policy/facts.ts';
import { markdownToHtml } from '../../policy/markdown.ts';
import { minSectionScore, readability } from '../../policy/readability.ts';
import { coverage, renderPolicy, art13Items } from '../../policy/render.ts';
import { parseSections } from '../../policy/template.ts';
import { frenchMessage } from '../../http/problems-fr.ts';
import { ART13 } from './lib/policy-labels.ts';
import { localeName } from './lib/locale-name.ts';
import { Field, setIn, type FormContext, type JsonSchema } from './lib/schema-form.tsx';

interface Seed {
  lang: 'en' | 'fr';
  locales: string[];
  country: string;
  facts: Record<string, unknown>;
  program: Record<string, unknown>;
  context: { publicUrl: string; site: string; lastContactDays?: number };
  published: { version: number; facts: PolicyFacts; markdown: Record<string, string> } | null;
  t: Record<string, string>;
}

const seed = JSON.parse(document.getElementById('policy-seed')?.textContent ?? '{}') as Seed;
const schema = z.toJSONSchema(policyFactsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const fields = Object.entries(schema.properties ?? {}).filter(([key]) => key !== 'program');

function evaluate(facts: Record<string, unknown>) {
  let parsed: PolicyFacts | null = null;
  let errors: FieldError[] = [];
  try {
    parsed = assertCompleteFacts({ ...facts, program: seed.program }, { country: seed.country });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    errors = error.errors ?? [{ path: 'policy', message: error.message }];
  }
  const rendered = parsed
    ? seed.locales.flatMap((locale) => {
        try {
          const policy = renderPolicy({ facts: parsed!, locale, templates: policyTemplates, context: seed.context });
          return [{ locale, policy, report: readability(policy.sections, locale), missing: coverage(policy.sections) }];
        } catch (error) {
          errors.push({ path: `policy.${locale}`, message: (error as Error).message });
          return [];
        }
      })
    : [];
  const material = parsed && seed.published ? materialChanges(seed.published.facts, parsed) : [];
  return { parsed, errors, rendered, material };
}

function App() {
  const [facts, setFacts] = useState<Record<string, unknown>>(seed.facts ?? {});
  const [locale, setLocale] = useState(seed.locales[0]!);
  const result = useMemo(() => evaluate(facts), [facts]);
  useEffect(() => {
    const hidden = document.getElementById('facts-json') as HTMLInputElement | null;
    if (hidden) hidden.value = JSON.stringify(facts);
  }, [facts]);
  const t = seed.t;
  const errors = new Map(result.errors.map((e) => [e.path, seed.lang === 'fr' ? frenchMessage(e.message) : e.message]));
  const ctx: FormContext = {
    lang: seed.lang,
    locales: seed.locales,
    errors,
    t: { optional: t.optional!, add: t.add!, remove: t.remove!, choose: t.choose!, perLocale: t.perLocale! },
    set: (path, value) => setFacts((old) => (setIn(old, path, value) ?? {}) as Record<string, unknown>),
  };
  const shown = result.rendered.find((r) => r.locale === locale);
  const published = seed.published?.markdown[locale];
  const diff =
    shown && published
      ? diffSections(parseSections(published), shown.policy.sections).filter((c) => c.kind !== 'unchanged')
      : [];
  const failing = (fact: string) =>
    [...errors.keys()].some((p) => p === `policy.${fact}` || p.startsWith(`policy.${fact}.`));
  return (
    <div class="grid">
      <div>
        {fields.map(([key, s]) => (
          <Field s={s} path={[key]} value={facts[key]} required={(schema.required ?? []).includes(key)} ctx={ctx} />
        ))}
      </div>
      <div>
        <section aria-labelledby="checklist-title">
          <h2 id="checklist-title">{t.checklist}</h2>
          <p role="status" aria-live="polite" id="facts-status" class={result.errors.length ? 'bad' : 'ok'}>
            {result.errors.length ? `${t.problems} ${result.errors.map((e) => e.path).join(', ')}` : t.complete}
          </p>
          <ul id="art13">
            {art13Items.map((item) => {
              const ok = shown ? !shown.missing.includes(item) : !failing(ART13[item]!.fact);
              return (
                <li data-item={item} data-ok={String(ok)}>
                  {ok ? '✓' : '✗'} {ART13[item]![seed.lang]} <span class="hint">({item})</span>
                </li>
              );
            })}
          </ul>
        </section>
        <label for="preview-locale">{t.preview!.replace(' ({locale})', '')}</label>
        <select id="preview-locale" onChange={(e) => setLocale((e.target as HTMLSelectElement).value)}>
          {seed.locales.map((l) => (
            <option value={l} selected={l === locale}>
              {localeName(l, seed.lang)}
            </option>
          ))}
        </select>
        {shown ? (
          <>
            <h2>{t.readability!.replace('{locale}', localeName(locale, seed.lang))}</h2>
            <table id="readability">
              <tbody>
                {shown.report.sections.map((s) => (
                  <tr data-section={s.id} class={s.score < minSectionScore ? 'bad' : undefined}>
                    <th scope="row">{s.title}</th>
                    <td>{s.score}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>{t.diff}</h2>
            <p id="material" class={result.material.length ? 'bad' : 'ok'}>
              {!seed.published
                ? t.none
                : result.material.length
                  ? `${t.material} (${result.material.join(', ')})`
                  : t.notMaterial}
            </p>
            {diff.map((change) => (
              <details>
                <summary>
                  {change.kind}: {change.title}
                </summary>
                {change.kind === 'changed' ? (
                  <p>
                    {change.parts.map((p) =>
                      p.op === 'add' ? <ins>{p.text}</ins> : p.op === 'del' ? <del>{p.text}</del> : p.text,
                    )}
                  </p>
                ) : (
                  <pre>{change.markdown}</pre>
                )}
              </details>
            ))}
            <h2>{t.preview!.replace('{locale}', localeName(locale, seed.lang))}</h2>
            <div
              id="policy-preview"
              lang={locale}
              dangerouslySetInnerHTML={{ __html: markdownToHtml(shown.policy.markdown) }}
            />
          </>
        ) : null}
      </div>
    </div>
  );
}

const mount = document.getElementById('policy-app');
if (mount) {
  mount.textContent = '';
  render(<App />, mount);
}
