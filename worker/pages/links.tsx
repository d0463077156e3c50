// Pages behind the links in our messages: confirm (/c/{token}) and the subscriber's own page (/u/{token}: consents,
// proofs, unsubscribe, erasure). GET pages only show buttons; the POST they send is what changes state, so link
// scanners never confirm, unsubscribe or erase.
import type { OwnConsent, OwnView } from '../domain/subscribers/index.ts';
import { FORM_TOKEN_FIELD } from '../http/hosted-form-guard.ts';
import { page } from './layout.tsx';
import { fill, pageTexts, type PageTexts } from './texts.ts';
import { formatDateTime } from './when.ts';

/** What a page behind a link restates about the consent (see routes/links.ts). */
export interface LinkFacts {
  controller: string;
  /** The program's description and frequency in the consent's language. */
  purpose: string;
  frequency: string;
  /** The policy version the person was shown. */
  policyUrl: string;
  rightsEmail: string | null;
  /** The site's time zone: every time on these pages is in it. */
  timeZone: string;
}

export type LinkPageState =
  | { kind: 'confirm'; expiresAt: number }
  | { kind: 'unsubscribe' }
  | { kind: 'confirmed'; proofUrl: string; confirmedAt: number }
  | { kind: 'withdrawn'; proofUrl?: string }
  | { kind: 'expired' }
  | { kind: 'unknown' };

export function linkPage(options: {
  locale: string;
  program?: string;
  facts?: LinkFacts;
  state: LinkPageState;
  action?: string;
}): string {
  const { lang, t } = pageTexts(options.locale);
  const f = options.facts;
  const v = {
    program: options.program ?? '',
    controller: f?.controller ?? options.program ?? '',
    purpose: f?.purpose ?? '',
    frequency: f?.frequency ?? '',
  };
  const at = (ms: number) => formatDateTime(ms, lang, f?.timeZone ?? 'UTC');
  // The consent restated where it takes effect: what, how often, from whom, and the policy shown.
  const restated = f ? (
    <>
      <p>{fill(t.confirmWhat, v)}</p>
      <p>
        <a href={f.policyUrl}>{t.policyLink}</a>
      </p>
    </>
  ) : null;
  const s = options.state;
  const content = (() => {
    switch (s.kind) {
      case 'confirm': {
        return {
          title: t.confirmTitle,
          body: (
            <>
              <p>{fill(t.confirmLead, v)}</p>
              {restated}
              <form method="post" action={options.action}>
                <button type="submit">{t.confirmButton}</button>
              </form>
              <p class="muted">{fill(t.confirmIgnore, { ...v, expires: at(s.expiresAt) })}</p>
            </>
          ),
        };
      }
      case 'unsubscribe':
        return {
          title: t.unsubscribeTitle,
          body: (
            <>
              <p>{fill(t.unsubscribeLead, v)}</p>
              <form method="post" action={options.action}>
                <button type="submit">{t.unsubscribeButton}</button>
              </form>
            </>
          ),
        };
      case 'confirmed':
        return {
          title: t.confirmedTitle,
          body: (
            <>
              <p role="status">{fill(t.confirmedLead, { ...v, date: at(s.confirmedAt) })}</p>
              {f ? (
                <p>
                  <a href={f.policyUrl}>{t.policyLink}</a>
                </p>
              ) : null}
              <p>
                <a href={s.proofUrl}>{t.proofLink}</a>
              </p>
            </>
          ),
        };
      case 'withdrawn':
        return {
          title: t.withdrawnTitle,
          body: (
            <>
              <p role="status">{fill(t.withdrawnLead, v)}</p>
              {s.proofUrl ? (
                <p>
                  <a href={s.proofUrl}>{t.proofLink}</a>
                </p>
              ) : null}
            </>
          ),
        };
      case 'expired':
        return { title: t.expiredTitle, body: <p role="status">{t.expiredLead}</p> };
      case 'unknown':
        return { title: t.unknownTitle, body: <p role="status">{t.unknownLead}</p> };
    }
  })();
  return page({
    lang,
    // An unknown link names no program: the title is then the page's alone.
    title: options.program ? `${content.title} — ${options.program}` : content.title,
    body: (
      <main>
        <h1>{content.title}</h1>
        {content.body}
      </main>
    ),
  });
}

/** What the /u/ page says on top: nothing new, just unsubscribed, asking to confirm erasure, just erased. */
export type SubscriberStep = 'overview' | 'withdrawn' | 'confirm-erase' | 'erased' | 'foreign-form';

const SUBSCRIBER_CSS = `.n{white-space:nowrap}.consents{list-style:none;padding:0}.consent{border-top:1px solid #8886;padding:.5rem 0}
dl{display:grid;grid-template-columns:fit-content(45%) 1fr;gap:.1rem 1rem;margin:.5rem 0}dt{font-weight:600}dd{margin:0}
section{margin:2rem 0}form{display:inline-block;margin:0 1rem .5rem 0}`;

