// Console page (owners only): the audit trail of the site, newest first, a page at a time, and its export whole as
// CSV or NDJSON (streamed, so a long trail is never held in memory).
import type { Context, Hono } from 'hono';
import {
  auditCsvHeader,
  auditCsvLine,
  auditEntries,
  auditJsonLine,
  auditPage,
  type AuditEntry,
} from '../domain/console/index.ts';
import type { ConsoleEnv } from './http.ts';
import { consoleHeaders, consolePage } from './shell.tsx';
import { consoleTime, shellFor } from './shell-data.ts';
import { actionName, actorName } from './texts.ts';

function stream(c: Context<ConsoleEnv>, header: string, line: (e: AuditEntry) => string) {
  const entries = auditEntries(c.get('ctx'), c.get('site').id);
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (header) controller.enqueue(encoder.encode(header));
      }
      const next = await entries.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(line(next.value)));
    },
  });
}

const download = (c: Context<ConsoleEnv>, type: string, ext: string) => ({
  'Content-Type': type,
  'Content-Disposition': `attachment; filename="${c.get('site').id}-audit.${ext}"`,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

export function auditRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/audit', async (c) => {
    const { t } = c.var;
    const a = t.access.audit;
    const before = Number(c.req.query('before') ?? '');
    const rows = await auditPage(
      c.get('ctx'),
      c.get('site').id,
      Number.isSafeInteger(before) && before > 0 ? before : undefined,
    );
    const html = consolePage({
      ...(await shellFor(c)),
      title: a.title,
      current: 'audit',
      body: (
        <>
          <p>{a.intro}</p>
          <p>
            <a href="/console/audit.csv" download>
              {a.csv}
            </a>{' '}
            ·{' '}
            <a href="/console/audit.ndjson" download>
              {a.ndjson}
            </a>
          </p>
          {rows.length === 0 ? (
            <p>{a.none}</p>
          ) : (
            <table id="audit">
              <caption>{a.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{a.when}</th>
                  <th scope="col">{a.who}</th>
                  <th scope="col">{a.what}</th>
                  <th scope="col">{a.detail}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr>
                    <td>{consoleTime(c)(e.at)}</td>
                    <td>{actorName(t, e.actorName)}</td>
                    <td>{actionName(t, e.action) ?? <code>{e.action}</code>}</td>
                    <td>{e.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {rows.length === 200 ? (
            <p>
              <a href={`/console/audit?before=${rows[rows.length - 1]!.id}`}>{a.older}</a>
            </p>
          ) : null}
        </>
      ),
    });
    return c.body(html, 200, consoleHeaders);
  });

  app.get('/console/audit.csv', (c) =>
    c.body(stream(c, auditCsvHeader, auditCsvLine), 200, download(c, 'text/csv; charset=utf-8', 'csv')),
  );
  app.get('/console/audit.ndjson', (c) =>
    c.body(stream(c, '', auditJsonLine), 200, download(c, 'application/x-ndjson; charset=utf-8', 'ndjson')),
  );
}
