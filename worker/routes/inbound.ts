// Inbound SMS and delivery receipts from providers. Every request is authenticated by signature first
// (Twilio's X-Twilio-Signature over ASSENT_PUBLIC_URL + path, or Standard Webhooks HMAC-SHA256); a bad or missing
// signature is a 403 that changes nothing.
import { Hono } from 'hono';
import { z } from 'zod';
import { recordDelivery, recordSignedDelivery } from '../domain/messaging/index.ts';
import { handleInbound } from '../domain/messaging/index.ts';
import { loadSite, type Site } from '../domain/site/index.ts';
import { forbidden, malformedJson } from '../errors.ts';
import { parseJson, validate } from '../http/body.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { parseTwilioStatus } from '../sms/providers/twilio.ts';
import { parseFormExactly, utf8Exactly, verifyTwilioSignature, verifyWebhook } from '../sms/signatures.ts';
import { twimlResponse } from '../sms/twiml.ts';

const twilioInbound = z.object({
  From: z.string().min(3).max(40),
  Body: z.string().max(2000),
  MessageSid: z.string().min(10).max(64),
});
const genericInbound = z.object({
  from: z.string().min(3).max(40),
  body: z.string().max(2000),
  messageId: z.string().min(1).max(200),
});
const genericDelivery = z.object({
  id: z.string().min(1).max(64),
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'undelivered']),
});

/** The URL the provider was told to call: our configured public URL, never the Host or X-Forwarded-Host headers. */
function signedUrl(c: AppContext): string {
  const url = new URL(c.req.url);
  return `${c.get('ctx').publicUrl}${url.pathname}${url.search}`;
}

/** The body as the bytes received: a signature is checked over them, never over a decoding of them. */
const bodyBytes = async (c: AppContext) => new Uint8Array(await c.req.arrayBuffer());

async function twilioForm(c: AppContext, site: Site): Promise<URLSearchParams> {
  if (site.config.sms.provider !== 'twilio') throw forbidden('This site does not use Twilio.');
  // Twilio signs the decoded parameters: a form that does not decode exactly (bytes that are not UTF-8) was not signed.
  const form = parseFormExactly(await bodyBytes(c));
  const ok =
    form !== null &&
    (await verifyTwilioSignature({
      authToken: site.config.sms.authToken,
      url: signedUrl(c),
      params: form,
      signature: c.req.header('x-twilio-signature'),
    }));
  if (!ok) throw forbidden('Missing or invalid X-Twilio-Signature.');
  return form;
}

/** A Standard Webhooks body, once its signature and timestamp (±5 minutes) are checked, with its webhook-id. */
async function signedJson(c: AppContext, site: Site): Promise<{ value: unknown; webhookId: string }> {
  const secret =
    site.config.inboundSecret ?? (site.config.sms.provider === 'webhook' ? site.config.sms.secret : undefined);
  if (!secret) throw forbidden('This site has no inbound secret configured.');
  const body = await bodyBytes(c);
  const verified = await verifyWebhook({
    secret,
    headers: c.req.raw.headers,
    body,
    now: new Date(c.get('ctx').clock()),
  });
  if (!verified.ok) throw forbidden(`Webhook signature refused (${verified.reason}).`);
  const text = utf8Exactly(body);
  if (text === null) throw malformedJson();
  return { value: parseJson(text), webhookId: verified.id };
}

export function inboundRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/v1/sites/:site/inbound/twilio', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const form = validate(twilioInbound, Object.fromEntries(await twilioForm(c, site)));
    const result = await handleInbound(c.get('ctx'), site, {
      from: form.From,
      body: form.Body,
      messageId: form.MessageSid,
      channel: 'twilio',
    });
    return twimlResponse(result.reply);
  });

  app.post('/v1/sites/:site/inbound/generic', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    // Deduplicated by the message id the body carries (handleInbound), which a provider keeps across its retries.
    const msg = validate(genericInbound, (await signedJson(c, site)).value);
    const result = await handleInbound(c.get('ctx'), site, { ...msg, channel: 'generic' });
    return c.json({ action: result.action, keyword: result.keyword, reply: result.reply, replay: result.replay });
  });

  app.post('/v1/sites/:site/delivery/twilio', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const update = parseTwilioStatus(await twilioForm(c, site), signedUrl(c));
    if (update) await recordDelivery(c.get('ctx'), site.id, update);
    return c.body(null, 204);
  });

  app.post('/v1/sites/:site/delivery/webhook', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const signed = await signedJson(c, site);
    await recordSignedDelivery(c.get('ctx'), site.id, signed.webhookId, validate(genericDelivery, signed.value));
    return c.body(null, 204);
  });

  return app;
}
