// Console overview: consents by status, rates over 7 and 30 days, recent events (masked numbers), the proof log.
import { Hono } from 'hono';
import { overview } from '../domain/console-stats.ts';
import type { ConsoleEnv } from './http.ts';
import { consolePage, consoleHeaders } from './shell.tsx';
import { fill } from './texts.ts';
import { shellFor } from './shell-data.ts';

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 1000) / 10} %`);

export function overviewRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console', async (c) => {
    const { t, site, lang } = c.var;
    const o = await overview(c.var.ctx, site.id);
    const when = (ms: number) => new Date(ms).toLocaleString(lang, { timeZone: site.config.timezone, dateStyle: 'medium', timeStyle: 'short' });
    const html = consolePage({
      ...(await shellFor(c)),
      title: t.overview.title,
      current: 'overview',
      body: (
        <>
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
                  <td>{pct(w.confirmationRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {t.overview.optInRate}: <strong data-opt-in-rate>{pct(o.optInRate)}</strong> · {t.overview.declines}: {o.declines}
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
                    <td>{e.consentId ? <a href={`/proofs/${e.consentId}`}>{e.type}</a> : e.type}</td>
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
        </>
      ),
    });
    return c.body(html, 200, consoleHeaders);
  });
}
