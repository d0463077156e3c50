// /c/{token} (confirm) and /u/{token} (unsubscribe): GET shows a page and changes nothing; POST acts, idempotently.
import { Hono } from 'hono';
import { confirmConsent, proofUrl, withdrawAll } from '../domain/consents.ts';
import type { DomainContext } from '../domain/context.ts';
import { loadSite } from '../domain/sites.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import type { AppContext, AppEnv } from '../http.ts';
import { linkPage, type LinkPageState } from '../pages/links.tsx';
import { pageHeaders } from '../pages/layout.tsx';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function html(c: AppContext, body: string, status: 200 | 404 | 410 = 200) {
  return c.body(body, status, pageHeaders);
}

/** Unknown or malformed tokens get a clear page in the visitor's language, never an error dump. */
function unknown(c: AppContext) {
  const lang = (c.req.header('accept-language') ?? 'en').slice(0, 2).toLowerCase();
  return html(c, linkPage({ locale: lang, program: '', state: { kind: 'unknown' } }).replace(' — </title>', '</title>'), 404);
}

async function byToken(ctx: DomainContext, token: string, kind: 'confirm' | 'unsubscribe') {
  if (!TOKEN.test(token)) return null;
  const hash = await sha256Hex(token);
  const consent = kind === 'confirm' ? await ctx.consents.byConfirmToken(hash) : await ctx.consents.byUnsubscribeToken(hash);
  if (!consent) return null;
  return { consent, site: await loadSite(ctx, consent.siteId) };
}

export function linkRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/c/:token', async (c) => {
    const found = await byToken(c.var.ctx, c.req.param('token'), 'confirm');
    if (!found) return unknown(c);
    const { consent, site } = found;
    const now = c.var.ctx.clock();
    const state: LinkPageState =
      consent.status === 'confirmed'
        ? { kind: 'confirmed', proofUrl: proofUrl(c.var.ctx, consent.id) }
        : consent.status === 'pending' && consent.expiresAt >= now
          ? { kind: 'confirm', expiresAt: consent.expiresAt }
          : consent.status === 'withdrawn'
            ? { kind: 'withdrawn' }
            : { kind: 'expired' };
    return html(c, linkPage({ locale: consent.locale, program: site.config.program.name, state, action: c.req.path }), state.kind === 'expired' ? 410 : 200);
  });

  app.post('/c/:token', async (c) => {
    const found = await byToken(c.var.ctx, c.req.param('token'), 'confirm');
    if (!found) return unknown(c);
    const { consent, site } = found;
    const outcome = await confirmConsent(c.var.ctx, consent, 'link', site);
    if (outcome.kind === 'confirmed') c.var.deps.onQueued?.();
    const state: LinkPageState =
      outcome.kind === 'confirmed' || outcome.kind === 'already-confirmed'
        ? { kind: 'confirmed', proofUrl: proofUrl(c.var.ctx, consent.id) }
        : outcome.kind === 'withdrawn'
          ? { kind: 'withdrawn' }
          : { kind: 'expired' };
    return html(c, linkPage({ locale: consent.locale, program: site.config.program.name, state }), state.kind === 'expired' ? 410 : 200);
  });

  app.get('/u/:token', async (c) => {
    const found = await byToken(c.var.ctx, c.req.param('token'), 'unsubscribe');
    if (!found) return unknown(c);
    const { consent, site } = found;
    const state: LinkPageState =
      consent.status === 'confirmed' ? { kind: 'unsubscribe' } : { kind: 'withdrawn', proofUrl: proofUrl(c.var.ctx, consent.id) };
    return html(c, linkPage({ locale: consent.locale, program: site.config.program.name, state, action: c.req.path }));
  });

  app.post('/u/:token', async (c) => {
    const found = await byToken(c.var.ctx, c.req.param('token'), 'unsubscribe');
    if (!found) return unknown(c);
    const { consent, site } = found;
    const subject = await c.var.ctx.subjects.byId(consent.subjectId);
    if (subject) await withdrawAll(c.var.ctx, subject, { method: 'link' });
    return html(
      c,
      linkPage({
        locale: consent.locale,
        program: site.config.program.name,
        state: { kind: 'withdrawn', proofUrl: proofUrl(c.var.ctx, consent.id) },
      }),
    );
  });

  return app;
}
