// The consent receipt's documented shape (published as the `Receipt` schema of /openapi.json). A test holds every
// receipt the server builds to it, strictly, so the documentation cannot drift from what is signed.
import { z } from 'zod';

const iso = z.string().describe('ISO 8601 time (UTC)');
const nullableIso = iso.nullable();

export const receiptSchema = z.strictObject({
  schemaVersion: z.string(),
  receiptId: z.string(),
  consentId: z.string(),
  site: z.string(),
  language: z.string(),
  controller: z.strictObject({ name: z.string(), address: z.string(), email: z.string() }).nullable(),
  subject: z
    .strictObject({
      phone: z.string().nullable().describe('Masked (+33 6 •• •• •• 78); "•••" once erased'),
      country: z.string().nullable(),
      erased: z.boolean(),
    })
    .describe('The number never appears whole'),
  purposes: z.array(z.strictObject({ id: z.string(), description: z.unknown(), legalBasis: z.string() })),
  basis: z
    .enum(['existing_customer', 'imported'])
    .optional()
    .describe(
      'existing_customer: the exception of article L34-5 CPCE; imported: a consent declared by the site owner (an imported list), not confirmed by the subscriber; absent: consent',
    ),
  imported: z
    .strictObject({
      declaredBy: z.literal('site-owner').describe('Who declares the consent: the site owner, not the subscriber'),
      consentedAt: iso.describe('When the owner says the consent was given'),
      source: z
        .string()
        .nullable()
        .describe('Where the owner says it was given (their words); null once the subscriber is erased'),
      sourceSha256: z
        .string()
        .optional()
        .describe(
          'SHA-256 (hex) of the UTF-8 source, as logged; absent for imports logged with the source in clear (before it was hashed)',
        ),
      wordingSha256: z.string().describe('SHA-256 (hex) of the UTF-8 wording the owner says was asked with'),
      wording: z.string().nullable().describe('That wording'),
    })
    .optional()
    .describe('Present for a number brought in from an existing list: what the owner declared, never a double opt-in'),
  existingCustomer: z
    .strictObject({
      purpose: z.string().describe('The only purpose the exception allows'),
      saleDate: z.string().describe('The sale that makes the person a customer (YYYY-MM-DD)'),
      saleReference: z.string().describe("HMAC-SHA256 (hex) of the owner's sale reference, keyed per service"),
      noticeSha256: z.string().describe('SHA-256 (hex) of the UTF-8 notice text shown at collection'),
      noticeText: z.string().nullable().describe('That text, with its free opt-out'),
    })
    .optional(),
  renewals: z
    .array(z.strictObject({ at: iso, policyVersion: z.number().int(), policySha256: z.string() }))
    .optional()
    .describe('Each later policy version the subscriber agreed to (a renewal), in order'),
  notice: z.strictObject({
    policyVersion: z.number().int(),
    policySha256: z.string(),
    policyUrl: z.string(),
    widgetTextSha256: z.string(),
    locale: z.string(),
  }),
  collection: z
    .strictObject({
      method: z.string().describe('widget | hosted-page'),
      at: iso,
      pageUrl: z.string().nullable().describe("The page's origin and path only: never its query string or fragment"),
      ipPrefix: z.string().nullable().describe('IPv4 /24 or IPv6 /48 of the request; null once erased'),
      browser: z
        .string()
        .nullable()
        .describe('Browser family and system, e.g. "Chrome, Android": never the full user agent'),
    })
    .describe('How and from where the opt-in was asked for'),
  confirmation: z
    .discriminatedUnion('method', [
      z
        .strictObject({
          method: z.literal('link'),
          at: nullableIso,
          ipPrefix: z
            .string()
            .nullable()
            .describe('Of the request that confirmed (IPv4 /24, IPv6 /48); null once erased'),
          browser: z.string().nullable().describe('Its browser family, e.g. "Safari, iOS"; null once erased'),
          sameDeviceAsRequest: z
            .boolean()
            .describe(
              'True when the confirming request came from the same IP prefix and browser family as the opt-in request. ' +
                'False means another device: the phone that received the SMS, or someone else who saw the link ' +
                '(with the webhook provider, the site owner\'s endpoint sees it). Also in the logged "confirmed" event.',
            ),
        })
        .describe('Confirmed from the link in the SMS (page + POST)'),
      z
        .strictObject({
          method: z.literal('reply'),
          at: nullableIso,
          channel: z
            .string()
            .nullable()
            .describe(
              'The inbound route the reply came through: twilio | generic | vonage | sinch | brevo | octopush | ovh',
            ),
        })
        .describe('Confirmed by a reply (OUI/YES) sent from the number itself'),
    ])
    .nullable(),
  withdrawal: z
    .strictObject({ method: z.string().nullable(), at: nullableIso, keyword: z.string().nullable() })
    .nullable(),
  status: z.enum(['pending', 'confirmed', 'withdrawn', 'expired', 'erased', 'imported']),
  retention: z.unknown(),
  log: z.strictObject({ origin: z.string() }),
});
