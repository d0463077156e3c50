// The version list of a site's policy as a page for people (GET /p/{site}/versions in a browser): each version with
// its date and summary, a link to read it and one to what changed since the version before.
import { documentHtml, type VersionInfo } from './html.tsx';
import { formatDate, pageTexts } from './page-texts.ts';

export function versionsPage(props: {
  site: { id: string; name: string };
  locale: string;
  versions: readonly VersionInfo[];
  timeZone?: string;
}): string {
  const { site, locale, timeZone } = props;
  const t = pageTexts(locale);
  const base = `/p/${encodeURIComponent(site.id)}`;
  const q = `?locale=${encodeURIComponent(locale)}`;
  const sorted = [...props.versions].sort((a, b) => b.version - a.version);
  const title = t.versionsTitle(site.name);
  return documentHtml({
    lang: locale,
    title,
    children: (
      <main id="versions" tabIndex={-1}>
        <h1>{title}</h1>
        {sorted.length === 0 ? <p>{t.noVersion}</p> : null}
        <ol reversed>
          {sorted.map((v) => (
            <li key={v.version}>
              <a href={`${base}/${v.version}${q}`}>
                {t.versionLine(v.version, formatDate(v.publishedAt, locale, timeZone))}
              </a>
              {v.summary ? <> — {v.summary}</> : null}
              {v.version > 1 ? (
                <>
                  {' · '}
                  <a href={`${base}/diff/${v.version - 1}/${v.version}${q}`}>{t.changesFrom(v.version - 1)}</a>
                </>
              ) : null}
            </li>
          ))}
        </ol>
        <p>
          {t.formats} <a href={`${base}/versions?format=json`}>{t.json}</a>
        </p>
      </main>
    ),
  });
}
