// Console overview: the numbers the site may text, consents by status, rates over 7 and 30 days, recent events (masked numbers), the proof log.
import type { Hono } from 'hono';
import { overview } from '../domain/console/index.ts';
import type { ConsoleEnv } from './http.ts';
import { consolePage, consoleHeaders } from './shell.tsx';
import { fill } from './texts.ts';
import { consoleTime, shellFor } from './shell-data.ts';
import { proofTexts } from '../pages/proof-texts.ts';
import { witnessStandings } from '../witness/status.ts';

/** A rate as the language writes it: "12,5 %" (a narrow no-break space, a decimal comma) or "12.5%". */
const pct = (r: number | null, lang: string) =>
  r === null ? '—' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(r);

export function overviewRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console', async (c) => {
    const { t, site, lang } = c.var;
    const o = await overview(c.get('ctx'), site);
    const witnessing = c.get('deps').witnessing;
    const witnesses = witnessing ? await witnessStandings(c.get('ctx'), witnessing, site.id, o.log) : [];
    const when = consoleTime(c);
    // An event's name as the proof page's timeline says it, in the console's language.
    const eventName = (type: string) => proofTexts(lang).t.event[type] ?? type;
    const html = consolePage({
      ...(await shellFor(c)),
      title: t.overview.title,
      current: 'overview',
      body: (
        <>
          <p data-numbers>{fill(t.overview.sendable, { sendable: o.numbers.sendable, known: o.numbers.known })}</p>
          <table>
            <caption>{t.overview.countsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.overview.status}</th>
                <th scope="col">{t.overview.count}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(o.counts).map(([status, n]) => (
                <tr data-status={status}>
                  <th scope="row">{t.overview.statuses[status as keyof typeof t.overview.statuses]}</th>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t.overview.rates}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.overview.period}</th>
                <th scope="col">{t.overview.requested}</th>
                <th scope="col">{t.overview.confirmed}</th>
                <th scope="col">{t.overview.confirmationRate}</th>
              </tr>
            </thead>
            <tbody>
              {o.windows.map((w) => (
                <tr data-window={w.days}>
                  <th scope="row">{fill(t.overview.lastDays, { days: w.days })}</th>
                  <td>{w.requested}</td>
                  <td>{w.confirmed}</td>
                  <td>{pct(w.confirmationRate, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {t.overview.optInRate}
            {t.colon}
            <strong data-opt-in-rate>{pct(o.optInRate, lang)}</strong> · {t.overview.declines}
            {t.colon}
            {o.declines}
          </p>
          <h2>{t.overview.recent}</h2>
          {o.recent.length === 0 ? (
            <p>{t.overview.none}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.overview.when}</th>
                  <th scope="col">{t.overview.event}</th>
                  <th scope="col">{t.overview.number}</th>
                </tr>
              </thead>
              <tbody>
                {o.recent.map((e) => (
                  <tr>
                    <td>{when(e.at)}</td>
                    <td>
                      {e.consentId ? <a href={`/proofs/${e.consentId}`}>{eventName(e.type)}</a> : eventName(e.type)}
                    </td>
                    <td>{e.masked ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t.overview.log}</h2>
          <p>{fill(t.overview.logSize, { size: o.log.size })}</p>
          <details>
            <summary>{t.overview.checkpoint}</summary>
            <pre>{o.log.checkpoint}</pre>
          </details>
          {witnesses.length > 0 && (
            <>
              <h2>{t.overview.witnesses}</h2>
              <table>
                <caption>{t.overview.witnessesCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.overview.witness}</th>
                    <th scope="col">{t.overview.cosignedSize}</th>
                    <th scope="col">{t.overview.cosignedAt}</th>
                    <th scope="col">{t.overview.witnessState}</th>
                  </tr>
                </thead>
                <tbody>
                  {witnesses.map((w) => (
                    <tr data-witness={w.name} data-behind={w.behind ? 'true' : 'false'}>
                      <th scope="row">{w.name}</th>
                      <td>{w.cosignedSize}</td>
                      <td>{w.cosignedAt === null ? t.overview.never : when(w.cosignedAt)}</td>
                      <td>
                        {w.behind ? (
                          <strong>{t.overview.behind}</strong>
                        ) : w.cosignedSize >= o.log.size ? (
                          t.overview.upToDate
                        ) : (
                          t.overview.waiting
                        )}
                        {w.lastError ? ` (${w.lastError})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      ),
    });
    return c.body(html, 200, consoleHeaders);
  });
}
