// A site's SMS provider settings (part of the site configuration): console, Twilio or a signed webhook.
import { z } from 'zod';
import { outboundUrlSchema } from '../net/outbound.ts';

const secret = (min: number) => z.string().min(min).max(500);

/** Outgoing URLs are checked (public https) when written; a stored row is read as it is and checked at send time. */
export const smsSchemas = (url: z.ZodType<string>) =>
  z.discriminatedUnion('provider', [
    z.strictObject({ provider: z.literal('console') }),
    z
      .strictObject({
        provider: z.literal('twilio'),
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'A Twilio account SID starts with AC and has 32 hex digits.'),
        authToken: secret(8),
        from: z.string().min(3).max(20).optional(),
        messagingServiceSid: z
          .string()
          .regex(/^MG[0-9a-fA-F]{32}$/, 'A messaging service SID starts with MG and has 32 hex digits.')
          .optional(),
        /** Platform admin only: where Twilio's API is reached (a regional edge, a test double). */
        apiBaseUrl: url.optional(),
      })
      .refine((v) => v.from || v.messagingServiceSid, { message: 'Give "from" or "messagingServiceSid".', path: ['from'] }),
    z.strictObject({ provider: z.literal('webhook'), url, secret: secret(16) }),
  ]);
export const smsConfigSchema = smsSchemas(outboundUrlSchema);
export type SmsConfig = z.infer<typeof smsConfigSchema>;
