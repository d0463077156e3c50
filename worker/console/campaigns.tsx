// Console pages: marketing campaigns. Compose with the live SMS counter (the opt-out mention and the advertiser name
// as they will be sent), the audience and the cost in segments, send now or schedule; each campaign's progress and
// delivery reports, and a stop; what waits in the queue and why. Viewers read; editors and owners send and stop.
import type { Context, Hono } from 'hono';
import { newToken } from '../crypto/tokens.ts';
import {
  audienceOf,
  campaign,
  campaignList,
  preview,
  queueView,
  sendMarketing,
  stopCampaign,
  type CampaignProgress,
} from '../domain/messaging/index.ts';
import { marketingSenderErrors } from '../domain/site/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { frenchMessage } from '../http/problems-fr.ts';
import { formatDateTime, utcOffset } from '../pages/when.ts';
import { zonedTimeToInstant } from '../sms/quiet-hours.ts';
import { optOutMention } from '../sms/template.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { JsonSeed } from './json-seed.tsx';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';
import { fill } from './texts.ts';
import { localeName } from './islands/lib/locale-name.ts';

interface Draft {
  template: string;
  locale: string;
  when: 'now' | 'later';
  sendAt: string;
}

const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

async function listPage(
  c: Context<ConsoleEnv>,
  o: { draft?: Draft; errors?: FieldError[]; detail?: string; status?: 200 | 409 | 422 } = {},
) {
  const { t, site, ctx, lang } = c.var;
  const k = t.campaigns;
  const config = site.config;
  const zone = config.timezone;
  const draft = o.draft ?? { template: '', locale: config.defaultLocale, when: 'now', sendAt: '' };
  const shortCode = config.program.shortCode;
  const editor = c.get('session').role !== 'viewer';
  let initial: ReturnType<typeof preview> | null = null;
  try {
    initial = draft.template ? preview(site, { template: draft.template, variables: {} }, draft.locale) : null;
  } catch {
    initial = null;
  }
  const [audience, campaigns, queue] = await Promise.all([
    audienceOf(ctx, site),
    campaignList(ctx, site),
    queueView(ctx, site),
  ]);
  // What would refuse the send (a French site without a short code for STOP), said before the owner composes.
  const blockers = marketingSenderErrors(config);
  const say = (text: string) => (lang === 'fr' ? frenchMessage(text) : text);
  const mentions = Object.fromEntries(config.locales.map((l) => [l, optOutMention(l, shortCode)]));
  const when = (iso: string) => formatDateTime(iso, lang, zone);
  const perMessage = initial?.segments ?? 1;
  const html = consolePage({
    ...(await shellFor(c)),
    title: k.title,
    current: 'campaigns',
    islands: editor ? ['sms-counter'] : [],
    body: (
      <>
        <p>{k.intro}</p>
        <Errors t={t} errors={o.errors} detail={o.detail} />
        {c.req.query('stopped') === '1' ? (
          <p role="status" class="ok">
            {k.stoppedNote}
          </p>
        ) : null}
        <h2 id="campaigns-list">{k.list}</h2>
        {campaigns.length === 0 ? <p>{k.none}</p> : <CampaignTable c={c} campaigns={campaigns} when={when} />}
        <h2 id="queue">{k.queue}</h2>
        {queue.length === 0 ? (
          <p>{k.queueNone}</p>
        ) : (
          <section style="overflow-x:auto" aria-labelledby="queue" tabindex={0}>
            <table id="queue-table">
              <thead>
                <tr>
                  <th scope="col">{k.queueKind}</th>
                  <th scope="col">{k.queueCount}</th>
                  <th scope="col">{k.queueWhy}</th>
                  <th scope="col">{k.queueUntil}</th>
                </tr>
              </thead>
              <tbody>
                {queue.map((q) => (
                  <tr>
                    <td>
                      {q.campaignId && q.kind === 'marketing' ? (
                        <a href={`/console/campaigns/${q.campaignId}`}>{k.kinds[q.kind] ?? q.kind}</a>
                      ) : (
                        (k.kinds[q.kind] ?? q.kind)
                      )}
                    </td>
                    <td>{q.count}</td>
                    <td>{k.why[q.reason] ?? q.reason}</td>
                    <td>{when(q.until)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <h2 id="compose">{k.compose}</h2>
        {blockers.length > 0 ? (
          <div class="bad" id="campaign-blocked">
            <p>{k.blocked}</p>
            <ul>
              {blockers.map((e) => (
                <li>{say(e.message)}</li>
              ))}
            </ul>
            <p>
              <a href="/console/configuration#program">{k.blockedLink}</a>
            </p>
          </div>
        ) : null}
        {!editor ? (
          <p>{k.viewerNote}</p>
        ) : (
          <form method="post" action="/console/campaigns" id="sms-form">
            <Csrf value={c.get('session').csrf} />
            <input type="hidden" name="key" value={newToken(ctx.random)} />
            <label for="sms-locale">{k.locale}</label>
            <select id="sms-locale" name="locale">
              {config.locales.map((l) => (
                <option value={l} selected={l === draft.locale}>
                  {localeName(l, t.code)}
                </option>
              ))}
            </select>
            <label for="sms-template">{k.template}</label>
            <textarea id="sms-template" name="template" rows={5} maxlength={1600} aria-describedby="sms-live" required>
              {draft.template}
            </textarea>
            <p id="sms-live" role="status" aria-live="polite">
              {initial
                ? fill(k.counter, {
                    characters: initial.characters,
                    encoding: initial.encoding,
                    segments: initial.segments,
                  })
                : ''}
            </p>
            <p>
              {k.advertiser} <strong id="campaign-advertiser">{config.program.name}</strong>
            </p>
            <p>
              {k.optOut} <q id="sms-opt-out">{mentions[draft.locale]}</q>
            </p>
            <h3>{k.full}</h3>
            <pre id="sms-full">{initial?.text ?? ''}</pre>
            <p id="campaign-audience">
              {audience.recipients === 0 ? k.noAudience : fill(k.audience, { recipients: audience.recipients })}
              {audience.skipped.length > 0
                ? ` ${fill(k.held, {
                    list: audience.skipped.map((s) => `${k.reasons[s.reason] ?? s.reason} (${s.count})`).join(', '),
                  })}`
                : ''}
            </p>
            <p id="campaign-cost">{fill(k.cost, { segments: perMessage, total: perMessage * audience.recipients })}</p>
            <fieldset>
              <legend>{k.when}</legend>
              <label style="font-weight:400">
                <input type="radio" name="when" value="now" checked={draft.when === 'now'} /> {k.now}
              </label>
              <label style="font-weight:400">
                <input type="radio" name="when" value="later" checked={draft.when === 'later'} /> {k.later}
              </label>
              <label for="campaign-send-at">
                {fill(k.sendAt, { zone: `${zone}, ${utcOffset(new Date(), zone)}` })}
              </label>
              <input id="campaign-send-at" name="sendAt" type="datetime-local" value={draft.sendAt} />
            </fieldset>
            <p>
              <button type="submit">{k.send}</button>
            </p>
          </form>
        )}
        {editor ? (
          <JsonSeed
            id="sms-seed"
            value={{
              senderName: config.program.name,
              shortCode: shortCode ?? null,
              recipients: audience.recipients,
              t: { counter: k.counter, nonGsm: k.nonGsm, cost: k.cost },
            }}
          />
        ) : null}
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

function CampaignTable(props: {
  c: Context<ConsoleEnv>;
  campaigns: CampaignProgress[];
  when: (iso: string) => string;
}) {
  const k = props.c.get('t').campaigns;
  return (
    <section style="overflow-x:auto" aria-labelledby="campaigns-list" tabindex={0}>
      <table id="campaigns-table">
        <thead>
          <tr>
            <th scope="col">{k.created}</th>
            <th scope="col">{k.status}</th>
            <th scope="col">{k.scheduledFor}</th>
            <th scope="col">{k.recipients}</th>
            <th scope="col">{k.sent}</th>
            <th scope="col">{k.delivered}</th>
            <th scope="col">{k.cancelled}</th>
          </tr>
        </thead>
        <tbody>
          {props.campaigns.map((p) => (
            <tr id={`campaign-${p.id}`}>
              <td>
                <a href={`/console/campaigns/${p.id}`}>{props.when(p.createdAt)}</a>
              </td>
              <td>{k.statuses[p.status] ?? p.status}</td>
              <td>{props.when(p.sendAt)}</td>
              <td>{p.progress.queued + p.progress.sent + p.progress.failed + p.progress.cancelled}</td>
              <td>{p.progress.sent}</td>
              <td>{p.progress.delivered}</td>
              <td>{p.progress.cancelled}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

async function detailPage(c: Context<ConsoleEnv>, id: string) {
  const { t, site, ctx, lang } = c.var;
  const k = t.campaigns;
  const p = await campaign(ctx, site, id);
  const when = (iso: string) => formatDateTime(iso, lang, site.config.timezone);
  const stoppable = p.status === 'scheduled' || p.status === 'sending' || p.status === 'draft';
  const rows: [string, number][] = [
    [k.queued, p.progress.queued],
    [k.sent, p.progress.sent],
    [k.failed, p.progress.failed],
    [k.cancelled, p.progress.cancelled],
  ];
  const html = consolePage({
    ...(await shellFor(c)),
    title: fill(k.detail, { date: when(p.createdAt) }),
    current: 'campaigns',
    body: (
      <>
        <p>
          <a href="/console/campaigns">{k.back}</a>
        </p>
        {c.req.query('started') === '1' ? (
          <p role="status" class="ok">
            {k.started}
          </p>
        ) : null}
        {c.req.query('stopped') === '1' ? (
          <p role="status" class="ok">
            {k.stoppedNote}
          </p>
        ) : null}
        <dl>
          <dt>{k.status}</dt>
          <dd id="campaign-status">{k.statuses[p.status] ?? p.status}</dd>
          <dt>{k.scheduledFor}</dt>
          <dd>{when(p.sendAt)}</dd>
          <dt>{k.createdBy}</dt>
          <dd>{p.createdBy}</dd>
        </dl>
        <pre id="campaign-text">{p.message.text}</pre>
        <h2>{k.progress}</h2>
        <table id="campaign-progress">
          <tbody>
            {rows.map(([label, n]) => (
              <tr>
                <th scope="row">{label}</th>
                <td>{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p id="campaign-cost">
          {fill(k.costDone, {
            sent: p.cost.segmentsSent,
            planned: p.cost.segmentsPlanned,
            per: p.cost.segmentsPerMessage,
          })}
        </p>
        <h2>{k.reports}</h2>
        <p>{k.reportsHint}</p>
        <table id="campaign-reports">
          <tbody>
            <tr>
              <th scope="row">{k.delivered}</th>
              <td>{p.progress.delivered}</td>
            </tr>
            <tr>
              <th scope="row">{k.undelivered}</th>
              <td>{p.progress.undelivered}</td>
            </tr>
          </tbody>
        </table>
        {p.skipped.length > 0 ? (
          <>
            <h2>{k.skipped}</h2>
            <ul id="campaign-skipped">
              {p.skipped.map((s) => (
                <li>
                  {k.reasons[s.reason] ?? s.reason}
                  {lang === 'fr' ? '\u00a0: ' : ': '}
                  {s.count}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {p.stoppedAt ? <p>{fill(k.stoppedBy, { who: p.stoppedBy ?? '', date: when(p.stoppedAt) })}</p> : null}
        {stoppable && c.get('session').role !== 'viewer' ? (
          <form method="post" action={`/console/campaigns/${p.id}/stop`}>
            <Csrf value={c.get('session').csrf} />
            <p>{k.stopHint}</p>
            <button type="submit">{k.stop}</button>
          </form>
        ) : null}
      </>
    ),
  });
  return c.body(html, 200, consoleHeaders);
}

export function campaignRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/campaigns', (c) => listPage(c));

  app.get('/console/campaigns/:id', (c) => detailPage(c, c.req.param('id')));

  app.post('/console/campaigns', async (c) => {
    const { site, ctx, t } = c.var;
    const form = await formBody(c);
    const config = site.config;
    const draft: Draft = {
      template: (form.template ?? '').slice(0, 1600),
      locale: config.locales.includes(form.locale ?? '') ? form.locale! : config.defaultLocale,
      when: form.when === 'later' ? 'later' : 'now',
      sendAt: (form.sendAt ?? '').slice(0, 16),
    };
    const errors: FieldError[] = [];
    if (!draft.template.trim()) errors.push({ path: 'template', message: t.campaigns.template });
    let sendAt: number | undefined;
    if (draft.when === 'later') {
      // The time is read in the site's time zone, as the form says.
      const m = DATETIME_LOCAL.exec(draft.sendAt);
      const [y, mo, d, hh, mm] = m ? m.slice(1).map(Number) : [];
      sendAt = m
        ? zonedTimeToInstant({ year: y!, month: mo!, day: d! }, hh! * 60 + mm!, config.timezone).getTime()
        : undefined;
      if (sendAt === undefined || Number.isNaN(sendAt) || sendAt <= ctx.clock())
        errors.push({ path: 'sendAt', message: fill(t.campaigns.sendAt, { zone: config.timezone }) });
    }
    if (errors.length > 0) return listPage(c, { draft, errors, status: 422 });
    const key = /^[A-Za-z0-9_-]{16,64}$/.test(form.key ?? '') ? form.key! : newToken(ctx.random);
    try {
      const report = await sendMarketing(ctx, site, {
        template: draft.template,
        variables: {},
        locale: draft.locale,
        sendAt,
        idempotencyKey: `console:${key}`,
        createdBy: c.get('session').actor.id,
      });
      c.set('auditDetail', { campaign: report.campaignId, queued: report.queued, sendAt: report.sendAt });
      return c.redirect(`/console/campaigns/${report.campaignId}?started=1`, 303);
    } catch (error) {
      if (error instanceof AppError && error.status === 422)
        return listPage(c, { draft, errors: error.errors ?? [], detail: error.message, status: 422 });
      throw error;
    }
  });

  app.post('/console/campaigns/:id/stop', async (c) => {
    const { ctx, site, session } = c.var;
    const stopped = await stopCampaign(ctx, site, c.req.param('id'), session.actor.id);
    c.set('auditDetail', { campaign: stopped.id, cancelled: stopped.cancelledNow });
    return c.redirect(`/console/campaigns/${stopped.id}?stopped=1`, 303);
  });
}
