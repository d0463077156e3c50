// Replies and delivery reports from the providers that are neither Twilio nor a Standard Webhooks sender. Each request
// is checked before anything is read into the domain: the site must use that provider, the client address must be in
// `sms.inboundAllowlist` when one is set, and the request must carry the provider's signature (Vonage's JWT over the
// raw body) or, for providers that sign nothing, the site's secret path token. Any failure is a 403 problem+json that
// changes nothing.
import { Hono } from 'hono';
import { recordDelivery, recordSignedDelivery, type DeliveryReport } from '../domain/messaging/index.ts';
import type { InboundChannel } from '../domain/consent/index.ts';
import { handleInbound } from '../domain/messaging/index.ts';
import { loadSite, type Site } from '../domain/site/index.ts';
import { forbidden, malformedJson } from '../errors.ts';
import { parseJson } from '../http/body.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { inAnyCidr } from '../net/cidr.ts';
import { parseBrevoDelivery, parseBrevoInbound } from '../sms/providers/brevo.ts';
import { parseOctopushDelivery, parseOctopushInbound } from '../sms/providers/octopush.ts';
import { parseOvhDelivery, parseOvhInbound } from '../sms/providers/ovh.ts';
import { parseSinchDelivery, parseSinchInbound } from '../sms/providers/sinch.ts';
import { parseVonageInbound, parseVonageStatus, type ParsedInbound } from '../sms/providers/vonage.ts';
import { utf8Exactly } from '../sms/signatures.ts';
import { pathTokenMatches, verifyVonageJwt } from '../sms/webhook-auth.ts';

interface Hook {
  label: string;
  /** Checks the request's proof of origin; returns a key that identifies this delivery (a JWT id) when there is one. */
  authenticate(c: AppContext, site: Site, body: Uint8Array): Promise<{ replayKey?: string }>;
  inbound(value: unknown): ParsedInbound | null;
  /** The reports a delivery webhook carries (some providers batch them). */
  delivery(value: unknown): DeliveryReport[];
  /** How the body reads, when it is not JSON. */
  read?(c: AppContext, text: string): unknown;
}

const reports = <T>(report: T | null): T[] => (report === null ? [] : [report]);

/** For providers that sign nothing: the URL's last segment must be the site's sealed `sms.webhookToken`. */
const pathToken = (label: string) =>
  async function checkPathToken(c: AppContext, site: Site): Promise<{ replayKey?: string }> {
    const expected = 'webhookToken' in site.config.sms ? site.config.sms.webhookToken : undefined;
    if (!(await pathTokenMatches(expected, c.req.param('token'))))
      throw forbidden(`Missing or wrong ${label} webhook token.`);
    return {};
  };

const HOOKS: Record<string, Hook> = {
  brevo: {
    label: 'Brevo',
    authenticate: pathToken('Brevo'),
    inbound: parseBrevoInbound,
    delivery: (value) => reports(parseBrevoDelivery(value)),
  },
  octopush: {
    label: 'Octopush',
    authenticate: pathToken('Octopush'),
    inbound: parseOctopushInbound,
    delivery: (value) => reports(parseOctopushDelivery(value)),
  },
  ovh: {
    label: 'OVHcloud',
    authenticate: pathToken('OVHcloud'),
    inbound: parseOvhInbound,
    delivery: (value) => reports(parseOvhDelivery(value)),
    // OVHcloud puts a report's fields in the callback URL's query string and posts a reply as a form (ovh.ts): both
    // read as one flat object, the body's fields over the query's. Our own `m` (the outbox id) is not OVHcloud's.
    read(c, text) {
      const fields: Record<string, string> = {};
      for (const [k, v] of new URL(c.req.url).searchParams) if (k !== 'm') fields[k] = v;
      if (text.trim().startsWith('{')) return { ...fields, ...(parseJson(text) as Record<string, unknown>) };
      for (const [k, v] of new URLSearchParams(text)) fields[k] = v;
      return fields;
    },
  },
  sinch: {
    label: 'Sinch',
    authenticate: pathToken('Sinch'),
    inbound: parseSinchInbound,
    delivery: (value) => reports(parseSinchDelivery(value)),
  },
  vonage: {
    label: 'Vonage',
    async authenticate(c, site, body) {
      const sms = site.config.sms;
      if (sms.provider !== 'vonage') throw forbidden('This site does not use Vonage.');
      const verified = await verifyVonageJwt({
        signatureSecret: sms.signatureSecret,
        apiKey: sms.apiKey,
        authorization: c.req.header('authorization'),
        body,
        now: new Date(c.get('ctx').clock()),
      });
      if (!verified.ok) throw forbidden(`Vonage signature refused (${verified.reason}).`);
      return { replayKey: `vonage-jwt:${verified.jti}` };
    },
    inbound: parseVonageInbound,
    delivery: (value) => reports(parseVonageStatus(value)),
  },
};

