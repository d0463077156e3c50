// Console page: look up a number (POSTed, never in a URL), its status and proof, export what is held (access
// request) and erase with confirmation; the streamed CSV of every subscriber.
import type { Context } from 'hono';
import type { Hono } from 'hono';
import { recordAudit } from '../domain/console/index.ts';
import { lookupSubscriber, subscriberById, type GateAnswer } from '../domain/messaging/index.ts';
import { eraseSubscriber, exportSubscriber } from '../domain/subscribers/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { subscriberStream, subscriberStreamHeaders } from '../http/subscriber-stream.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';

interface RenderOptions {
  found?: GateAnswer | null;
  erased?: boolean;
  errors?: FieldError[];
  status?: 200 | 404 | 422;
}

async function render(c: Context<ConsoleEnv>, o: RenderOptions = {}) {
  const { t } = c.var;
  const csrf = c.get('session').csrf;
  const s = t.subscribers;
  const a = o.found;
  const html = consolePage({
    ...(await shellFor(c)),
    title: s.title,
    current: 'subscribers',
    body: (
      <>
        <Errors t={t} errors={o.errors} />
        {o.erased ? (
          <p role="status" class="ok" id="erased">
            {s.erased}
          </p>
        ) : null}
        <form method="post" action="/console/subscribers/lookup">
          <Csrf value={csrf} />
          <h2>{s.lookup}</h2>
          <label for="phone">{s.phone}</label>
          <input id="phone" name="phone" type="tel" autocomplete="off" required />
          <p>
            <button type="submit">{s.find}</button>
          </p>
        </form>
        {a === null ? (
          <p role="status" id="not-found">
            {s.notFound}
          </p>
        ) : null}
        {a ? (
          <section id="subscriber" aria-labelledby="subscriber-title">
            <h2 id="subscriber-title">{a.maskedPhone}</h2>
            <dl>
              <dt>{s.status}</dt>
              <dd id="subscriber-status">{a.status}</dd>
              {a.status === 'imported' ? (
                <dd class="muted" id="subscriber-imported">
                  {s.imported}
                </dd>
              ) : null}
              <dt>{s.canSend}</dt>
              <dd>
                {a.canSend ? s.yes : s.no}
                {a.reason ? ` (${a.reason})` : ''}
              </dd>
              {a.proofUrl ? (
                <>
                  <dt>{s.proof}</dt>
                  <dd>
                    <a href={a.proofUrl}>{a.proofUrl}</a>
                  </dd>
                  <dt>{s.records}</dt>
                  <dd id="subscriber-records">
                    <a href={`${a.proofUrl}?format=iso27560`}>{s.iso27560}</a> ·{' '}
                    <a href={`${a.proofUrl}?format=kantara`}>{s.kantara}</a>
                  </dd>
                </>
              ) : null}
            </dl>
            {a.subscriberId && a.status !== 'erased' ? (
              <>
                <form method="post" action="/console/subscribers/export">
                  <Csrf value={csrf} />
                  <input type="hidden" name="subscriber" value={a.subscriberId} />
                  <button type="submit" class="secondary">
                    {s.export}
                  </button>
                </form>
                <form method="post" action="/console/subscribers/erase">
                  <Csrf value={csrf} />
                  <input type="hidden" name="subscriber" value={a.subscriberId} />
                  <fieldset>
                    <legend>{s.erase}</legend>
                    <p>{s.eraseConfirm}</p>
                    <input type="checkbox" id="erase-confirm" name="confirm" value="yes" />{' '}
                    <label for="erase-confirm" style="display:inline">
                      {s.eraseCheck}
                    </label>
                    <p>
                      <button type="submit">{s.eraseSubmit}</button>
                    </p>
                  </fieldset>
                </form>
              </>
            ) : null}
          </section>
        ) : null}
        <p>
          <a href="/console/subscribers.csv" download>
            {s.csv}
          </a>
        </p>
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

export function subscriberRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/subscribers', (c) => render(c));

  app.post('/console/subscribers/lookup', async (c) => {
    const form = await formBody(c);
    try {
      const found = await lookupSubscriber(c.get('ctx'), c.get('site'), form.phone ?? '');
      return render(c, { found: found.subscriberId ? found : null });
    } catch (error) {
      if (error instanceof AppError && error.status === 422)
        return render(c, { errors: error.errors ?? [], status: 422 });
      throw error;
    }
  });

  app.post('/console/subscribers/export', async (c) => {
    const form = await formBody(c);
    const data = await exportSubscriber(c.get('ctx'), c.get('site'), form.subscriber ?? '');
    return c.body(JSON.stringify(data, null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${c.get('site').id}-subscriber-${data.subscriberId}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  app.post('/console/subscribers/erase', async (c) => {
    const form = await formBody(c);
    const id = form.subscriber ?? '';
    if (form.confirm !== 'yes') {
      const found = await subscriberById(c.get('ctx'), c.get('site'), id);
      return render(c, {
        found,
        errors: [{ path: 'confirm', message: c.get('t').subscribers.eraseCheck }],
        status: 422,
      });
    }
    await eraseSubscriber(c.get('ctx'), c.get('site'), id);
    return render(c, { erased: true });
  });

  app.get('/console/subscribers.csv', async (c) => {
    const { ctx, site } = c.var;
    // Every number in clear: who downloaded it, and when, goes in the audit trail, as a lookup or an export does.
    await recordAudit(ctx, c.get('session'), site.id, 'GET /console/subscribers.csv');
    return c.body(subscriberStream(ctx, site, { format: 'csv' }), 200, {
      ...subscriberStreamHeaders(site.id, 'csv'),
      'Cache-Control': 'no-store',
    });
  });
}
