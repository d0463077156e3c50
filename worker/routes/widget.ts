// The embed script (/widget.js and its long-cache hashed copy for Subresource Integrity), the widget document it
// reads, the hosted opt-in page that works without JavaScript (GET/POST /s/{site}), and the dev demo page.
import { Hono } from 'hono';
import { z } from 'zod';
import { proofUrl, requestConsent } from '../domain/consent/index.ts';
import { loadSite, type Site } from '../domain/site/index.ts';
import { currentWidget, rememberBundle, widgetBuild, widgetPath } from '../domain/site/index.ts';
import { AppError, notFound } from '../errors.ts';
import { widgetBundle } from '../generated/widget.ts';
import { queryParams } from '../http/body.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { preferredLanguage, vary } from '../http/negotiate.ts';
import { renderHostedPage, type HostedState } from '../pages/hosted.tsx';
import { demoPage } from '../pages/demo.tsx';
import { toBase64 } from '../crypto/encoding.ts';
import { formFields } from '../http/form-fields.ts';
import { assertOwnForm, FORM_TOKEN_FIELD, formTokenFor } from '../http/hosted-form-guard.ts';
import { conditional } from '../http/conditional.ts';
import { serveScript } from '../http/script.ts';
import { originOk, readableAnywhere } from '../http/cors.ts';
import { consentBodySchema } from './schemas.ts';

const hashedWidgetPath = widgetPath(widgetBundle);

const formSchema = consentBodySchema.omit({ policyVersion: true, pageUrl: true, challengeToken: true }).extend({
  policyVersion: z.coerce.number().int().positive(),
});

/**
 * The widget's language: `data-locale` (sent as `?locale=`) if the site offers it, else the first of the visitor's
 * languages (Accept-Language, in their order) the site offers, else the site's default. Never the host page's lang:
 * a French visitor on an English shop reads French.
 */
function widgetLocale(c: AppContext, site: Site, requested: string | undefined): string {
  const offered = site.config.locales;
  const asked = requested?.toLowerCase();
  if (asked && offered.includes(asked)) return asked;
  if (asked && offered.includes(asked.split('-')[0]!)) return asked.split('-')[0]!;
  return preferredLanguage(c, offered) ?? site.config.defaultLocale;
}

const documentQuery = z.object({ locale: z.string().max(10).optional() });

// The current build is stored once per process, best-effort: a database that cannot write still serves the script.
const rememberCurrentBundle = (c: AppContext) => rememberBundle(c.get('ctx'), widgetBundle);

// Served behind conditional(): the pinned copy never changes, the current one may change with an upgrade.
async function script(c: AppContext, bundle: { sha256: string; code: string }, immutable: boolean) {
  await rememberCurrentBundle(c);
  const cacheControl = immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
  return serveScript(c, bundle.code, { sha256hex: bundle.sha256, cacheControl, crossSite: true });
}

