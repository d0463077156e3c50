// Development only: GET /dev/outbox lists what the console SMS provider "sent" (JSON, or for browsers the page in
// pages/dev-outbox.tsx), and its reply box posts a correctly signed inbound message here, so OUI/STOP can be tried
// without a provider. 404 in production.
import { Hono } from 'hono';
import { siteOfMessage } from '../domain/messaging/index.ts';
import { signedDevReply } from '../domain/dev/index.ts';
import { newId } from '../crypto/tokens.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { preferredType } from '../http/negotiate.ts';
import { assertSameOrigin, formBody } from '../console/http.ts';
import { outboxPage } from '../pages/dev-outbox.tsx';

export function devRoutes(options: { self?: (request: Request) => Response | Promise<Response> } = {}) {
  const app = new Hono<AppEnv>();
  app.use('/dev/*', async (c, next) => {
    if (c.get('deps').mode !== 'dev') throw notFound('Nothing here.');
    await next();
  });

  app.get('/dev/outbox', async (c) => {
    const all = c.get('deps').devOutbox?.list() ?? [];
    c.header('Cache-Control', 'no-store');
    if (preferredType(c, ['application/json', 'text/html'], 'application/json') !== 'text/html')
      return c.json(all.map(({ to, body, createdAt }) => ({ to, body, createdAt })));
    const sites = await Promise.all(
      all.map(async (m) => m.site ?? (await siteOfMessage(c.get('ctx'), m.id)) ?? 'demo'),
    );
    const html = outboxPage({
      messages: all.map((m, i) => ({ ...m, site: sites[i]! })).reverse(),
      replied: c.req.query('replied') ?? null,
      answered: c.req.query('answered') === '1',
    });
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'Referrer-Policy': 'same-origin', // our own form posts then carry Origin (no-referrer makes it "null")
      'Cache-Control': 'no-store',
    });
  });

  /**
   * The reply box: a reply signed as a provider would (domain/dev/reply-box.ts), sent through the app to
   * POST /v1/sites/{site}/inbound/generic.
   */
  app.post('/dev/outbox/reply', async (c) => {
    await assertSameOrigin(c);
    const form = await formBody(c);
    const { siteId, body, headers } = await signedDevReply(c.get('ctx'), form.site ?? 'demo', {
      from: form.from ?? '',
      body: form.body ?? '',
    });
    const url = new URL(`/v1/sites/${encodeURIComponent(siteId)}/inbound/generic`, c.req.url);
    const request = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const res = options.self ? await options.self(request) : new Response(null, { status: 501 });
    const handled = res.ok ? ((await res.json()) as { action?: string; reply?: string | null }) : null;
    // The inbound answer's `reply` is the SMS a provider sends back (STOP's acknowledgement, HELP's contact…); the
    // console provider sends nothing by itself, so the outbox keeps it as the phone would receive it.
    if (handled?.reply) {
      c.get('deps').devOutbox?.add({
        id: `answer-${newId(c.get('ctx').random, c.get('ctx').clock())}`,
        to: (form.from ?? '').slice(0, 40),
        body: handled.reply,
        site: siteId,
        createdAt: new Date(c.get('ctx').clock()).toISOString(),
      });
    }
    const action = handled ? (handled.action ?? 'none') : `error ${res.status}`;
    const answered = handled?.reply ? '1' : '0';
    return c.redirect(`/dev/outbox?replied=${encodeURIComponent(action)}&answered=${answered}`, 303);
  });

  return app;
}
