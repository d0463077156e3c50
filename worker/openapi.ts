// The OpenAPI 3.1 description of the public surface, with request schemas generated from the same zod schemas
// the routes validate with (so the document cannot drift from what is enforced).
import { z } from 'zod';
import { siteConfigSchema } from './domain/site/index.ts';
import { policyFactsSchema } from './policy/facts.ts';
import {
  checkBody,
  consentBodySchema,
  existingCustomerBody,
  lookupBody,
  newKeyBody,
  renewalBody,
} from './routes/schemas.ts';
import { receiptSchema } from './domain/proof-log/index.ts';
import { ID_PATTERN } from './crypto/tokens.ts';
import { WEBHOOK_EVENTS } from './domain/webhooks/index.ts';

const schema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
};

const problem = {
  description: 'RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const json = (ref: string) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const site = { name: 'site', in: 'path', required: true, schema: { type: 'string' } };
/** The path of the webhooks of providers that sign nothing: the provider, then the site's sms.webhookToken. */
const tokenWebhookParams = [
  site,
  {
    name: 'provider',
    in: 'path',
    required: true,
    schema: { type: 'string', enum: ['sinch', 'brevo', 'octopush', 'ovh'] },
  },
  { name: 'token', in: 'path', required: true, description: 'sms.webhookToken', schema: { type: 'string' } },
];
const subscriberId = {
  name: 'subscriberId',
  in: 'path',
  required: true,
  description: 'Opaque id from lookup, check or the list (never the number)',
  schema: { type: 'string', pattern: ID_PATTERN.source },
};
const bearer = [{ bearer: [] }];
const webhookId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN.source } };

