// Browser-facing consent API: the texts behind a hash, and the consent submission.
import { Hono } from 'hono';
import { loadSiteForSignUp, requestConsent, proofUrl, type CitedNotice } from '../domain/consent/index.ts';
import { loadSite } from '../domain/site/index.ts';
import { jsonBody, parseJson } from '../http/body.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { servedTexts } from '../domain/policies/index.ts';
import { applyCors, preflight, readableAnywhere } from '../http/cors.ts';
import { consentBodySchema } from './schemas.ts';

const citedSchema = consentBodySchema.pick({ textSha256: true, policyVersion: true, locale: true });

/** The notice a consent body cites, when it is JSON that says it well; null otherwise (never an error here). Read
 *  only by a process that has not cached the site yet. */
async function citedNotice(c: AppContext): Promise<CitedNotice | null> {
  if (!/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? '')) return null;
  try {
    const parsed = citedSchema.safeParse(parseJson(await c.req.text()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function consentRoutes() {
  const app = new Hono<AppEnv>();

  // GET /v1/sites/{site}/widget (the document the widget reads) is served with the widget, in routes/widget.ts.

  // The exact texts a hash stands for, so anyone can check what a receipt says the visitor saw.
  app.use('/v1/sites/:site/widget/texts/*', readableAnywhere());
  app.get('/v1/sites/:site/widget/texts/:sha256{[0-9a-f]{64}}', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const texts = await servedTexts(c.get('ctx'), site.id, c.req.param('sha256'));
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.json(texts);
  });

  app.options('/v1/sites/:site/consents', async (c) =>
    preflight(c, await loadSite(c.get('ctx'), c.req.param('site')), 'POST'),
  );

  app.post('/v1/sites/:site/consents', async (c) => {
    // A cold process reads the site with the notice the body cites, in one query; the CORS check still comes first,
    // and the body is validated after it, as for any write.
    const site = await loadSiteForSignUp(c.get('ctx'), c.req.param('site'), () => citedNotice(c));
    applyCors(c, site, { write: true });
    const body = await jsonBody(c, consentBodySchema);
    const outcome = await requestConsent(
      c.get('ctx'),
      site,
      { ...body, method: 'widget', ip: clientIp(c), userAgent: c.req.header('user-agent') },
      { challenge: 'when-near-limits' },
    );
    if (outcome.kind === 'declined') return c.body(null, 204);
    return c.json(
      {
        consentId: outcome.consentId,
        proofUrl: proofUrl(c.get('ctx'), outcome.consentId),
        status: 'pending',
        expiresAt: new Date(outcome.expiresAt).toISOString(),
        maskedPhone: outcome.maskedPhone,
      },
      202,
    );
  });

  return app;
}
