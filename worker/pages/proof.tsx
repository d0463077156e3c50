// The proof page for people: in the receipt's language, times in the site's time zone, what was shown, a timeline,
// checks run in the browser (islands/proof-check.ts), how to keep and verify the evidence, technical details folded.
import type { ProofDocument } from '../domain/proof-log/index.ts';
import { page } from './layout.tsx';
import { htmlSafeJson } from './escape.ts';
import { fillIn, proofTexts, type ProofTexts } from './proof-texts.ts';
import { formatDateTime, utcOffset, zonePlace } from './when.ts';

const CSS = `
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
@media (max-width:30rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}}
.status{display:inline-block;padding:.1rem .7rem;border-radius:1rem;border:2px solid currentColor;font-weight:700}
ol.timeline{list-style:none;padding:0;border-left:3px solid var(--muted);margin-left:.4rem}
ol.timeline li{position:relative;padding:0 0 .9rem 1.1rem}ol.timeline li::before{content:"";position:absolute;left:-.55rem;top:.45rem;width:.8rem;height:.8rem;border-radius:50%;background:var(--accent)}
.when{font-weight:600}.small{font-size:.9rem;color:var(--muted)}
blockquote{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid var(--accent)}blockquote p{margin:.3rem 0}
code,.hash{font-size:.85em;word-break:break-all}
pre{overflow:auto;padding:.75rem;border:1px solid var(--muted);border-radius:.5rem;font-size:.85rem;white-space:pre-wrap;word-break:break-all}
a.button{display:inline-block;font-weight:600;padding:.6rem 1.2rem;border-radius:.5rem;border:2px solid var(--accent);text-decoration:none;min-height:44px}
ul.checks,ul.plain{list-style:none;padding:0;margin:0}ul.plain li{margin-bottom:.3rem}ul.checks li{margin:.4rem 0;padding-left:1.8rem;text-indent:-1.8rem}
.mark{display:inline-block;width:1.8rem;text-indent:0;font-weight:700}
.verdict{font-weight:700;padding:.5rem .8rem;border-radius:.5rem;border:2px solid currentColor}
details{margin:1rem 0}summary{cursor:pointer;font-weight:600;min-height:44px;padding:.6rem 0}
.file{margin-top:1rem}
@media print{
  .no-print{display:none!important}
  body{font-size:11pt;color:#000;background:#fff}main{max-width:none;padding:0}
  a{color:#000}a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}
  h2{break-after:avoid}ol.timeline li,blockquote,dl.facts{break-inside:avoid}
  details>*{display:block}
}
`;

export interface ProofPageOptions {
  timezone: string;
  urls: { self: string; evidence: string; jwks: string; log: string; verifier: string; island: string; json: string };
  verifier: { sha256hex: string; bytes: number };
}

type Receipt = ProofDocument['receipt'];
type Entry = { index: number; leaf: Record<string, unknown>; inclusion?: string[] | null };

/** "1er mars 2026 à 11 h 00 min 00 s (UTC+1)": the site's zone with its offset, so nobody has to convert. */
export function formatTime(iso: string | null | undefined, lang: string, timeZone: string): string {
  if (!iso) return '—';
  return formatDateTime(iso, lang, timeZone, { seconds: true });
}

const SHOWN = [
  'program',
  'intro',
  'description',
  'frequencyLabel',
  'frequency',
  'rates',
  'stop',
  'policyLink',
  'phoneLabel',
  'yes',
  'no',
];

function methodText(t: ProofTexts, method: unknown, extra?: string): string {
  const words = t.method[String(method)] ?? String(method ?? '—');
  return extra ? `${words}, ${extra}` : words;
}

