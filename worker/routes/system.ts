// Health and the embed script.
import { Hono } from 'hono';
import type { AppEnv } from '../http.ts';

export function systemRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    await c.var.ctx.store.queryColumn('SELECT 1');
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' });
  });
  return app;
}