/** Site, provider, allowlist and proof of origin, in that order; then the body as JSON. */
async function admitted(
  c: AppContext,
  provider: string,
): Promise<{ site: Site; hook: Hook; value: unknown; replayKey?: string }> {
  const hook = HOOKS[provider];
  const site = await loadSite(c.get('ctx'), c.req.param('site') ?? '');
  if (!hook || site.config.sms.provider !== provider)
    throw forbidden(`This site does not use ${hook?.label ?? provider}.`);
  const allowlist = 'inboundAllowlist' in site.config.sms ? site.config.sms.inboundAllowlist : undefined;
  if (allowlist && !inAnyCidr(clientIp(c), allowlist))
    throw forbidden('The client address is not in sms.inboundAllowlist.');
  const body = new Uint8Array(await c.req.arrayBuffer());
  const { replayKey } = await hook.authenticate(c, site, body);
  const text = utf8Exactly(body);
  if (text === null) throw malformedJson();
  const value = hook.read ? hook.read(c, text) : parseJson(text);
  return { site, hook, value, ...(replayKey ? { replayKey } : {}) };
}

export function providerWebhookRoutes() {
  const app = new Hono<AppEnv>();

  /**
   * A provider's webhook, on either route: a reply goes to the inbound domain, a status to the delivery record. Brevo
   * posts both to the message's webUrl, so each route takes both; each parser knows only its own kind.
   */
  async function webhook(c: AppContext, provider: InboundChannel, replies = true) {
    const { site, hook, value, replayKey } = await admitted(c, provider);
    // Statuses only move forward (domain/messaging/delivery-reports.ts), so a replayed report without a signed id changes nothing.
    for (const report of hook.delivery(value)) {
      if (replayKey) await recordSignedDelivery(c.get('ctx'), site.id, replayKey, report);
      else await recordDelivery(c.get('ctx'), site.id, report);
    }
    const msg = replies ? hook.inbound(value) : null;
    if (!msg) return c.body(null, 204); // a status, or not a text SMS (or a reply where none is taken): acknowledged
    // Deduplicated by the provider's message id (handleInbound), which a provider keeps across its retries.
    const result = await handleInbound(c.get('ctx'), site, { ...msg, channel: provider });
    return c.json({ action: result.action, keyword: result.keyword, replay: result.replay });
  }

  // Vonage signs (JWT); the providers that sign nothing carry the site's token as the last path segment.
  app.post('/v1/sites/:site/inbound/vonage', (c) => webhook(c, 'vonage'));
  app.post('/v1/sites/:site/delivery/vonage', (c) => webhook(c, 'vonage'));
  app.post('/v1/sites/:site/inbound/:provider{sinch|brevo|octopush|ovh}/:token', (c) =>
    webhook(c, c.req.param('provider') as InboundChannel),
  );
  app.post('/v1/sites/:site/delivery/:provider{sinch|brevo|octopush|ovh}/:token', (c) =>
    webhook(c, c.req.param('provider') as InboundChannel),
  );
  // OVHcloud's guide says only that it "calls" the callback URL with the report in the query string, not with which
  // method: a GET is taken too. It records a delivery status (forward only), never a consent change: a reply in its
  // query (a STOP, an OUI, and the number with it) is not read there (GET changes nothing; a number is never in a URL).
  app.get('/v1/sites/:site/delivery/ovh/:token', (c) => webhook(c, 'ovh', false));

  return app;
}
