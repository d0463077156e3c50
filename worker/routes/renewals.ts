// Renewal campaigns: the owner starts one and reads its progress (admin API); the subscriber answers on /r/{token},
// where GET only shows the new texts and the two equal answers and the POST decides (link scanners never answer).
import { Hono } from 'hono';
import {
  answerRenewal,
  renewalByToken,
  renewalCampaign,
  renewalCampaigns,
  startRenewal,
  type RenewalView,
} from '../domain/messaging/index.ts';
import { loadSite } from '../domain/site/index.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { noQuery, optionalJsonBody, queryParams } from '../http/body.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { preferredLanguage } from '../http/negotiate.ts';
import { pageHeaders } from '../pages/layout.tsx';
import { renewalPage, type RenewalPageState } from '../pages/renewal.tsx';
import { formatDateTime } from '../pages/when.ts';
import { PAGE_LOCALES } from '../pages/texts.ts';
import { renewalBody } from './schemas.ts';

async function show(c: AppContext, view: RenewalView | null, state: RenewalPageState | null, status: 200 | 404 = 200) {
  if (!view) {
    const locale = preferredLanguage(c, PAGE_LOCALES) ?? 'en';
    return c.body(
      renewalPage({ locale, program: '', version: 0, deadline: '', state: { kind: 'unknown' } }),
      404,
      pageHeaders,
    );
  }
  const site = await loadSite(c.get('ctx'), view.campaign.siteId);
  const { consent, campaign } = view;
  const version = campaign.policyVersion;
  const base = `${c.get('ctx').publicUrl}/p/${encodeURIComponent(site.id)}`;
  const locale = `?locale=${encodeURIComponent(consent.locale)}`;
  const from = consent.renewedVersion ?? consent.policyVersion;
  const deadline = formatDateTime(campaign.deadline, consent.locale, site.config.timezone);
  return c.body(
    renewalPage({
      locale: consent.locale,
      program: site.config.program.name,
      version,
      deadline,
      audience: campaign.audience,
      state: state ?? {
        kind: 'ask',
        summary: view.summary,
        policyUrl: `${base}/${version}${locale}`,
        diffUrl: `${base}/diff/${from}/${version}${locale}`,
        action: c.req.path,
      },
    }),
    status,
    pageHeaders,
  );
}

export function renewalRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites/:site/renewals', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const body = await optionalJsonBody(c, renewalBody);
    const progress = await startRenewal(c.get('ctx'), site, {
      ...(body.deadlineDays ? { deadlineDays: body.deadlineDays } : {}),
      ...(body.audience ? { audience: body.audience } : {}),
    });
    c.header('Cache-Control', 'no-store');
    return c.json(progress, 202);
  });

  app.get('/v1/sites/:site/renewals', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    queryParams(c, noQuery);
    c.header('Cache-Control', 'no-store');
    return c.json({ campaigns: await renewalCampaigns(c.get('ctx'), site) });
  });

  app.get('/v1/sites/:site/renewals/:id', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    c.header('Cache-Control', 'no-store');
    return c.json(await renewalCampaign(c.get('ctx'), site, c.req.param('id')));
  });

  app.get('/r/:token', async (c) => {
    const view = await renewalByToken(c.get('ctx'), c.req.param('token'));
    if (!view) return show(c, null, null);
    const { status } = view.request;
    if (status !== 'asked') return show(c, view, { kind: status });
    const open = c.get('ctx').clock() < view.campaign.deadline && view.campaign.closedAt === null;
    return show(c, view, open ? null : { kind: 'lapsed' });
  });

  app.post('/r/:token', async (c) => {
    const view = await renewalByToken(c.get('ctx'), c.req.param('token'));
    if (!view) return show(c, null, null);
    const choices = new URLSearchParams(await c.req.text()).getAll('choice');
    const choice = choices.length === 1 ? choices[0] : undefined;
    // Nothing chosen (a scanner posting an empty form), or both (`choice=yes&choice=no`: no answer is one of them):
    // the page again, nothing decided.
    if (choice !== 'yes' && choice !== 'no') return show(c, view, null);
    return show(c, view, { kind: await answerRenewal(c.get('ctx'), view, choice) });
  });

  return app;
}