async function hostedPage(
  c: AppContext,
  site: Site,
  state: HostedState,
  locale: string | undefined,
  status: 200 | 202 | 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429 = 200,
) {
  const { document } = await currentWidget(c.get('ctx'), site, locale);
  const nonce = toBase64(c.get('ctx').random(16));
  const html = renderHostedPage({
    site: site.id,
    widget: document,
    state,
    formAction: `/s/${site.id}`,
    widgetScriptUrl: hashedWidgetPath,
    nonce,
    formToken: await formTokenFor(c, site.id),
  });
  return c.body(html, status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
}

export function widgetRoutes() {
  const app = new Hono<AppEnv>();

  // The script, its pinned copies and the widget document are public. CORS headers come first, so a problem
  // (unknown site, no policy yet) is readable by the page too.
  const readable = readableAnywhere();
  for (const path of ['/widget.js', '/widget.json', '/:file{widget-[0-9a-f]{16}\\.js}']) app.use(path, readable);
  app.use('/v1/sites/:site/widget', readableAnywhere({ exposeHeaders: ['ETag', 'X-Request-Id'] }));
  app.get('/widget.js', conditional(), (c) => script(c, widgetBundle, false));

  // Public: any page may read it (texts and policy link are public anyway), and it says whether the requesting
  // origin may submit, so a site owner whose allowedOrigins misses this page reads why in the console instead of
  // finding the widget silently absent.
  app.get('/v1/sites/:site/widget', conditional(), async (c) => {
    c.header('Timing-Allow-Origin', '*');
    vary(c, 'Origin', 'Accept-Language');
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const { locale } = queryParams(c, documentQuery);
    const { document } = await currentWidget(c.get('ctx'), site, widgetLocale(c, site, locale));
    const origin = c.req.header('origin')?.slice(0, 200);
    const originAllowed = originOk(c, site);
    c.header('Cache-Control', 'public, max-age=300');
    // No ETag set here: conditional() tags the bytes sent (a refused origin's answer names that origin).
    if (originAllowed) return c.json({ ...document, originAllowed });
    return c.json({
      ...document,
      originAllowed,
      error: {
        code: 'origin_not_allowed',
        message:
          `Assent: this page's origin ${origin} may not submit to site "${site.id}", so the widget stays hidden. ` +
          `Add "${origin}" to the site's allowedOrigins (PUT /v1/sites/${site.id}, or Settings in /console).`,
      },
    });
  });
  /** The pinned copy's URL and its Subresource Integrity value, and the tag to paste. */
  app.get('/widget.json', async (c) => {
    await rememberCurrentBundle(c);
    const src = `${c.get('ctx').publicUrl}${hashedWidgetPath}`;
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({
      src,
      integrity: widgetBundle.sri,
      sha256: widgetBundle.sha256,
      snippet: `<script src="${src}" integrity="${widgetBundle.sri}" crossorigin="anonymous" data-site="SITE" async></script>`,
    });
  });
  // Pinned builds, the current one and every earlier one this server served: an upgrade never breaks a page that
  // pinned a build with Subresource Integrity.
  app.get('/:file{widget-[0-9a-f]{16}\\.js}', conditional(), async (c) => {
    const prefix = c.req.param('file').slice('widget-'.length, -'.js'.length);
    return script(c, await widgetBuild(c.get('ctx'), prefix, widgetBundle), true);
  });

  app.get('/s/:site', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    return hostedPage(c, site, 'idle', widgetLocale(c, site, c.req.query('locale')));
  });

  app.post('/s/:site', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    // A field sent twice keeps both values, so `choice=no&choice=yes` is refused below as an invalid choice.
    const raw = formFields(await c.req.text());
    const token = raw[FORM_TOKEN_FIELD];
    // The hosted form is ours: a form on another site posting here (to make us text a number) is refused.
    const locale = widgetLocale(c, site, typeof raw.locale === 'string' ? raw.locale : c.req.query('locale'));
    try {
      await assertOwnForm(c, site.id, typeof token === 'string' ? token : undefined);
    } catch (error) {
      // A person (an older browser, a page left open for hours) gets the form again, with a fresh token.
      if (error instanceof AppError && error.code === 'cross_site_form')
        return hostedPage(c, site, { kind: 'error', code: error.code }, locale, 403);
      throw error;
    }
    const parsed = formSchema.safeParse(raw);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'phone');
      return hostedPage(
        c,
        site,
        { kind: 'error', code: field === 'phone' ? 'invalid_phone' : 'stale_texts', field },
        locale,
        422,
      );
    }
    try {
      // The hosted form runs no script, so it cannot show a challenge: its signed form token guards it instead.
      const outcome = await requestConsent(
        c.get('ctx'),
        site,
        {
          ...parsed.data,
          method: 'hosted-page',
          pageUrl: `${c.get('ctx').publicUrl}/s/${site.id}`,
          ip: clientIp(c),
          userAgent: c.req.header('user-agent'),
        },
        { challenge: 'never' },
      );
      if (outcome.kind === 'declined') return hostedPage(c, site, { kind: 'declined' }, locale);
      c.header('Link', `<${proofUrl(c.get('ctx'), outcome.consentId)}>; rel="related"`);
      return hostedPage(c, site, { kind: 'sent', maskedPhone: outcome.maskedPhone }, locale, 202);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      const field = error.errors?.[0]?.path;
      const state: HostedState = { kind: 'error', code: error.code, ...(field ? { field } : {}) };
      return hostedPage(c, site, state, locale, error.status as 422);
    }
  });

  app.get('/demo', async (c) => {
    if (c.get('deps').mode !== 'dev') throw notFound('Nothing here.');
    const site = await loadSite(c.get('ctx'), 'demo');
    const { name, helpContact, frequency, shortCode } = site.config.program;
    return c.html(
      demoPage({
        site: site.id,
        scriptUrl: '/widget.js',
        publicUrl: c.get('ctx').publicUrl,
        locales: site.config.locales,
        pendingTtlHours: site.config.pendingTtlHours,
        program: { name, helpContact, frequency, ...(shortCode ? { shortCode } : {}) },
      }),
    );
  });

  return app;
}