function Timeline(props: { t: ProofTexts; r: Receipt; entries: Entry[]; when: (iso: unknown) => string }) {
  const { t, r, entries, when } = props;
  const how = (type: string): string | undefined => {
    if (type === 'requested')
      return methodText(
        t,
        r.collection.method,
        r.collection.pageUrl ? fillIn(t.onPage, { page: String(r.collection.pageUrl) }) : undefined,
      );
    if (type === 'confirmed' && r.confirmation) return methodText(t, r.confirmation.method);
    if (type === 'withdrawn' && r.withdrawal) {
      return methodText(
        t,
        r.withdrawal.method,
        r.withdrawal.keyword ? fillIn(t.keyword, { keyword: String(r.withdrawal.keyword) }) : undefined,
      );
    }
    return undefined;
  };
  // What the log itself holds of each message and reply: the provider's ids and a fingerprint of the exact text.
  const logged = (leaf: Record<string, unknown>): string | undefined => {
    const short = (hash: unknown) => String(hash ?? '').slice(0, 16);
    if (leaf.type === 'sms-sent') {
      const kind = t.smsKind[String(leaf.kind)] ?? String(leaf.kind ?? '');
      return fillIn(t.smsSent, {
        kind,
        provider: String(leaf.provider ?? '—'),
        id: String(leaf.providerMessageId ?? '—'),
        hash: short(leaf.bodySha256),
      });
    }
    if (leaf.type === 'delivery')
      return fillIn(t.delivered, {
        status: String(leaf.status ?? '—'),
        id: String(leaf.providerMessageId ?? leaf.messageId ?? '—'),
      });
    if (typeof leaf.textSha256 !== 'string') return undefined;
    // A request's textSha256 names the form's words it showed; a reply's, the SMS the provider handed in.
    if (leaf.type === 'requested') return fillIn(t.formEvidence, { hash: short(leaf.textSha256) });
    return fillIn(t.replyEvidence, { id: String(leaf.messageId ?? '—'), hash: short(leaf.textSha256) });
  };
  return (
    <ol class="timeline">
      {entries.map((e) => {
        const type = String(e.leaf.type);
        const detail = how(type);
        const evidence = logged(e.leaf);
        return (
          <li>
            <span class="when">{when(e.leaf.at)}</span> — {t.event[type] ?? type}
            {detail ? ` ${detail}` : ''}.
            {evidence ? (
              <>
                <br />
                <span class="small">{evidence}</span>
              </>
            ) : null}
            <br />
            <span class="small">
              {Array.isArray(e.inclusion) ? fillIn(t.logPosition, { index: e.index }) : t.logPending}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function proofPage(
  doc: ProofDocument,
  texts: Record<string, unknown> | null,
  options: ProofPageOptions,
): string {
  const r = doc.receipt;
  const { lang, t } = proofTexts(String(r.language ?? r.notice.locale));
  const when = (iso: unknown) => formatTime(typeof iso === 'string' ? iso : null, lang, options.timezone);
  const log = doc.log as { checkpoint: string | null; entries: Entry[]; pending?: Entry[] };
  const entries = [...log.entries, ...(log.pending ?? []).map((e) => ({ ...e, inclusion: null }))].sort(
    (a, b) => a.index - b.index,
  );
  const controller = r.controller?.name ?? '—';
  const subject = r.subject.phone ?? t.someone;
  const urls = options.urls;
  // What the island needs: where the evidence is, and the words for each check in this page's language.
  const islandData = htmlSafeJson({
    evidence: urls.evidence,
    lang,
    verdict: t.verdict,
    checks: t.checkNames,
    running: t.verifyRunning,
    source: t.verifySource,
  });
  const command = `node verify.mjs --offline assent-proof-${r.consentId}.json`;
  const [step1, step2, step3] = t.keepSteps as [string, string, string];
  const [before1, after1] = step1.split('{verifier}') as [string, string];
  const [before2, after2] = fillIn(step2, { bytes: options.verifier.bytes }).split('{sha}') as [string, string];
  return page({
    lang,
    title: `${t.title} ${r.consentId}`,
    css: CSS,
    head: <script src={urls.island} defer />,
    body: (
      <main>
        <h1>{t.title}</h1>
        <p>
          {t.statusLabel}
          {lang === 'fr' ? '\u00a0: ' : ': '}
          <span class="status">{t.status[r.status] ?? r.status}</span>
        </p>
        <p>
          {r.imported
            ? fillIn(t.summaryImported, {
                subject,
                date: when(r.collection.at),
                controller,
                consentedAt: when(r.imported.consentedAt),
                source: r.imported.source ?? t.sourceErased,
              })
            : fillIn(t.summary, { subject, date: when(r.collection.at), controller })}{' '}
          {r.confirmation
            ? fillIn(t.summaryConfirmed, { date: when(r.confirmation.at), how: methodText(t, r.confirmation.method) })
            : ''}{' '}
          {r.withdrawal
            ? fillIn(t.summaryWithdrawn, { date: when(r.withdrawal.at), how: methodText(t, r.withdrawal.method) })
            : ''}
        </p>
        <p class="small">
          {fillIn(t.timeZone, {
            zone: zonePlace(options.timezone),
            offset: utcOffset(new Date(r.collection.at), options.timezone),
          })}
        </p>

        <h2>{t.whoWhat}</h2>
        <dl class="facts">
          <dt>{t.controller}</dt>
          <dd>{r.controller ? `${r.controller.name}, ${r.controller.address} (${r.controller.email})` : '—'}</dd>
          <dt>{t.subscriber}</dt>
          <dd>{r.subject.phone ?? '—'}</dd>
          <dt>{t.purposes}</dt>
          <dd>
            {r.purposes.length === 0 ? (
              '—'
            ) : (
              <ul class="plain">
                {r.purposes.map((p) => (
                  <li>
                    {String(p.description)} — <em>{t.legalBasis[p.legalBasis] ?? p.legalBasis}</em>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t.proofId}</dt>
          <dd>
            <code>{r.consentId}</code>
          </dd>
        </dl>

        <h2>{t.timeline}</h2>
        <Timeline t={t} r={r} entries={entries} when={when} />
        {log.checkpoint ? <p class="small">{fillIn(t.asOf, { size: log.checkpoint.split('\n')[1] ?? '—' })}</p> : null}

        <h2>{t.shown}</h2>
        {r.imported?.wording ? (
          <>
            <p>{t.shownImported}</p>
            <blockquote lang={r.notice.locale}>
              <p>{r.imported.wording}</p>
            </blockquote>
          </>
        ) : texts ? (
          <>
            <p>{fillIn(t.shownLead, { locale: r.notice.locale })}</p>
            <blockquote lang={r.notice.locale}>
              {SHOWN.filter((key) => typeof texts[key] === 'string').map((key) => (
                <p>{String(texts[key])}</p>
              ))}
            </blockquote>
          </>
        ) : (
          <p>{t.shownMissing}</p>
        )}
        <p>
          <a href={r.notice.policyUrl}>
            {fillIn(t.policy, { version: r.notice.policyVersion, locale: r.notice.locale })}
          </a>
        </p>

        <h2>{t.verify}</h2>
        <section id="proof-check" data-proof={islandData} aria-live="polite">
          <p>{t.verifyLead}</p>
          <p class="small" id="proof-check-noscript">
            {t.verifyNoScript}
          </p>
          <div id="proof-check-results" />
          <p class="no-print">
            <button type="button" id="proof-check-run" hidden>
              {t.verifyRun}
            </button>
          </p>
          <p class="file no-print">
            <label for="proof-check-file">{t.verifyFile}</label>
            <br />
            <input type="file" id="proof-check-file" accept="application/json,.json" />
          </p>
        </section>

        <h2>{t.keepTitle}</h2>
        <p class="no-print">
          <a class="button" href={urls.evidence} download={`assent-proof-${r.consentId}.json`}>
            {t.download}
          </a>
        </p>
        <p>{t.keepLead}</p>
        <ol>
          <li>
            {before1}
            <a href={urls.verifier}>verify.mjs</a>
            {after1}
          </li>
          <li>
            {before2}
            <code class="hash">{options.verifier.sha256hex}</code>
            {after2}
          </li>
          <li>
            {step3}
            <pre>{command}</pre>
          </li>
        </ol>
        <p>{t.keepWhy}</p>

        <details>
          <summary>{t.technical}</summary>
          <dl class="facts">
            <dt>{t.tech.receiptId}</dt>
            <dd>
              <code>{String(r.receiptId)}</code>
            </dd>
            <dt>{t.tech.policySha}</dt>
            <dd>
              <code>{r.notice.policySha256}</code>
            </dd>
            <dt>{t.tech.textSha}</dt>
            <dd>
              <code>{r.notice.widgetTextSha256}</code>
            </dd>
            <dt>{t.tech.logOrigin}</dt>
            <dd>
              <a href={urls.log}>
                <code>{String(r.log.origin)}</code>
              </a>
            </dd>
            <dt>{t.tech.keys}</dt>
            <dd>
              <a href={urls.jwks}>/.well-known/jwks.json</a>
            </dd>
            <dt>{t.tech.json}</dt>
            <dd>
              <a href={urls.json}>{urls.json}</a>
            </dd>
          </dl>
          <p>{t.tech.checkpoint}</p>
          <pre>{log.checkpoint ?? '—'}</pre>
          <p>{t.tech.signature}</p>
          <pre>{doc.jws}</pre>
        </details>
      </main>
    ),
  });
}
