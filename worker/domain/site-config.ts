// The site configuration (GET|PUT /v1/sites/{site}): wire schema, defaults, and secret redaction.
import { z } from 'zod';
import { outboundUrlSchema } from '../net/outbound.ts';
import { defaultQuietHours, quietHoursRulesSchema, type QuietHoursRules } from '../sms/quiet-hours.ts';

export const REDACTED = '••••••';

export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A site id is 1–63 lowercase letters, digits or dashes.');

const locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'A locale is like "fr" or "en".');
const country = z.string().regex(/^[A-Z]{2}$/, 'A country is an ISO 3166 alpha-2 code like "FR".');
/** Text per locale: {fr: "…", en: "…"}. */
export const localizedSchema = z.record(locale, z.string().min(1).max(500));

const originPattern = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.*-]+(:(\d+|\*))?$/i, 'An origin is like https://shop.example or http://localhost:*.');

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown IANA time zone.');

export const smsConfigSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('console') }),
  z
    .object({
      provider: z.literal('twilio'),
      accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'A Twilio account SID starts with AC and has 32 hex digits.'),
      authToken: z.string().min(8),
      from: z.string().min(3).optional(),
      messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
      apiBaseUrl: outboundUrlSchema.optional(),
    })
    .refine((v) => v.from || v.messagingServiceSid, { message: 'Give "from" or "messagingServiceSid".', path: ['from'] }),
  z.object({ provider: z.literal('webhook'), url: outboundUrlSchema, secret: z.string().min(16) }),
]);

export const programSchema = z.object({
  name: z.string().min(1).max(60),
  description: localizedSchema,
  frequency: localizedSchema,
  helpContact: z.string().min(3).max(200),
  shortCode: z.string().max(20).optional(),
});

export const siteConfigSchema = z
  .object({
    name: z.string().min(1).max(100),
    allowedOrigins: z.array(originPattern).max(50).default([]),
    locales: z.array(locale).min(1).max(20),
    defaultLocale: locale,
    defaultCountry: country,
    allowedCountries: z.array(country).min(1).optional(),
    timezone: timezone.default('Europe/Paris'),
    program: programSchema,
    /**
     * Policy facts (GDPR Art. 13, see worker/policy/facts.ts): checked in full on PUT and at publish. The
     * program block of the policy comes from `program` above, so it is said once.
     */
    policy: z.record(z.string(), z.unknown()).optional(),
    sms: smsConfigSchema.default({ provider: 'console' }),
    /** Marketing sending windows in `timezone` (default: Mon–Sat 08:00–20:00, no public holidays in France). */
    quietHours: quietHoursRulesSchema.omit({ timezone: true }).optional(),
    /** Shared secret for POST /v1/sites/{site}/inbound/generic and delivery webhooks (Standard Webhooks). */
    inboundSecret: z.string().min(16).optional(),
    /** Cloudflare Turnstile site key: the widget asks for a challenge when limits are near. */
    challenge: z.object({ provider: z.literal('turnstile'), siteKey: z.string().min(1), secret: z.string().min(1) }).optional(),
    limits: z
      .object({
        perNumberPerDay: z.number().int().min(1).max(20).default(3),
        perIpPerHour: z.number().int().min(1).max(10_000).default(20),
        perSitePerDay: z.number().int().min(1).max(10_000_000).default(10_000),
      })
      .default({ perNumberPerDay: 3, perIpPerHour: 20, perSitePerDay: 10_000 }),
    pendingTtlHours: z.number().int().min(1).max(168).default(48),
    /**
     * Storage limitation: a number that never confirmed is erased `unconfirmedDays` after its request expired; one
     * that withdrew, `withdrawnDays` after (it stays suppressed, as a blind index, so the STOP keeps holding).
     */
    retention: z
      .object({
        unconfirmedDays: z.number().int().min(1).max(3650).default(30),
        withdrawnDays: z.number().int().min(1).max(3650).default(30),
      })
      .default({ unconfirmedDays: 30, withdrawnDays: 30 }),
    widget: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((cfg, ctx) => {
    if (!cfg.locales.includes(cfg.defaultLocale)) {
      ctx.addIssue({ code: 'custom', path: ['defaultLocale'], message: 'defaultLocale must be one of locales.' });
    }
    for (const key of ['description', 'frequency'] as const) {
      for (const l of cfg.locales) {
        if (!cfg.program[key][l]) {
          ctx.addIssue({ code: 'custom', path: ['program', key, l], message: `Missing text for locale "${l}".` });
        }
      }
    }
  });

export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type SmsConfig = z.infer<typeof smsConfigSchema>;

export const allowedCountries = (cfg: SiteConfig) => cfg.allowedCountries ?? [cfg.defaultCountry];

export const quietHoursOf = (cfg: SiteConfig): QuietHoursRules =>
  cfg.quietHours ? { timezone: cfg.timezone, ...cfg.quietHours } : defaultQuietHours(cfg.timezone);

/** Where secrets live in a configuration: [object path, key]. */
const SECRET_PATHS: [string[], string][] = [
  [['sms'], 'authToken'],
  [['sms'], 'secret'],
  [[], 'inboundSecret'],
  [['challenge'], 'secret'],
];

function walk(obj: unknown, path: string[]): Record<string, unknown> | null {
  let at = obj;
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at && typeof at === 'object' ? (at as Record<string, unknown>) : null;
}

/** Secrets are write-only: GET shows them redacted. */
export function redactConfig(cfg: SiteConfig): SiteConfig {
  const copy = structuredClone(cfg) as unknown;
  for (const [path, key] of SECRET_PATHS) {
    const holder = walk(copy, path);
    if (holder && typeof holder[key] === 'string') holder[key] = REDACTED;
  }
  return copy as SiteConfig;
}

/** A PUT that sends the redacted value back keeps the stored secret. */
export function keepRedactedSecrets(incoming: unknown, stored: SiteConfig): unknown {
  if (!incoming || typeof incoming !== 'object') return incoming;
  const copy = structuredClone(incoming);
  for (const [path, key] of SECRET_PATHS) {
    const holder = walk(copy, path);
    const before = walk(stored, path);
    if (holder && holder[key] === REDACTED && before && typeof before[key] === 'string') holder[key] = before[key];
  }
  return copy;
}

/** `http://localhost:*` matches any port; `https://*.shop.example` any subdomain. */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const re = new RegExp(
      `^${pattern
        .toLowerCase()
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/:\\\*$|:\*$/, '(:\\d+)?')
        .replace(/\*/g, '[a-z0-9-]+')}$`,
    );
    return re.test(origin.toLowerCase());
  });
}
