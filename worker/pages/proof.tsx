// The proof page for people: status, timeline, what was shown (policy link), how to verify, and the raw JSON.
import type { ProofDocument } from '../domain/receipts.ts';
import { page } from './layout.tsx';

const CSS = `
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
ol.timeline{padding-left:1.2rem}ol.timeline li{margin:.3rem 0}
pre{overflow:auto;padding:1rem;border:1px solid #8884;border-radius:.5rem;font-size:.85rem;white-space:pre-wrap;word-break:break-all}
.status{display:inline-block;padding:.1rem .6rem;border-radius:1rem;border:2px solid currentColor;font-weight:700}
code{font-size:.9em}
blockquote{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #8888}blockquote p{margin:.3rem 0}
`;

const STATUS: Record<string, string> = {
  pending: 'Pending — asked, not yet confirmed',
  confirmed: 'Confirmed — double opt-in completed',
  withdrawn: 'Withdrawn — the subscriber left',
  expired: 'Expired — never confirmed',
  erased: 'Erased — personal data deleted',
};

/** The widget texts a visitor reads, in the order the widget shows them. */
const SHOWN = ['program', 'intro', 'description', 'frequencyLabel', 'frequency', 'rates', 'stop', 'policyLink', 'phoneLabel', 'yes', 'no'];

export function proofPage(doc: ProofDocument, texts: Record<string, unknown> | null, urls: { self: string; jwks: string; log: string }): string {
  const r = doc.receipt;
  const when = (iso: string | null | undefined) => (iso ? new Date(iso).toUTCString() : '—');
  return page({
    lang: 'en',
    title: `Consent proof ${r.consentId}`,
    css: CSS,
    body: (
      <main>
        <h1>Consent proof</h1>
        <p>
          <span class="status">{STATUS[r.status] ?? r.status}</span>
        </p>
        <dl>
          <dt>Proof id</dt>
          <dd>
            <code>{r.consentId}</code>
          </dd>
          <dt>Controller</dt>
          <dd>{r.controller ? `${r.controller.name}, ${r.controller.address} (${r.controller.email})` : '—'}</dd>
          <dt>Subscriber</dt>
          <dd>{r.subject.phone ?? '—'}</dd>
          <dt>Purposes</dt>
          <dd>{r.purposes.map((p) => `${String(p.description)} (${p.legalBasis})`).join('; ') || '—'}</dd>
        </dl>
        <h2>What was shown</h2>
        <p>
          Privacy policy <a href={r.notice.policyUrl}>version {r.notice.policyVersion}</a> in “{r.notice.locale}”, SHA-256{' '}
          <code>{r.notice.policySha256}</code>. Widget texts SHA-256 <code>{r.notice.widgetTextSha256}</code> (
          <a href={`/v1/sites/${r.site}/widget/texts/${r.notice.widgetTextSha256}`}>the texts, as JSON</a>).
        </p>
        {texts ? (
          <blockquote lang={r.notice.locale}>
            {SHOWN.filter((key) => typeof texts[key] === 'string').map((key) => (
              <p>{String(texts[key])}</p>
            ))}
          </blockquote>
        ) : null}
        <h2>Timeline</h2>
        <ol class="timeline">
          <li>
            Asked on {when(r.collection.at)} via {r.collection.method}
            {r.collection.pageUrl ? ` on ${r.collection.pageUrl}` : ''}.
          </li>
          {r.confirmation ? <li>Confirmed on {when(r.confirmation.at)} by {r.confirmation.method}.</li> : null}
          {r.withdrawal ? (
            <li>
              Withdrawn on {when(r.withdrawal.at)} by {r.withdrawal.method}
              {r.withdrawal.keyword ? ` (“${r.withdrawal.keyword}”)` : ''}.
            </li>
          ) : null}
        </ol>
        <h2>Log entries</h2>
        <ol class="timeline">
          {doc.log.entries.map((e) => (
            <li>
              #{e.index}: {String(e.leaf.type)} at {String(e.leaf.at)}
            </li>
          ))}
        </ol>
        <h2>How to verify</h2>
        <p>
          This proof is signed (Ed25519, keys at <a href={urls.jwks}>/.well-known/jwks.json</a>) and each event is in the
          site's public, append-only log (<a href={urls.log}>log key and size</a>). Anyone can check it without trusting
          this server:
        </p>
        <pre>npx assent verify {urls.self}</pre>
        <h2>Raw proof (JSON)</h2>
        <pre>{JSON.stringify(doc, null, 2)}</pre>
      </main>
    ),
  });
}
