// Wire schemas shared by the routes that validate with them and openapi.ts that describes them (both import them
// from here, so no route imports another and the document cannot drift from what is enforced).
import { z } from 'zod';
import { isKnownCountry } from '../domain/consent/index.ts';
import { MAX_BULK, RENEWAL_DEADLINE_DAYS } from '../domain/messaging/index.ts';

/**
 * The country a national number is read in: a code with a numbering plan, so that "ZZ" is refused naming `country`
 * rather than read as a phone number that cannot be valid (named `phone`).
 */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { abort: true })
  .refine(isKnownCountry, 'Unknown country code: use an ISO 3166 alpha-2 code such as "FR".');

export const consentBodySchema = z.object({
  /** A valid mobile number for "yes"; for "no" it may be empty, and nothing is stored either way. */
  phone: z.string().max(40),
  country: countryCode.optional(),
  choice: z.enum(['yes', 'no']),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/),
  textSha256: z.string().regex(/^[0-9a-f]{64}$/, 'A hex SHA-256 (64 characters).'),
  policyVersion: z.number().int().positive(),
  pageUrl: z.url().max(2000).optional(),
  challengeToken: z.string().max(4096).optional(),
});

/** POST …/keys: a key takes nothing (no name, no scope), so the body is left out or `{}`; anything in it is refused. */
export const newKeyBody = z.strictObject({});

/** `purpose`: the purpose of the send asked about (an existing customer's record allows its own only). */
const sendPurpose = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/)
  .optional();
export const lookupBody = z.object({ phone: z.string().min(1).max(40), purpose: sendPurpose });
/** Each entry is read on its own: one that is not a number answers `status: "invalid"` in its place. */
export const checkBody = z.object({
  phones: z.array(z.string().max(40)).min(1).max(MAX_BULK),
  purpose: sendPurpose,
});

/** POST …/subscribers/existing-customers: the existing-customer exception (article L34-5 CPCE). */
export const existingCustomerBody = z.object({
  phone: z.string().min(1).max(40),
  country: countryCode.optional(),
  purpose: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  sale: z.strictObject({
    reference: z.string().min(1).max(200),
    date: z.iso.date(),
  }),
  notice: z.strictObject({
    text: z.string().trim().min(20).max(2000),
    locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/),
  }),
});

/** POST …/renewals: days to answer, counted from when the SMS may go (the sending hours). */
export const renewalBody = z.strictObject({
  deadlineDays: z.number().int().min(RENEWAL_DEADLINE_DAYS.min).max(RENEWAL_DEADLINE_DAYS.max).optional(),
  /** `imported`: ask the numbers brought in from an existing list (re-permission) instead of flagged consents. */
  audience: z.enum(['renewal', 'imported']).optional(),
});
