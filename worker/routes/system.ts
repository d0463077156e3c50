// Health, the OpenAPI document and a readable API reference built from it.
import { Hono } from 'hono';
import { checkHealth } from '../domain/service/index.ts';
import type { AppEnv } from '../http/context.ts';
import { readableAnywhere } from '../http/cors.ts';
import { openApiDocument } from '../openapi.ts';
import { docsPage } from '../pages/docs.tsx';
import { pageHeaders } from '../pages/layout.tsx';

// The document depends only on the public URL; build it once per URL.
const documents = new Map<string, ReturnType<typeof openApiDocument>>();
function documentFor(publicUrl: string) {
  let doc = documents.get(publicUrl);
  if (!doc) documents.set(publicUrl, (doc = openApiDocument(publicUrl)));
  return doc;
}

export function systemRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    await checkHealth(c.get('ctx'));
    return c.json({ status: 'ok' });
  });
  app.get('/openapi.json', readableAnywhere(), (c) => {
    return c.json(documentFor(c.get('ctx').publicUrl));
  });
  app.get('/docs', (c) =>
    c.body(docsPage(documentFor(c.get('ctx').publicUrl)), 200, {
      ...pageHeaders,
      'Cache-Control': 'public, max-age=300',
    }),
  );
  return app;
}