type Op = {
  summary: string;
  tags: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
const op = (summary: string, tag: string, responses: Record<string, unknown>, extra: Partial<Op> = {}): Op => ({
  summary,
  tags: [tag],
  responses: { ...responses, '4XX': problem },
  ...extra,
});

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Assent',
      version: '1',
      description:
        'Lawful, provable SMS marketing consent: opt-in widget, double opt-in, STOP, privacy policies, signed proofs.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A site API key, or ASSENT_ADMIN_TOKEN' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
        ConsentRequest: schema(consentBodySchema),
        SiteConfig: schema(siteConfigSchema),
        Site: {
          type: 'object',
          required: ['id', 'config'],
          properties: { id: { type: 'string' }, config: { $ref: '#/components/schemas/SiteConfig' } },
        },
        PolicyFacts: schema(policyFactsSchema),
        SubscriberLookup: schema(lookupBody),
        SubscriberCheck: schema(checkBody),
        ExistingCustomer: schema(existingCustomerBody),
        RenewalStart: schema(renewalBody),
        NewKey: schema(newKeyBody),
        Receipt: schema(receiptSchema),
      },
    },
    paths: {
      '/widget.js': {
        get: op('The embed script (cached five minutes)', 'Widget', {
          200: { description: 'JavaScript' },
          304: { description: 'Not modified' },
        }),
      },
      '/widget.json': {
        get: op('The pinned, hashed widget URL, its Subresource Integrity value and the tag to paste', 'Widget', {
          200: { description: '{src, integrity, sha256, snippet}' },
        }),
      },
      '/widget-{hash}.js': {
        get: op(
          'A pinned widget build (immutable; every build this server served stays available)',
          'Widget',
          { 200: { description: 'JavaScript' }, 304: { description: 'Not modified' } },
          {
            parameters: [
              {
                name: 'hash',
                in: 'path',
                required: true,
                description: "First 16 hex digits of the build's SHA-256",
                schema: { type: 'string', pattern: '^[0-9a-f]{16}$' },
              },
            ],
          },
        ),
      },
      '/v1/sites/{site}/widget': {
        get: op(
          'Widget texts, choices, policy link, textSha256 and originAllowed (public; locale: ?locale=, else Accept-Language, else the site default)',
          'Widget',
          {
            200: {
              description:
                'Widget document; with a refused Origin, originAllowed: false and error {code: "origin_not_allowed", message}',
            },
            304: { description: 'Not modified (If-None-Match, weak comparison)' },
          },
          {
            parameters: [site, { name: 'locale', in: 'query', schema: { type: 'string' } }],
          },
        ),
      },
      '/v1/sites/{site}/widget/texts/{sha256}': {
        get: op(
          'The exact widget texts a textSha256 stands for (immutable)',
          'Proof',
          { 200: { description: '{site, sha256, locale, policyVersion, texts}' } },
          {
            parameters: [site],
          },
        ),
      },
      '/v1/sites/{site}/consents': {
        post: op(
          'Submit a choice (yes starts the double opt-in; no stores nothing)',
          'Consent',
          {
            202: { description: '{consentId, proofUrl, status: "pending", expiresAt, maskedPhone}' },
            204: { description: 'Declined' },
          },
          { parameters: [site], requestBody: { required: true, ...json('ConsentRequest') } },
        ),
      },
      '/s/{site}': {
        get: op(
          'Hosted opt-in page (works without JavaScript)',
          'Consent',
          { 200: { description: 'HTML' } },
          { parameters: [site] },
        ),
        post: op(
          'Hosted page form post',
          'Consent',
          { 202: { description: 'HTML: check your phone' } },
          { parameters: [site] },
        ),
      },
      '/c/{token}': {
        get: op('Confirmation page (changes nothing)', 'Consent', { 200: { description: 'HTML' } }),
        post: op('Confirm (idempotent)', 'Consent', { 200: { description: 'HTML' } }),
      },
      '/r/{token}': {
        get: op('Renewal page: the new policy version and two equal answers (changes nothing)', 'Consent', {
          200: { description: 'HTML' },
          404: { description: 'Unknown link' },
        }),
        post: op('Form choice=yes renews the consent, choice=no ends it (idempotent)', 'Consent', {
          200: { description: 'HTML' },
        }),
      },
      '/u/{token}': {
        get: op(
          "The subscriber's own page: consents, proof and evidence links, unsubscribe and erase buttons; ?erase=confirm asks (changes nothing)",
          'Consent',
          { 200: { description: 'HTML' } },
        ),
        post: op(
          'Form action=unsubscribe (default) withdraws every consent; action=erase erases the number (Art. 17; idempotent)',
          'Consent',
          { 200: { description: 'HTML' }, 403: { description: 'Erase posted from another origin' } },
        ),
      },
      '/p/{site}': {
        get: op(
          'Latest privacy policy (HTML, ?format=md|json)',
          'Policy',
          { 200: { description: 'Policy' } },
          { parameters: [site] },
        ),
      },
      '/p/{site}/{version}': {
        get: op('A policy version (immutable)', 'Policy', { 200: { description: 'Policy' } }, { parameters: [site] }),
      },
      '/p/{site}/versions': {
        get: op(
          'Published versions (JSON; HTML for a browser, or ?format=html)',
          'Policy',
          { 200: { description: 'Versions' } },
          { parameters: [site] },
        ),
      },
      '/p/{site}/diff/{from}/{to}': {
        get: op(
          'Section-by-section diff (HTML; JSON with Accept: application/json or ?format=json)',
          'Policy',
          { 200: { description: 'Diff' } },
          { parameters: [site] },
        ),
      },
      '/proofs/{proofId}': {
        get: op(
          'Consent proof (HTML, or JSON with Accept: application/json); ?format=iso27560: an ISO/IEC TS 27560 record in DPV (application/ld+json); ?format=kantara: a Kantara Consent Receipt v1.1; both carry the JWS and the log proof',
          'Proof',
          { 200: { description: 'Proof' } },
          {
            parameters: [
              {
                name: 'format',
                in: 'query',
                schema: { type: 'string', enum: ['html', 'json', 'iso27560', 'kantara'] },
              },
            ],
          },
        ),
      },
      '/proofs/{proofId}/evidence': {
        get: op(
          'Evidence file: the proof, the keys used, the policy Markdown and the widget texts; verifies with no network',
          'Proof',
          {
            200: {
              description:
                'JSON attachment assent-proof-{proofId}.json (format assent-evidence/1, see docs/formats.md)',
            },
            404: { description: 'No proof with this id' },
          },
        ),
      },
      '/proofs/{proofId}/tlog-proof': {
        get: op(
          "C2SP tlog-proof@v1 for one leaf of the consent: index, inclusion path, the (cosigned) checkpoint; `extra` is the leaf's JCS bytes",
          'Proof',
          {
            200: { description: 'text/plain attachment assent-proof-{proofId}-{index}.tlog-proof' },
            422: { description: 'index names no leaf of this consent covered by a checkpoint' },
          },
          {
            parameters: [
              {
                name: 'index',
                in: 'query',
                required: true,
                description: 'the leaf index in the site log',
                schema: { type: 'integer', minimum: 0 },
              },
            ],
          },
        ),
      },
      '/verify.mjs': {
        get: op(
          'The standalone verifier for Node 20 or later: node verify.mjs <proof URL | evidence file> [--offline]',
          'Proof',
          { 200: { description: 'ES module' } },
        ),
      },
      '/assets/proof-check.js': {
        get: op('The script the proof page runs to verify the proof in the browser', 'Proof', {
          200: { description: 'JavaScript' },
        }),
      },
      '/proofs/{proofId}/match': {
        post: op('Is this number the subject of the proof? (rate limited)', 'Proof', {
          200: { description: '{match}' },
        }),
      },
      '/.well-known/jwks.json': {
        get: op('Every receipt signing key ever used', 'Proof', { 200: { description: 'JWKS' } }),
      },
      '/v1/sites/{site}/log': {
        get: op('Log origin, size and verifier key', 'Proof', { 200: { description: 'JSON' } }, { parameters: [site] }),
      },
      '/v1/sites/{site}/log/checkpoint': {
        get: op('Latest signed checkpoint (C2SP)', 'Proof', { 200: { description: 'text' } }, { parameters: [site] }),
      },
      '/v1/sites/{site}/log/consistency': {
        get: op(
          'Consistency proof between two sizes',
          'Proof',
          { 200: { description: '{from, to, hashes}' } },
          { parameters: [site] },
        ),
      },
      '/witness/add-checkpoint': {
        post: op(
          'C2SP tlog-witness v1.0: cosign a checkpoint of a log this server witnesses (body: old <size>, proof lines, empty line, signed checkpoint)',
          'Witness',
          {
            200: { description: 'text/plain: cosignature/v1 signature line(s)' },
            400: { description: 'Malformed, or old size above the checkpoint size' },
            403: { description: 'No valid signature by a known key of the log' },
            404: { description: 'Unknown origin, or this server is not a witness' },
            409: { description: 'text/x.tlog.size: the size of the latest checkpoint cosigned for this origin' },
            422: { description: 'Bad consistency proof, or a different root at a size already cosigned' },
          },
        ),
      },
      '/witness': {
        get: op("This server's witness verifier key (vkey, type 0x04)", 'Witness', {
          200: { description: 'text/plain' },
          404: { description: 'Not a witness' },
        }),
      },
      '/witness/{originHash}/checkpoint': {
        get: op(
          "The latest checkpoint this witness cosigned for a log (hex SHA-256 of its origin), with the log's and our signatures",
          'Witness',
          { 200: { description: 'text/plain' }, 404: { description: 'Never cosigned that log' } },
          {
            parameters: [
              {
                name: 'originHash',
                in: 'path',
                required: true,
                description: 'lowercase hex SHA-256 of the origin line',
                schema: { type: 'string' },
              },
            ],
          },
        ),
      },
      '/log/{site}/checkpoint': {
        get: op(
          "The log's current signed checkpoint at its origin's URL (C2SP tlog-tiles; the same bytes as /v1/sites/{site}/log/checkpoint)",
          'Proof',
          { 200: { description: 'text/plain; charset=utf-8' } },
          { parameters: [site] },
        ),
      },
      '/log/{site}/tile/{tile}': {
        get: op(
          "A hash tile (C2SP tlog-tiles, height 8): the tree's hashes at level 8·L, indices 256·N to 256·N+W−1, 32 bytes each, concatenated (immutable)",
          'Proof',
          {
            200: { description: 'application/octet-stream' },
            404: { description: 'Not covered by the current checkpoint' },
          },
          {
            parameters: [
              site,
              {
                name: 'tile',
                in: 'path',
                required: true,
                description:
                  '<L>/<N>[.p/<W>]: L 0–63, N as 3-digit elements (x001/x234/067), W 1–255 for a partial tile',
                schema: { type: 'string' },
              },
            ],
          },
        ),
      },
      '/log/{site}/tile/entries/{index}': {
        get: op(
          'An entry bundle (C2SP tlog-tiles): entries 256·N to 256·N+W−1, each a big-endian uint16 length then the JCS bytes of the leaf (immutable)',
          'Proof',
          {
            200: { description: 'application/octet-stream' },
            404: { description: 'Not covered by the current checkpoint' },
          },
          {
            parameters: [
              site,
              {
                name: 'index',
                in: 'path',
                required: true,
                description: '<N>[.p/<W>] as for hash tiles',
                schema: { type: 'string' },
              },
            ],
          },
        ),
      },
      '/v1/sites/{site}/inbound/twilio': {
        post: op(
          'Inbound SMS from Twilio (X-Twilio-Signature)',
          'SMS',
          { 200: { description: 'TwiML' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/inbound/generic': {
        post: op(
          'Inbound SMS, Standard Webhooks signature',
          'SMS',
          { 200: { description: 'JSON' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/delivery/twilio': {
        post: op(
          "Delivery status callback from Twilio (X-Twilio-Signature), for this site's messages only",
          'SMS',
          { 204: { description: 'Recorded' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/delivery/webhook': {
        post: op(
          "Delivery update {id, status} from the webhook provider, Standard Webhooks signature, for this site's messages only",
          'SMS',
          { 204: { description: 'Recorded' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/inbound/vonage': {
        post: op(
          'Inbound SMS from the Vonage Messages API (JWT in Authorization, HS256 with the signature secret, payload_hash over the body); 403 unless signed, from sms.inboundAllowlist when set',
          'SMS',
          { 200: { description: 'JSON' }, 204: { description: 'Not an SMS' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/delivery/vonage': {
        post: op(
          "Message status from the Vonage Messages API (signed as inbound), for this site's messages only",
          'SMS',
          { 204: { description: 'Recorded' } },
          { parameters: [site] },
        ),
      },
      '/v1/sites/{site}/inbound/{provider}/{token}': {
        post: op(
          "Inbound SMS from a provider that does not sign its webhooks (provider: sinch, brevo, octopush, ovh), authenticated by the site's sms.webhookToken as the last path segment (compared in constant time) and sms.inboundAllowlist when set; 403 otherwise",
          'SMS',
          { 200: { description: 'JSON' }, 204: { description: 'Not a text SMS' } },
          {
            parameters: tokenWebhookParams,
          },
        ),
      },
      '/v1/sites/{site}/delivery/{provider}/{token}': {
        post: op(
          "Delivery reports from a provider that does not sign its webhooks (as inbound), for this site's messages only",
          'SMS',
          { 204: { description: 'Recorded' } },
          {
            parameters: tokenWebhookParams,
          },
        ),
      },
      '/v1/sites/{site}/delivery/ovh/{token}': {
        get: op(
          "Delivery reports from OVHcloud, which puts them in the callback URL's query string (id, ptt, date, description, descriptionDlr); path token as above",
          'SMS',
          { 204: { description: 'Recorded' } },
          { parameters: [site, tokenWebhookParams[2]!] },
        ),
      },
      '/v1/sites': {
        post: op(
          'Create a site (platform admin); returns its first API key once',
          'Admin',
          { 201: { description: '{id, apiKey, config}' } },
          {
            security: bearer,
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { id: { type: 'string' }, config: { $ref: '#/components/schemas/SiteConfig' } },
                  },
                },
              },
            },
          },
        ),
      },
      '/v1/sites/{site}': {
        get: op(
          'Read the configuration (secrets redacted as ••••••)',
          'Admin',
          { 200: json('Site') },
          { security: bearer, parameters: [site] },
        ),
        put: op(
          'Replace the configuration: send back what GET answered, or the bare configuration (a redacted secret sent back keeps the stored one)',
          'Admin',
          { 200: json('Site') },
          {
            security: bearer,
            parameters: [site],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    oneOf: [{ $ref: '#/components/schemas/Site' }, { $ref: '#/components/schemas/SiteConfig' }],
                  },
                },
              },
            },
          },
        ),
      },
      '/v1/sites/{site}/keys': {
        get: op(
          "List the site's API keys (ids and dates)",
          'Admin',
          { 200: { description: '{keys}' } },
          { security: bearer, parameters: [site] },
        ),
        post: op(
          'Issue another API key (shown once); the body may be left out, or be `{}`',
          'Admin',
          { 201: { description: '{id, apiKey}' } },
          { security: bearer, parameters: [site], requestBody: { required: false, ...json('NewKey') } },
        ),
      },
      '/v1/sites/{site}/keys/{id}': {
        delete: op(
          'Revoke an API key',
          'Admin',
          { 204: { description: 'Revoked' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/webhooks': {
        post: op(
          'Register a webhook endpoint (Standard Webhooks): {url, events, includePhone?}; its whsec_ secret is shown once. Or the Brevo connector: {kind: "brevo", apiKey, url?}, which keeps a Brevo contact (ext_id = subscriberId) in step on consent.confirmed, consent.withdrawn and subscriber.erased; its API key is sealed and never shown again',
          'Webhooks',
          { 201: { description: '{id, kind, url, events, includePhone, secret, createdAt, rotating}' } },
          {
            security: bearer,
            parameters: [site],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    oneOf: [
                      {
                        type: 'object',
                        required: ['url', 'events'],
                        additionalProperties: false,
                        properties: {
                          kind: { type: 'string', enum: ['standard'], default: 'standard' },
                          url: { type: 'string', format: 'uri', description: 'https to a public address' },
                          events: {
                            type: 'array',
                            minItems: 1,
                            items: { type: 'string', enum: [...WEBHOOK_EVENTS] },
                          },
                          includePhone: { type: 'boolean', default: false },
                        },
                      },
                      {
                        type: 'object',
                        required: ['kind', 'apiKey'],
                        additionalProperties: false,
                        properties: {
                          kind: { type: 'string', enum: ['brevo'] },
                          apiKey: { type: 'string', minLength: 8, maxLength: 200, description: 'a Brevo API key' },
                          url: { type: 'string', format: 'uri', default: 'https://api.brevo.com' },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        ),
        get: op(
          "List the site's webhook endpoints (secrets never shown again)",
          'Webhooks',
          { 200: { description: '{webhooks, events}' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/webhooks/{id}': {
        delete: op(
          'Delete a webhook endpoint; what was queued for it is cancelled',
          'Webhooks',
          { 204: { description: 'Deleted' } },
          { security: bearer, parameters: [site, webhookId] },
        ),
      },
      '/v1/sites/{site}/webhooks/{id}/rotate': {
        post: op(
          'Rotate the secret: the new one is shown once; the previous one keeps signing beside it for 24 hours',
          'Webhooks',
          { 200: { description: '{id, url, events, includePhone, secret, createdAt, rotating}' } },
          { security: bearer, parameters: [site, webhookId] },
        ),
      },
      '/v1/sites/{site}/webhooks/deliveries': {
        get: op(
          "The last deliveries, newest first, with the receiver's answer (?limit, at most 200)",
          'Webhooks',
          { 200: { description: '{deliveries}' } },
          {
            security: bearer,
            parameters: [site, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } }],
          },
        ),
      },
      '/v1/sites/{site}/webhooks/deliveries/{seq}/replay': {
        post: op(
          'Send a delivered or failed delivery again, with the same webhook-id',
          'Webhooks',
          { 202: { description: 'Queued' } },
          {
            security: bearer,
            parameters: [site, { name: 'seq', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          },
        ),
      },
      '/v1/sites/{site}/subscribers': {
        get: op(
          'List subscribers, streamed as NDJSON or CSV (?status, ?format=json|ndjson|csv, ?cursor)',
          'Admin',
          { 200: { description: 'Streamed list' } },
          {
            security: bearer,
            parameters: [
              site,
              {
                name: 'status',
                in: 'query',
                schema: {
                  type: 'string',
                  enum: ['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported'],
                },
              },
              { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'ndjson', 'csv'] } },
              {
                name: 'cursor',
                in: 'query',
                description: 'Opaque: the nextCursor of the previous page',
                schema: { type: 'string' },
              },
              { name: 'limit', in: 'query', description: 'JSON pages only', schema: { type: 'integer' } },
            ],
          },
        ),
      },
      '/v1/sites/{site}/subscribers/lookup': {
        post: op(
          'Send gate: may I text this number? (the number in the body, never in the URL)',
          'Admin',
          {
            200: {
              description:
                '{subscriberId, maskedPhone, status, canSend, reason?, proofUrl, renewalRequired, suppressed, retainedUntil}; an unknown number: subscriberId null, status "none", retainedUntil null',
            },
            422: { description: 'A number that cannot be read, or a `purpose` the published policy does not declare' },
          },
          { security: bearer, parameters: [site], requestBody: { required: true, ...json('SubscriberLookup') } },
        ),
      },
      '/v1/sites/{site}/subscribers/check': {
        post: op(
          'Bulk send gate: up to 1,000 numbers, answered in order, no number echoed',
          'Admin',
          {
            200: {
              description:
                '{results: [{canSend, status, reason?}]}; an unreadable number is status "invalid" in its place',
            },
            422: { description: 'More than 1,000 numbers, or a `purpose` the published policy does not declare' },
          },
          { security: bearer, parameters: [site], requestBody: { required: true, ...json('SubscriberCheck') } },
        ),
      },
      '/v1/sites/{site}/subscribers/existing-customers': {
        post: op(
          'Record an existing customer (article L34-5 CPCE): the sale, its date and the notice shown; allows one purpose',
          'Admin',
          {
            201: {
              description:
                '{consentId, subscriberId, status: "confirmed", basis: "existing_customer", purpose, maskedPhone, proofUrl}',
            },
          },
          { security: bearer, parameters: [site], requestBody: { required: true, ...json('ExistingCustomer') } },
        ),
      },
      '/v1/sites/{site}/subscribers/import': {
        post: op(
          'Import an existing list (CSV with the header phone,consentedAt,source,wording, or NDJSON objects with those fields), streamed, up to 100,000 rows: each number becomes an `imported` consent, declared by the site owner',
          'Admin',
          {
            200: {
              description:
                '{imported, duplicates, suppressed, refused: [{line, field, message}]}: rows imported; rows whose number already has a consent in force (or appears earlier in the list); rows refused because the number said STOP or asked to be erased (listed in refused too); rows refused, by line in the file (the CSV header is line 1) and field',
            },
            409: { description: 'The site has no published policy (each imported consent cites one)' },
            413: {
              description:
                'More than 100,000 rows (import_too_large; the rows before were read, and their counts are in the problem), or more than 64 MiB',
            },
            415: { description: 'Content-Type is neither text/csv nor application/x-ndjson' },
            422: { description: 'The CSV header does not name the four columns' },
          },
          {
            security: bearer,
            parameters: [site],
            requestBody: {
              required: true,
              content: {
                'text/csv': {
                  schema: { type: 'string' },
                  example:
                    'phone,consentedAt,source,wording\n+33612345678,2025-03-14T10:00:00Z,checkout form,"Get our offers by SMS"\n',
                },
                'application/x-ndjson': {
                  schema: { type: 'string' },
                  example:
                    '{"phone":"+33612345678","consentedAt":"2025-03-14","source":"checkout form","wording":"Get our offers by SMS"}\n',
                },
              },
            },
          },
        ),
      },
      '/v1/sites/{site}/renewals': {
        post: op(
          'Start a renewal campaign for the latest policy version: one SMS per confirmed consent it flagged (audience renewal), or per imported number (audience imported: re-permission)',
          'Admin',
          {
            202: {
              description:
                '{id, policyVersion, createdAt, sendAt, deadline, closedAt, started, asked, answers: {renewed, declined, lapsed, ended, waiting}, sms: {queued, sent, failed, cancelled}}',
            },
            409: { description: 'A campaign for this version is running, or no policy is published' },
          },
          { security: bearer, parameters: [site], requestBody: { required: false, ...json('RenewalStart') } },
        ),
        get: op(
          "The site's renewal campaigns with their progress, newest first",
          'Admin',
          { 200: { description: '{campaigns: [progress]}' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/renewals/{id}': {
        get: op(
          'Progress and results of one renewal campaign',
          'Admin',
          { 200: { description: 'Progress' } },
          {
            security: bearer,
            parameters: [site, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          },
        ),
      },
      '/v1/sites/{site}/subscribers/{subscriberId}': {
        get: op(
          'The send gate for a subscriber by id (same answer as lookup)',
          'Admin',
          { 200: { description: 'Gate answer' } },
          { security: bearer, parameters: [site, subscriberId] },
        ),
        delete: op(
          'Erase a subscriber (the number stays suppressed)',
          'Admin',
          { 200: { description: '{erased}' } },
          { security: bearer, parameters: [site, subscriberId] },
        ),
      },
      '/v1/sites/{site}/subscribers/{subscriberId}/export': {
        get: op(
          'Everything held about a subscriber (access request)',
          'Admin',
          { 200: { description: 'JSON' } },
          { security: bearer, parameters: [site, subscriberId] },
        ),
      },
      '/v1/sites/{site}/policies': {
        post: op(
          'Publish a new policy version',
          'Admin',
          { 201: { description: 'Published' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/messages/preview': {
        post: op(
          'Render an SMS template: text, encoding, segments',
          'Admin',
          { 200: { description: 'Preview' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/messages': {
        post: op(
          'Start a marketing campaign: the SMS to every subscriber the gate lets through, now or at `sendAt` (never before the sending hours)',
          'Admin',
          {
            202: {
              description:
                '{campaignId, queued, skipped: [{reason, count}], sendAt, quietHours, scheduled, message: {text, encoding, characters, segments, …}}',
            },
            422: {
              description:
                'A bad template, `sendAt` in the past or more than a year ahead, a locale the site lacks, a `purpose` the published policy does not declare',
            },
          },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/campaigns': {
        get: op(
          "The site's marketing campaigns with their progress, newest first",
          'Admin',
          { 200: { description: '{campaigns: [progress]}' } },
          { security: bearer, parameters: [site] },
        ),
      },
      '/v1/sites/{site}/campaigns/{id}': {
        get: op(
          'Progress of one campaign, counted from its messages',
          'Admin',
          {
            200: {
              description:
                '{id, status: "draft"|"scheduled"|"sending"|"done"|"stopped", createdAt, createdBy, requestedAt, sendAt, purpose, message: {text, sha256, locale, encoding, segments}, audience, progress: {queued, sent, delivered, undelivered, failed, cancelled}, skipped: [{reason, count}], cost: {segmentsPerMessage, segmentsSent, segmentsPlanned}, stoppedAt, stoppedBy}',
            },
          },
          {
            security: bearer,
            parameters: [site, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          },
        ),
      },
      '/v1/sites/{site}/campaigns/{id}/stop': {
        post: op(
          'Stop a campaign: its messages not yet taken by a dispatcher are cancelled in one batch; sent ones stay sent',
          'Admin',
          { 200: { description: 'Progress, with cancelledNow' } },
          {
            security: bearer,
            parameters: [site, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          },
        ),
      },
      '/v1/sites/{site}/queue': {
        get: op(
          'What waits in the outbox, per campaign and for transactional messages: how many, until when and why',
          'Admin',
          {
            200: {
              description:
                '{queue: [{campaignId, kind, count, reason: "due"|"sending"|"retry"|"rate_cap"|"scheduled"|"quiet_hours", from, until}]}',
            },
          },
          { security: bearer, parameters: [site] },
        ),
      },
      '/healthz': {
        get: op('Health: 200 when the database takes a write', 'System', {
          200: { description: '{status}' },
          503: { description: 'Storage unavailable' },
        }),
      },
      '/openapi.json': { get: op('This document', 'System', { 200: { description: 'OpenAPI 3.1' } }) },
      '/docs': { get: op('This document, for people', 'System', { 200: { description: 'HTML' } }) },
      '/console': {
        get: op(
          "The site owners' console (sign in with a site API key or the platform admin token; its pages and forms live under /console/)",
          'Console',
          { 200: { description: 'HTML' } },
        ),
      },
    },
  };
}
