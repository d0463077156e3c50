// The console's word on the live policy: whether it still says what the facts say, the sections a publish would
// change (words added and removed), and the one form that publishes them.
import type { PolicyDrift } from '../domain/policies/index.ts';
import { Csrf } from './shell.tsx';
import { frenchMessage } from '../http/problems-fr.ts';
import { fill, type ConsoleTexts } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

export function PolicyDriftPanel(props: { t: ConsoleTexts; drift: PolicyDrift; csrf: string }) {
  const { t, drift } = props;
  const s = t.siteSettings;
  if (drift.version === null) return <p id="policy-drift">{s.driftNever}</p>;
  if (!drift.changed)
    return (
      <p id="policy-drift" class="ok">
        {fill(s.driftNone, { version: drift.version })}
      </p>
    );
  return (
    <section id="policy-drift" class="bad" aria-labelledby="policy-drift-title">
      <h2 id="policy-drift-title">{fill(s.drift, { version: drift.version })}</h2>
      {'template' in drift && drift.template && <p>{fill(s.driftTemplate, { template: drift.template })}</p>}
      {'errors' in drift ? (
        <>
          <p>{s.driftCannot}</p>
          <ul>
            {drift.errors.map((e) => (
              <li>
                <code>{e.path}</code>
                {t.colon}
                {t.code === 'fr' ? frenchMessage(e.message) : e.message}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          {Object.entries(drift.changes).map(([locale, changes]) => (
            <details lang={locale}>
              <summary>{fill(s.driftChanges, { locale: localeName(locale, t.code) })}</summary>
              {changes.map((c) => (
                <div>
                  <h3>{c.title}</h3>
                  <pre>
                    {c.kind === 'changed' ? (
                      c.parts.map((p) =>
                        p.op === 'same' ? p.text : p.op === 'add' ? <ins>{p.text}</ins> : <del>{p.text}</del>,
                      )
                    ) : c.kind === 'added' ? (
                      <ins>{c.markdown}</ins>
                    ) : (
                      <del>{c.markdown}</del>
                    )}
                  </pre>
                </div>
              ))}
            </details>
          ))}
          <form method="post" action="/console/policy/publish-current">
            <Csrf value={props.csrf} />
            <label for="drift-summary">{s.driftSummary}</label>
            <input
              id="drift-summary"
              name="summary"
              required
              maxlength={500}
              value={
                drift.fields.length === 0 && drift.template
                  ? fill(s.driftWording, { template: drift.template })
                  : fill(s.driftDefault, { fields: drift.fields.join(', ') || '—' })
              }
            />
            <p>
              <button type="submit" id="publish-current">
                {s.publishNow}
              </button>
            </p>
          </form>
        </>
      )}
    </section>
  );
}