function ConsentItem({ c, t, at }: { c: OwnConsent; t: PageTexts; at: (ms: number) => string }) {
  return (
    <li class="consent">
      <h3>{t[`status_${c.status}`]}</h3>
      <dl>
        <dt>{t.consentRequested}</dt>
        <dd>{at(c.requestedAt)}</dd>
        {c.confirmedAt !== null && (
          <>
            <dt>{t.consentConfirmed}</dt>
            <dd>{at(c.confirmedAt)}</dd>
          </>
        )}
        {c.withdrawnAt !== null && (
          <>
            <dt>{t.consentWithdrawn}</dt>
            <dd>{at(c.withdrawnAt)}</dd>
          </>
        )}
        <dt>{t.consentPolicy}</dt>
        <dd>{fill(t.consentPolicyVersion, { version: String(c.policyVersion) })}</dd>
      </dl>
      <p>
        <a href={c.proofUrl}>{t.proofLink}</a>
        {' · '}
        <a href={c.evidenceUrl} download={`consent-${c.id}.json`}>
          {t.evidenceLink}
        </a>
      </p>
    </li>
  );
}

/** The subscriber's own page: their number (masked), consents with proof and evidence, unsubscribe, erase. */
export function subscriberPage(options: {
  locale: string;
  program: string;
  facts: LinkFacts;
  view: OwnView;
  step: SubscriberStep;
  /** The page's own path (/u/{token}): the forms post there. */
  action: string;
  /** The signed token the forms carry back (see http/hosted-form-guard.ts). */
  formToken?: string;
}): string {
  const { lang, t } = pageTexts(options.locale);
  const { view, step, action } = options;
  const f = options.facts;
  const v = { program: options.program, controller: f.controller, email: f.rightsEmail ?? '' };
  const at = (ms: number) => formatDateTime(ms, lang, f.timeZone);
  const title =
    step === 'erased' ? t.erasedTitle : step === 'withdrawn' ? t.withdrawnTitle : fill(t.subscriberTitle, v);
  const news =
    step === 'erased'
      ? t.erasedLead
      : step === 'withdrawn'
        ? t.withdrawnLead
        : step === 'foreign-form'
          ? t.foreignForm
          : null;
  return page({
    lang,
    title: `${title} — ${options.program}`,
    css: SUBSCRIBER_CSS,
    body: (
      <main>
        <h1>{title}</h1>
        {news && <p role="status">{fill(news, v)}</p>}
        <p>{fill(t.subscriberController, v)}</p>
        <p>
          {view.maskedPhone ? (
            <>
              {t.subscriberNumber} <strong class="n">{view.maskedPhone}</strong>
            </>
          ) : (
            t.subscriberErasedNumber
          )}
        </p>
        {view.active && step !== 'confirm-erase' && (
          <section aria-labelledby="unsub">
            <h2 id="unsub">{t.unsubscribeTitle}</h2>
            <p>{fill(t.unsubscribeLead, v)}</p>
            <form method="post" action={action}>
              <input type="hidden" name="action" value="unsubscribe" />
              {options.formToken ? <input type="hidden" name={FORM_TOKEN_FIELD} value={options.formToken} /> : null}
              <button type="submit">{t.unsubscribeButton}</button>
            </form>
          </section>
        )}
        <section aria-labelledby="consents">
          <h2 id="consents">{t.consentsTitle}</h2>
          <ul class="consents">
            {view.consents.map((c) => (
              <ConsentItem c={c} t={t} at={at} />
            ))}
          </ul>
          <p class="muted">{t.evidenceHint}</p>
        </section>
        <section aria-labelledby="rights">
          <h2 id="rights">{t.rightsTitle}</h2>
          <p>
            <a href={f.policyUrl}>{t.policyLink}</a>
          </p>
          {f.rightsEmail ? <p>{fill(t.rightsContact, v)}</p> : null}
        </section>
        <section aria-labelledby="erase">
          <h2 id="erase">{t.eraseTitle}</h2>
          {view.retainedUntil !== null && step !== 'confirm-erase' ? (
            <p>{fill(t.retainedUntil, { date: at(view.retainedUntil) })}</p>
          ) : null}
          {view.erasedAt !== null ? (
            <p>{fill(t.erasedOn, { date: at(view.erasedAt) })}</p>
          ) : step === 'confirm-erase' ? (
            <>
              <p>
                <strong>{fill(t.eraseConfirmLead, v)}</strong>
              </p>
              <form method="post" action={action}>
                <input type="hidden" name="action" value="erase" />
                {options.formToken ? <input type="hidden" name={FORM_TOKEN_FIELD} value={options.formToken} /> : null}
                <button type="submit">{t.eraseButton}</button>
              </form>
              <a href={action}>{t.eraseCancel}</a>
            </>
          ) : (
            <>
              <p>{fill(t.eraseLead, v)}</p>
              {/* A GET that only asks: the erasure itself is the POST on the next page. */}
              <form method="get" action={action}>
                <input type="hidden" name="erase" value="confirm" />
                <button type="submit">{t.eraseStart}</button>
              </form>
            </>
          )}
        </section>
      </main>
    ),
  });
}
