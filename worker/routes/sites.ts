// Site administration: create (platform admin), read and replace a site's configuration, and its API keys.
import { Hono } from 'hono';
import { z } from 'zod';
import { createSite, issueKey, listKeys, parseSiteConfig, replaceSiteConfig, revokeKey } from '../domain/site/index.ts';
import { siteIdSchema } from '../domain/site/index.ts';
import { redactConfig } from '../domain/site/index.ts';
import { isPlatformAdmin, requirePlatformAdmin, requireSiteAccess } from '../http/auth.ts';
import { jsonBody, noQuery, optionalJsonBody, queryParams, validationErrorFor } from '../http/body.ts';
import type { AppEnv } from '../http/context.ts';
import { newKeyBody } from './schemas.ts';

const createBody = z.strictObject({ id: siteIdSchema, config: z.record(z.string(), z.unknown()) });
const anyObject = z.record(z.string(), z.unknown());

/**
 * A PUT body is either what GET answered (`{id, config}`) or the bare configuration; a configuration never has a
 * `config` key, so the two cannot be confused. Returns the configuration and where it sat in the body.
 */
function configOfPutBody(body: Record<string, unknown>, siteId: string): { input: unknown; prefix: string } {
  if (!('config' in body)) return { input: body, prefix: '' };
  const extra = Object.keys(body).filter((k) => k !== 'id' && k !== 'config');
  if (extra.length > 0)
    throw validationErrorFor(
      extra[0]!,
      'Unknown key: send {id, config} as GET answered it, or the bare configuration.',
    );
  if (body.id !== undefined && body.id !== siteId)
    throw validationErrorFor('id', `Must be "${siteId}", the site in the path.`);
  const parsed = anyObject.safeParse(body.config);
  if (!parsed.success) throw validationErrorFor('config', 'Must be the configuration object.');
  return { input: parsed.data, prefix: 'config' };
}

export function siteRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites', async (c) => {
    await requirePlatformAdmin(c);
    const body = await jsonBody(c, createBody);
    const config = parseSiteConfig(body.config, 'config');
    const { apiKey } = await createSite(c.get('ctx'), body.id, config);
    c.header('Location', `/v1/sites/${body.id}`);
    return c.json({ id: body.id, apiKey, config: redactConfig(config) }, 201);
  });

  app.get('/v1/sites/:site', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    return c.json({ id: site.id, config: redactConfig(site.config) });
  });

  app.put('/v1/sites/:site', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { input, prefix } = configOfPutBody(await jsonBody(c, anyObject), site.id);
    const config = await replaceSiteConfig(c.get('ctx'), site, input, { admin: await isPlatformAdmin(c), prefix });
    return c.json({ id: site.id, config: redactConfig(config) });
  });

  app.get('/v1/sites/:site/keys', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    queryParams(c, noQuery);
    const keys = await listKeys(c.get('ctx'), site.id);
    return c.json({
      keys: keys.map((k) => ({
        id: k.id,
        createdAt: new Date(k.createdAt).toISOString(),
        revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
      })),
    });
  });

  app.post('/v1/sites/:site/keys', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await optionalJsonBody(c, newKeyBody);
    return c.json(await issueKey(c.get('ctx'), site.id), 201);
  });

  app.delete('/v1/sites/:site/keys/:id', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    await revokeKey(c.get('ctx'), site.id, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
