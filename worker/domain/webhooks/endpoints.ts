// Webhook endpoints a site owner registers: the URL (public https, checked again at each send), the events it takes,
// and a `whsec_` secret shown once, sealed at rest, rotated with an overlap during which both secrets sign.
import type { WebhookEndpointRow, WebhookEvent } from '../../db/webhooks.ts';
import { formatWebhookSecret } from '../../sms/signatures.ts';
import { newId } from '../../crypto/tokens.ts';
import { AppError } from '../../errors.ts';
import { localCallbackProblem } from '../../net/outbound.ts';
import type { DomainContext } from '../context.ts';
import type { Site } from '../site/sites.ts';

/** How long the previous secret keeps signing after a rotation: receivers have a day to take the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** At most this many endpoints per site (each event is one delivery per endpoint). */
export const MAX_ENDPOINTS = 10;

/** What a Brevo connector is told: the confirmation, the withdrawal and the erasure of a number (brevo-connector.ts). */
export const BREVO_CONNECTOR_EVENTS: WebhookEvent[] = ['consent.confirmed', 'consent.withdrawn', 'subscriber.erased'];
/** Brevo's API base (https://developers.brevo.com/docs/quickstart). */
export const BREVO_API = 'https://api.brevo.com';

export interface EndpointView {
  id: string;
  /** `standard` (Standard Webhooks) or `brevo` (the Brevo contacts connector). */
  kind: 'standard' | 'brevo';
  url: string;
  events: WebhookEvent[];
  includePhone: boolean;
  secret: string;
  createdAt: string;
  rotating: { previousUntil: string } | null;
}

const notFound = () => new AppError('not_found', 404, 'No such webhook endpoint for this site.');

/** The secret sealed under the master key, bound to its endpoint (a box copied to another row does not open). */
async function sealSecret(ctx: DomainContext, endpointId: string, secret: string): Promise<string> {
  const subject = `webhook:${endpointId}`;
  const {
    wrappedKey: key,
    sealed: [box],
  } = await ctx.sealer.newSubject(subject, [secret]);
  return JSON.stringify({ key, box });
}

export async function openSecret(ctx: DomainContext, endpointId: string, sealed: string): Promise<string> {
  const { key, box } = JSON.parse(sealed) as { key: string; box: string };
  return ctx.sealer.open(key, `webhook:${endpointId}`, box);
}

/** The secrets that sign now, newest first: the previous one too while its overlap lasts. */
export async function signingSecrets(ctx: DomainContext, endpoint: WebhookEndpointRow): Promise<string[]> {
  const secrets = [await openSecret(ctx, endpoint.id, endpoint.secretBox)];
  if (endpoint.previousSecretBox && (endpoint.previousUntil ?? 0) > ctx.clock())
    secrets.push(await openSecret(ctx, endpoint.id, endpoint.previousSecretBox));
  return secrets;
}

function view(ctx: DomainContext, row: WebhookEndpointRow, secret: string): EndpointView {
  const rotating = row.previousSecretBox && (row.previousUntil ?? 0) > ctx.clock();
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEvent[],
    includePhone: row.includePhone,
    secret,
    createdAt: new Date(row.createdAt).toISOString(),
    rotating: rotating ? { previousUntil: new Date(row.previousUntil!).toISOString() } : null,
  };
}

export type EndpointInput =
  | { kind?: 'standard'; url: string; events: WebhookEvent[]; includePhone: boolean }
  /** A Brevo connector: its API key (sealed like a secret, never shown again) and Brevo's API base. */
  | { kind: 'brevo'; apiKey: string; url: string };

