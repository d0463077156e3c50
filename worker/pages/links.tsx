// Pages behind the links in our messages: confirm (/c/{token}) and unsubscribe (/u/{token}). GET pages only
// show a button; the POST it sends is what changes state, so link scanners never confirm or unsubscribe.
import { page } from './layout.tsx';
import { fill, pageTexts } from './texts.ts';

export type LinkPageState =
  | { kind: 'confirm'; expiresAt: number }
  | { kind: 'unsubscribe' }
  | { kind: 'confirmed'; proofUrl: string }
  | { kind: 'withdrawn'; proofUrl?: string }
  | { kind: 'expired' }
  | { kind: 'unknown' };

export function linkPage(options: { locale: string; program: string; state: LinkPageState; action?: string }): string {
  const { lang, t } = pageTexts(options.locale);
  const v = { program: options.program };
  const s = options.state;
  const content = (() => {
    switch (s.kind) {
      case 'confirm': {
        const expires = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(s.expiresAt);
        return {
          title: t.confirmTitle,
          body: (
            <>
              <p>{fill(t.confirmLead, v)}</p>
              <form method="post" action={options.action}>
                <button type="submit">{t.confirmButton}</button>
              </form>
              <p class="muted">{fill(t.confirmIgnore, { ...v, expires: `${expires} UTC` })}</p>
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
              <p role="status">{fill(t.confirmedLead, v)}</p>
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
    title: `${content.title} — ${options.program}`,
    body: (
      <main>
        <h1>{content.title}</h1>
        {content.body}
      </main>
    ),
  });
}
