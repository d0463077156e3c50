// Console page: renewal campaigns. When the live policy version changed purposes, recipients or transfers, start one
// (or finish one cut short while starting); each campaign's progress and results (asked, renewed, declined, lapsed).
import type { Context, Hono } from 'hono';
import { renewalCampaigns, renewalOverview, RENEWAL_DEADLINE_DAYS, startRenewal } from '../domain/messaging/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { formatDateTime } from '../pages/when.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill } from './texts.ts';

async function render(
  c: Context<ConsoleEnv>,
  o: { errors?: FieldError[]; detail?: string; status?: 200 | 409 | 422; days?: string } = {},
) {
  const { t, site, ctx, lang } = c.var;
  const r = t.campaigns.renewals;
  const k = t.campaigns;
  const [overview, campaigns] = await Promise.all([renewalOverview(ctx, site), renewalCampaigns(ctx, site)]);
  const when = (iso: string) => formatDateTime(iso, lang, site.config.timezone);
  const resumable = overview.open !== null && overview.open.startedAt === null;
  const canStart = c.get('session').role !== 'viewer' && (resumable || (overview.needed > 0 && !overview.open));
  const html = consolePage({
    ...(await shellFor(c)),
    title: r.title,
    current: 'renewals',
    body: (
      <>
        <p>{r.intro}</p>
        <Errors t={t} errors={o.errors} detail={o.detail} />
        {c.req.query('started') === '1' ? (
          <p role="status" class="ok">
            {r.started}
          </p>
        ) : null}
        <p id="renewal-needed">
          {overview.needed > 0
            ? fill(r.needed, { count: overview.needed, version: overview.version ?? 0 })
            : r.notNeeded}
        </p>
        {resumable ? <p id="renewal-resume">{r.resume}</p> : null}
        {canStart ? (
          <form method="post" action="/console/renewals">
            <Csrf value={c.get('session').csrf} />
            <label for="renewal-days">{r.deadlineDays}</label>
            <input
              id="renewal-days"
              name="deadlineDays"
              inputmode="numeric"
              value={o.days ?? String(RENEWAL_DEADLINE_DAYS.default)}
            />
            <p class="hint">{fill(r.cap, { count: overview.perHour })}</p>
            <p>
              <button type="submit">{r.start}</button>
            </p>
          </form>
        ) : c.get('session').role === 'viewer' ? (
          <p>{k.viewerNote}</p>
        ) : null}
        <h2 id="renewals-list">{r.list}</h2>
        {campaigns.length === 0 ? (
          <p>{r.none}</p>
        ) : (
          <section style="overflow-x:auto" aria-labelledby="renewals-list" tabindex={0}>
            <table id="renewals-table">
              <thead>
                <tr>
                  <th scope="col">{k.created}</th>
                  <th scope="col">{r.version}</th>
                  <th scope="col">{r.state}</th>
                  <th scope="col">{r.asked}</th>
                  <th scope="col">{r.sms}</th>
                  <th scope="col">{r.renewed}</th>
                  <th scope="col">{r.declined}</th>
                  <th scope="col">{r.lapsed}</th>
                  <th scope="col">{r.waiting}</th>
                  <th scope="col">{r.deadline}</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((p) => (
                  <tr id={`renewal-${p.id}`}>
                    <td>{when(p.createdAt)}</td>
                    <td>{p.policyVersion}</td>
                    <td>{!p.started ? r.starting : p.closedAt ? r.closed : r.open}</td>
                    <td>{p.asked}</td>
                    <td>{p.sms.sent}</td>
                    <td>{p.answers.renewed}</td>
                    <td>{p.answers.declined}</td>
                    <td>{p.answers.lapsed}</td>
                    <td>{p.answers.waiting}</td>
                    <td>{when(p.deadline)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

export function renewalConsoleRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/renewals', (c) => render(c));

  app.post('/console/renewals', async (c) => {
    const form = await formBody(c);
    const raw = (form.deadlineDays ?? '').trim().slice(0, 10);
    const days = Number(raw);
    const { min, max } = RENEWAL_DEADLINE_DAYS;
    if (!/^\d+$/.test(raw) || days < min || days > max)
      return render(c, {
        errors: [{ path: 'deadlineDays', message: c.get('t').campaigns.renewals.deadlineDays }],
        status: 422,
        days: raw,
      });
    try {
      const progress = await startRenewal(c.get('ctx'), c.get('site'), { deadlineDays: days });
      c.set('auditDetail', { renewal: progress.id, asked: progress.asked });
    } catch (error) {
      if (error instanceof AppError && (error.status === 409 || error.status === 422))
        return render(c, { detail: error.message, status: error.status as 409 | 422, days: raw });
      throw error;
    }
    return c.redirect('/console/renewals?started=1', 303);
  });
}
