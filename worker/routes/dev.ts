// Development only: the outbox of the console provider and the demo page. 404 in production.
import { Hono } from 'hono';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http.ts';

export function devRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/dev/*', async (c, next) => {
    if (c.var.deps.mode !== 'dev') throw notFound('Nothing here.');
    await next();
  });

  app.get('/dev/outbox', (c) => {
    const messages = (c.var.deps.devOutbox?.list() ?? []).map(({ to, body, createdAt }) => ({ to, body, createdAt }));
    c.header('Cache-Control', 'no-store');
    return c.json(messages);
  });

  return app;
}
