// A site's SMS provider settings (part of the site configuration): console, Twilio, a signed webhook, or one of the
// providers French senders use (Vonage, …). Secrets here are sealed at rest (domain/site/secrets.ts).
import { z } from 'zod';
import { cidrSchema } from '../net/cidr.ts';
import { outboundUrlSchema } from '../net/outbound.ts';

const secret = (min: number) => z.string().min(min).max(500);
/** Where inbound and delivery webhooks may come from: when set, any other client address is refused (403). */
const inboundAllowlist = z.array(cidrSchema).min(1).max(100).optional();
/**
 * For providers that do not sign their webhooks: the secret last segment of their webhook URLs, chosen by the owner
 * (e.g. 32 random bytes in base64url). Sealed at rest and compared in constant time.
 */
const webhookToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{32,128}$/, 'At least 32 letters, digits, "-" or "_" (e.g. 32 random bytes in base64url).');
/** A sender: an alphanumeric name (≤ 11) or a number (≤ 15 digits, with or without +). */
const sender = z
  .string()
  .regex(
    /^(?:[A-Za-z0-9 ._-]{1,11}|\+?\d{3,15})$/,
    'A sender is at most 11 letters or digits, or a number of at most 15 digits.',
  );

/** Outgoing URLs are checked (public https) when written; a stored row is read as it is and checked at send time. */
export const smsSchemas = (url: z.ZodType<string>) =>
  z.discriminatedUnion('provider', [
    z.strictObject({ provider: z.literal('console') }),
    z
      .strictObject({
        provider: z.literal('twilio'),
        accountSid: z
          .string()
          .regex(/^AC[0-9a-fA-F]{32}$/, 'A Twilio account SID starts with AC and has 32 hex digits.'),
        authToken: secret(8),
        from: z.string().min(3).max(20).optional(),
        messagingServiceSid: z
          .string()
          .regex(/^MG[0-9a-fA-F]{32}$/, 'A messaging service SID starts with MG and has 32 hex digits.')
          .optional(),
        /** Platform admin only: where Twilio's API is reached (a regional edge, a test double). */
        apiBaseUrl: url.optional(),
      })
      .refine((v) => v.from || v.messagingServiceSid, {
        message: 'Give "from" or "messagingServiceSid".',
        path: ['from'],
      }),
    z.strictObject({ provider: z.literal('webhook'), url, secret: secret(16) }),
    z.strictObject({
      provider: z.literal('vonage'),
      /** The account's API key: sends authenticate with it and the API secret; signed webhooks name it in `api_key`. */
      apiKey: z.string().regex(/^[A-Za-z0-9]{6,32}$/, 'A Vonage API key is 6–32 letters or digits.'),
      apiSecret: secret(8),
      /** Dashboard → Settings → Signature secret: the HS256 key of the JWT on every Messages API webhook. */
      signatureSecret: secret(16),
      from: sender,
      /** Platform admin only, as Twilio's: another Messages API host (a regional one, a test double). */
      apiBaseUrl: url.optional(),
      inboundAllowlist,
    }),
    z.strictObject({
      provider: z.literal('sinch'),
      servicePlanId: z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'A Sinch service plan id is 8–64 letters or digits.'),
      apiToken: secret(8),
      from: sender,
      /** The SMS REST API's region (https://{region}.sms.api.sinch.com); default eu. */
      region: z.enum(['us', 'eu', 'au', 'br', 'ca']).optional(),
      webhookToken,
      apiBaseUrl: url.optional(),
      inboundAllowlist,
    }),
    z.strictObject({
      provider: z.literal('brevo'),
      apiKey: secret(8),
      from: sender,
      /** Brevo's SMS type (https://developers.brevo.com/docs/transactional-sms-endpoints); default transactional. */
      type: z.enum(['transactional', 'marketing']).optional(),
      webhookToken,
      apiBaseUrl: url.optional(),
      inboundAllowlist,
    }),
    z.strictObject({
      provider: z.literal('octopush'),
      /** The account's login (an e-mail address) and API key, sent as the api-login and api-key headers. */
      apiLogin: z.string().email().max(200),
      apiKey: secret(8),
      /** Octopush takes 3–11 letters, digits or spaces. */
      from: z.string().regex(/^[A-Za-z0-9 ]{3,11}$/, 'An Octopush sender is 3–11 letters, digits or spaces.'),
      /** sms_premium (receipts and replies; default) or sms_low_cost. */
      type: z.enum(['sms_premium', 'sms_low_cost']).optional(),
      /** alert (transactional) or wholesale (marketing; default). */
      purpose: z.enum(['alert', 'wholesale']).optional(),
      webhookToken,
      apiBaseUrl: url.optional(),
      inboundAllowlist,
    }),
    z.strictObject({
      provider: z.literal('ovh'),
      /** The SMS account (Télécom → SMS), e.g. sms-ab12345-1. */
      serviceName: z
        .string()
        .regex(/^sms-[a-z0-9-]{3,60}$/, 'An OVHcloud SMS account is named sms-…, e.g. sms-ab12345-1.'),
      /** The application key and secret, and the consumer key, of https://eu.api.ovh.com/createToken/. */
      applicationKey: z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'An OVHcloud application key is 8–64 letters or digits.'),
      applicationSecret: secret(16),
      consumerKey: secret(16),
      /** A sender declared on the account; absent: OVHcloud's short code, the only sender replies reach. */
      from: sender.optional(),
      webhookToken,
      apiBaseUrl: url.optional(),
      inboundAllowlist,
    }),
  ]);
export const smsConfigSchema = smsSchemas(outboundUrlSchema);
export type SmsConfig = z.infer<typeof smsConfigSchema>;
