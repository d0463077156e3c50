// Subscriber administration for site owners: the send gate.
import { Hono } from 'hono';
import { sendGate } from '../domain/gate.ts';
import { requireSiteAccess, type AppEnv } from '../http.ts';

export function subscriberRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/v1/sites/:site/subscribers/:phone', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const answer = await sendGate(c.var.ctx, site, decodeURIComponent(c.req.param('phone')));
    c.header('Cache-Control', 'no-store');
    return c.json(answer);
  });

  return app;
}
