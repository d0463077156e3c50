// Accessible HTML pages for published policies and for the diff between two versions (server-rendered Preact).
import type { ComponentChildren } from 'preact';
import { page } from '../pages/layout.tsx';
import { diffSections, type DiffPart, type SectionChange } from './diff.ts';
import { markdownToHtml } from './markdown.ts';
import { formatDate, formatScore, pageTexts, type PageTexts } from './page-texts.ts';
import { minOverallScore, minSectionScore, readability, type ReadabilityReport } from './readability.ts';
import { parseSections, parseTitle } from './template.ts';

export { markdownToHtml } from './markdown.ts';

const CSS = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--accent:#0b57d0;--muted:#4d4d4d;--line:#ccc;--ins:#d8f5d8;--del:#fde0e0}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--accent:#8ab4f8;--muted:#c4c4c4;--line:#444;--ins:#113d1b;--del:#4a1518}}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main,header,footer{max-width:42rem;margin:0 auto;padding:0 1rem}main{padding-bottom:2rem}
h1{font-size:1.7rem;line-height:1.25;margin-top:1.5rem}h2{font-size:1.3rem;margin-top:2rem}
a{color:var(--accent)}a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.meta{color:var(--muted)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
nav.toc{border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1.25rem;margin:1rem 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.diff{white-space:pre-wrap;border:1px solid var(--line);border-radius:.5rem;padding:.75rem}
ins{background:var(--ins);color:inherit}del{background:var(--del);color:inherit}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{
  body{font-size:11pt;color:#000;background:#fff}.skip,nav.toc,footer{display:none}
  main a[href^="http"]::after,main a[href^="mailto:"]::after{content:" (" attr(href) ")";font-size:.9em}
  h2{break-after:avoid}section{break-inside:avoid-page}
}
`;

/** Policies are public documents: the shared page shell, indexable, with the document's own styles. */
export function documentHtml(options: { lang: string; title: string; children: ComponentChildren }): string {
  return page({ lang: options.lang, title: options.title, body: options.children, css: CSS, indexable: true });
}

export interface VersionInfo {
  version: number;
  publishedAt: string | Date;
  summary?: string;
}

export interface PolicyPageProps {
  site: { id: string; name: string };
  version: number;
  locale: string;
  publishedAt: string | Date;
  /** The exact published Markdown of this version and locale. */
  markdown: string;
  /** Every published version, for the history links. */
  versions: readonly VersionInfo[];
  /** Computed from the Markdown when not given. */
  scores?: ReadabilityReport;
  /** Where `/p/{site}` lives; defaults to the relative path. */
  basePath?: string;
  timeZone?: string;
}

function Scores({
  report,
  t,
  sectionTitles,
}: {
  report: ReadabilityReport;
  t: PageTexts;
  sectionTitles: Map<string, string>;
}) {
  return (
    <section aria-labelledby="readability">
      <h2 id="readability">{t.readability}</h2>
      <p>{t.readabilityHelp(minOverallScore, minSectionScore)}</p>
      <table>
        <caption class="meta">{t.formula[report.formula]}</caption>
        <thead>
          <tr>
            <th scope="col">{t.section}</th>
            <th scope="col">{t.score}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t.overall}</th>
            <td class="num">{formatScore(report.overall.score, report.locale)}</td>
          </tr>
          {report.sections.map((s) => (
            <tr key={s.id}>
              <th scope="row">{sectionTitles.get(s.id) ?? s.title}</th>
              <td class="num">{formatScore(s.score, report.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function policyPage(props: PolicyPageProps): string {
  const { site, version, locale, publishedAt, markdown, versions, timeZone } = props;
  const t = pageTexts(locale);
  const base = props.basePath ?? `/p/${encodeURIComponent(site.id)}`;
  const q = `?locale=${encodeURIComponent(locale)}`;
  const sections = parseSections(markdown);
  const title = parseTitle(markdown) ?? site.name;
  const intro = markdown.split(/^<!--\s*section:/m)[0]!.replace(/^#[ \t].*$/m, '');
  const report = props.scores ?? readability(sections, locale);
  const titles = new Map(sections.map((s) => [s.id, s.title]));
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return documentHtml({
    lang: locale,
    title: `${title} — ${t.versionLine(version, formatDate(publishedAt, locale, timeZone))}`,
    children: (
      <>
        <a class="skip" href="#policy">
          {t.skip}
        </a>
        <header>
          <p class="meta">{site.name}</p>
        </header>
        <main id="policy" tabIndex={-1}>
          <h1>{title}</h1>
          <p class="meta">
            {t.versionLine(version, formatDate(publishedAt, locale, timeZone))}
            {version > 1 ? (
              <>
                {' · '}
                <a href={`${base}/diff/${version - 1}/${version}${q}`}>{t.changesFrom(version - 1)}</a>
              </>
            ) : null}
          </p>
          <div dangerouslySetInnerHTML={{ __html: markdownToHtml(intro) }} />
          <nav class="toc" aria-labelledby="toc">
            <h2 id="toc">{t.contents}</h2>
            <ol>
              {sections.map((s) => (
                <li key={s.id}>
                  <a href={`#${s.id}`}>{s.title}</a>
                </li>
              ))}
            </ol>
          </nav>
          {sections.map((s) => (
            <section
              key={s.id}
              aria-labelledby={s.id}
              data-covers={s.covers.join(' ')}
              dangerouslySetInnerHTML={{
                __html: markdownToHtml(s.markdown, { headingId: (_text, _level, i) => (i === 0 ? s.id : undefined) }),
              }}
            />
          ))}
          <Scores report={report} t={t} sectionTitles={titles} />
          <section aria-labelledby="versions">
            <h2 id="versions">{t.versions}</h2>
            <ul>
              {sorted.map((v) => (
                <li key={v.version}>
                  {v.version === version ? (
                    <strong aria-current="page">
                      {t.versionLine(v.version, formatDate(v.publishedAt, locale, timeZone))} ({t.thisVersion})
                    </strong>
                  ) : (
                    <a href={`${base}/${v.version}${q}`}>
                      {t.versionLine(v.version, formatDate(v.publishedAt, locale, timeZone))}
                    </a>
                  )}
                  {v.summary ? <> — {v.summary}</> : null}
                  {v.version > 1 ? (
                    <>
                      {' · '}
                      <a href={`${base}/diff/${v.version - 1}/${v.version}${q}`}>{t.changesFrom(v.version - 1)}</a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        </main>
        <footer>
          <p>
            {t.formats} <a href={`${base}/${version}?format=md&locale=${encodeURIComponent(locale)}`}>{t.markdown}</a>
            {' · '}
            <a href={`${base}/${version}?format=json&locale=${encodeURIComponent(locale)}`}>{t.json}</a>
          </p>
        </footer>
      </>
    ),
  });
}

function Parts({ parts, t }: { parts: DiffPart[]; t: PageTexts }) {
  return (
    <div class="diff">
      {parts.map((p, i) =>
        p.op === 'same' ? (
          p.text
        ) : p.op === 'add' ? (
          <ins key={i}>
            <span class="vh">[{t.inserted}: </span>
            {p.text}
            <span class="vh">]</span>
          </ins>
        ) : (
          <del key={i}>
            <span class="vh">[{t.deleted}: </span>
            {p.text}
            <span class="vh">]</span>
          </del>
        ),
      )}
    </div>
  );
}

function Change({ change, t }: { change: Exclude<SectionChange, { kind: 'unchanged' }>; t: PageTexts }) {
  const label = change.kind === 'added' ? t.added : change.kind === 'removed' ? t.removed : t.changed;
  return (
    <section aria-labelledby={`c-${change.id}`} data-change={change.kind}>
      <h2 id={`c-${change.id}`}>
        {label}: {change.title}
      </h2>
      <Parts
        t={t}
        parts={
          change.kind === 'changed'
            ? change.parts
            : [{ op: change.kind === 'added' ? 'add' : 'del', text: change.markdown }]
        }
      />
    </section>
  );
}

export interface DiffPageProps {
  site: { id: string; name: string };
  locale: string;
  from: { version: number; publishedAt: string | Date; markdown: string };
  to: { version: number; publishedAt: string | Date; markdown: string };
  basePath?: string;
  timeZone?: string;
}

export function diffPage(props: DiffPageProps): string {
  const { site, locale, from, to, timeZone } = props;
  const t = pageTexts(locale);
  const base = props.basePath ?? `/p/${encodeURIComponent(site.id)}`;
  const q = `?locale=${encodeURIComponent(locale)}`;
  const changes = diffSections(parseSections(from.markdown), parseSections(to.markdown));
  const visible = changes.filter((c): c is Exclude<SectionChange, { kind: 'unchanged' }> => c.kind !== 'unchanged');
  const same = changes.filter((c) => c.kind === 'unchanged');
  const title = t.diffTitle(from.version, to.version);
  return documentHtml({
    lang: locale,
    title: `${title} — ${site.name}`,
    children: (
      <>
        <a class="skip" href="#diff">
          {t.skip}
        </a>
        <header>
          <p class="meta">{site.name}</p>
        </header>
        <main id="diff" tabIndex={-1}>
          <h1>{title}</h1>
          <ul class="meta">
            <li>
              <a href={`${base}/${from.version}${q}`}>
                {t.versionLine(from.version, formatDate(from.publishedAt, locale, timeZone))}
              </a>
            </li>
            <li>
              <a href={`${base}/${to.version}${q}`}>
                {t.versionLine(to.version, formatDate(to.publishedAt, locale, timeZone))}
              </a>
            </li>
          </ul>
          <p>{visible.length === 0 ? t.noChange : t.legend}</p>
          {visible.map((c) => (
            <Change key={c.id} change={c} t={t} />
          ))}
          {same.length > 0 ? (
            <section aria-labelledby="unchanged">
              <h2 id="unchanged">{t.unchanged}</h2>
              <ul>
                {same.map((c) => (
                  <li key={c.id}>{c.title}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </main>
      </>
    ),
  });
}
