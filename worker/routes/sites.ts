// Site administration: create (platform admin), read and replace a site's configuration, and its API keys.
import { Hono } from 'hono';
import { z } from 'zod';
import { createSite, issueKey, parseSiteConfig, replaceSiteConfig, revokeKey } from '../domain/sites.ts';
import { redactConfig, siteIdSchema } from '../domain/site-config.ts';
import { jsonBody, requirePlatformAdmin, requireSiteAccess, type AppEnv } from '../http.ts';

const createBody = z.object({ id: siteIdSchema, config: z.record(z.string(), z.unknown()) });

export function siteRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites', async (c) => {
    await requirePlatformAdmin(c);
    const body = await jsonBody(c, createBody);
    const config = parseSiteConfig(body.config, 'config');
    const { apiKey } = await createSite(c.var.ctx, body.id, config);
    c.header('Location', `/v1/sites/${body.id}`);
    return c.json({ id: body.id, apiKey, config: redactConfig(config) }, 201);
  });

  app.get('/v1/sites/:site', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    return c.json({ id: site.id, config: redactConfig(site.config) });
  });

  app.put('/v1/sites/:site', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const body = await jsonBody(c, z.record(z.string(), z.unknown()));
    const config = await replaceSiteConfig(c.var.ctx, site, body);
    return c.json({ id: site.id, config: redactConfig(config) });
  });

  app.get('/v1/sites/:site/keys', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const keys = await c.var.ctx.apiKeys.list(site.id);
    return c.json({
      keys: keys.map((k) => ({ id: k.id, createdAt: new Date(k.createdAt).toISOString(), revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null })),
    });
  });

  app.post('/v1/sites/:site/keys', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    return c.json(await issueKey(c.var.ctx, site.id), 201);
  });

  app.delete('/v1/sites/:site/keys/:id', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await revokeKey(c.var.ctx, site.id, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