export async function createEndpoint(ctx: DomainContext, site: Site, input: EndpointInput): Promise<EndpointView> {
  // The schema let public https and the local forms through; the local ones only when the operator allows them.
  const problem = localCallbackProblem(input.url, ctx.outbound ?? { allowLocal: false });
  if (problem) throw new AppError('validation_failed', 422, problem, { errors: [{ path: 'url', message: problem }] });
  if ((await ctx.webhooks.endpoints(site.id)).length >= MAX_ENDPOINTS) {
    throw new AppError('too_many_endpoints', 409, `A site has at most ${MAX_ENDPOINTS} webhook endpoints.`);
  }
  const id = newId(ctx.random, ctx.clock());
  const brevo = input.kind === 'brevo';
  // A connector's secret is the owner's Brevo API key, which is never shown back; a webhook's is ours, shown once.
  const secret = brevo ? input.apiKey : formatWebhookSecret(ctx.random(32));
  const row: WebhookEndpointRow = {
    id,
    siteId: site.id,
    kind: brevo ? 'brevo' : 'standard',
    url: input.url,
    events: JSON.stringify(brevo ? BREVO_CONNECTOR_EVENTS : [...new Set(input.events)]),
    // The connector writes the number into the contact's SMS attribute, so it reads it (from the subject, when sent).
    includePhone: brevo ? true : input.includePhone,
    secretBox: await sealSecret(ctx, id, secret),
    previousSecretBox: null,
    previousUntil: null,
    createdAt: ctx.clock(),
  };
  await ctx.webhooks.insertEndpoint(row);
  return view(ctx, row, brevo ? '' : secret);
}

/** Secrets are shown once: the list has them redacted. */
export async function listEndpoints(ctx: DomainContext, site: Site): Promise<Omit<EndpointView, 'secret'>[]> {
  return (await ctx.webhooks.endpoints(site.id)).map((row) => {
    const { secret: _, ...rest } = view(ctx, row, '');
    return rest;
  });
}

export async function deleteEndpoint(ctx: DomainContext, site: Site, id: string): Promise<void> {
  if (!(await ctx.webhooks.deleteEndpoint(site.id, id))) throw notFound();
}

/** A new secret, shown once; the current one keeps signing beside it for ROTATION_OVERLAP_MS. */
export async function rotateEndpoint(ctx: DomainContext, site: Site, id: string): Promise<EndpointView> {
  const row = await ctx.webhooks.endpoint(site.id, id);
  if (!row) throw notFound();
  if (row.kind === 'brevo') {
    throw new AppError(
      'not_rotatable',
      409,
      'A Brevo connector signs nothing: to change its API key, delete it and create it again with the new key.',
    );
  }
  const secret = formatWebhookSecret(ctx.random(32));
  const next = {
    secretBox: await sealSecret(ctx, id, secret),
    previousSecretBox: row.secretBox,
    previousUntil: ctx.clock() + ROTATION_OVERLAP_MS,
  };
  if (!(await ctx.webhooks.rotate(site.id, id, row.secretBox, next))) {
    throw new AppError('conflict', 409, 'Another rotation of this endpoint happened at the same time; try again.');
  }
  return view(ctx, { ...row, ...next }, secret);
}

export interface DeliveryView {
  seq: number;
  webhookId: string;
  endpointId: string;
  type: string;
  consentId: string | null;
  status: string;
  attempts: number;
  /** The receiver's last HTTP status, null when it never answered. */
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

/** The site's last deliveries, newest first, with what the receiver answered. */
export async function listDeliveries(ctx: DomainContext, site: Site, limit: number): Promise<DeliveryView[]> {
  return (await ctx.webhooks.recent(site.id, limit)).map((d) => ({
    seq: d.seq,
    webhookId: d.messageId,
    endpointId: d.endpointId,
    type: d.type,
    consentId: d.consentId,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    createdAt: new Date(d.createdAt).toISOString(),
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt).toISOString() : null,
    nextAttemptAt: d.status === 'queued' ? new Date(d.nextAttemptAt).toISOString() : null,
  }));
}

/** Sends a delivered or failed delivery again, with its `webhook-id` (receivers deduplicate on it). */
export async function replayDelivery(ctx: DomainContext, site: Site, seq: string): Promise<void> {
  const n = /^[1-9]\d{0,15}$/.test(seq) ? Number(seq) : Number.NaN;
  if (!Number.isSafeInteger(n) || !(await ctx.webhooks.replay(site.id, n, ctx.clock()))) {
    throw new AppError('not_found', 404, 'No delivered or failed delivery with this number for this site.');
  }
  ctx.onQueued(); // the jobs send it now rather than at their next tick
}
