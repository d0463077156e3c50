// The site configuration (GET|PUT /v1/sites/{site}): one strict wire schema, the lenient one stored rows load with,
// and defaults (secrets: site-secrets.ts).
import { z } from 'zod';
import { smsConfigSchema, smsSchemas, type SmsConfig } from '../../sms/config.ts';
import { defaultQuietHours, quietHoursRulesSchema, type QuietHoursRules } from '../../sms/quiet-hours.ts';
import { ownerFactsSchema } from '../../policy/facts.ts';
import { MAX_PROSPECT_DAYS } from '../../policy/retention-periods.ts';
import { isKnownCountry } from '../consent/phone.ts';
import { CHOICE_PROBLEMS } from './equal-choice.ts';
import { frenchConfigErrors } from './french-rules.ts';
import { storedWidgetConfigSchema, widgetConfigSchema } from './widget-config.ts';
import { unequalChoices } from './widget-texts.ts';

export { REDACTED, keepRedactedSecrets, redactConfig } from './secrets.ts';

export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'A site id is 1–63 lowercase letters, digits or dashes.');

const locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'A locale is like "fr" or "en".');
const country = z.string().regex(/^[A-Z]{2}$/, 'A country is an ISO 3166 alpha-2 code like "FR".');
/** Text per locale: {fr: "…", en: "…"}. */
export const localizedSchema = z
  .record(locale, z.string().min(1).max(500))
  .refine((texts) => Object.keys(texts).length <= 20, 'At most 20 locales.');

const secret = (min: number) => z.string().min(min).max(500);

/**
 * An origin as pasted from the address bar, `https://shop.example/`, is the origin `https://shop.example` (RFC 6454
 * §6.1: an origin serialises without a path): the trailing slash is dropped, on a value bounded first.
 */
const originPattern = z.preprocess(
  (value) => (typeof value === 'string' && value.length <= 200 ? value.trim().replace(/\/$/, '') : value),
  z
    .string()
    .max(200)
    .regex(/^https?:\/\/[a-z0-9.*-]+(:(\d+|\*))?$/i, 'An origin is like https://shop.example or http://localhost:*.'),
);

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown IANA time zone.');

export const programSchema = z.strictObject({
  name: z.string().min(1).max(60),
  description: localizedSchema,
  frequency: localizedSchema,
  helpContact: z.string().min(3).max(200),
  shortCode: z.string().max(20).optional(),
});

const limitsDefault = { perNumberPerDay: 3, perIpPerHour: 20, perSitePerDay: 10_000, renewalsPerHour: 1000 };
const retentionDefault = { unconfirmedDays: 30, withdrawnDays: 30, lastContactDays: MAX_PROSPECT_DAYS };

/** The configuration's fields; `siteConfigSchema` (what a PUT may say) and `storedConfigSchema` (what loads) share them. */
const shape = {
  name: z.string().min(1).max(100),
  allowedOrigins: z.array(originPattern).max(50).default([]),
  locales: z.array(locale).min(1).max(20),
  defaultLocale: locale,
  defaultCountry: country,
  allowedCountries: z.array(country).min(1).max(250).optional(),
  timezone: timezone.default('Europe/Paris'),
  program: programSchema,
  /**
   * Policy facts (GDPR Art. 13, see worker/policy/facts.ts): checked in full on PUT and at publish. The
   * program block of the policy comes from `program` above, so it is said once.
   */
  policy: ownerFactsSchema.optional(),
  sms: smsConfigSchema.default({ provider: 'console' }),
  /** Marketing sending windows in `timezone` (default: Mon–Sat 08:00–20:00, no public holidays in France). */
  quietHours: quietHoursRulesSchema
    .omit({ timezone: true })
    .strict()
    .refine((q) => !Array.isArray(q.holidays) || q.holidays.length <= 400, {
      path: ['holidays'],
      message: 'At most 400 dates.',
    })
    .optional(),
  /** Shared secret for POST /v1/sites/{site}/inbound/generic and delivery webhooks (Standard Webhooks). */
  inboundSecret: secret(16).optional(),
  /** Cloudflare Turnstile site key: the widget asks for a challenge when limits are near. */
  challenge: z
    .strictObject({ provider: z.literal('turnstile'), siteKey: z.string().min(1).max(200), secret: secret(1) })
    .optional(),
  limits: z
    .strictObject({
      perNumberPerDay: z.number().int().min(1).max(20).default(3),
      perIpPerHour: z.number().int().min(1).max(10_000).default(20),
      perSitePerDay: z.number().int().min(1).max(10_000_000).default(10_000),
      /** Renewal SMS per hour (a renewal campaign spreads its SMS so that no hour holds more). */
      renewalsPerHour: z.number().int().min(1).max(100_000).default(1000),
    })
    .default(limitsDefault),
  pendingTtlHours: z.number().int().min(1).max(168).default(48),
  /**
   * Storage limitation: a number that never confirmed is erased `unconfirmedDays` after its request expired; one
   * that withdrew, `withdrawnDays` after (it stays suppressed, as a blind index, so the STOP keeps holding); and any
   * number `lastContactDays` after the last contact its subscriber initiated.
   */
  retention: z
    .strictObject({
      unconfirmedDays: z.number().int().min(1).max(3650).default(30),
      withdrawnDays: z.number().int().min(1).max(3650).default(30),
      /**
       * Any number, subscribed or not, is erased this long after the last contact its subscriber initiated: never
       * longer than the three years every policy states (the CNIL's reference for prospects).
       */
      lastContactDays: z
        .number()
        .int()
        .min(1)
        .max(MAX_PROSPECT_DAYS, 'At most 1095 days (three years): the policy says the number is erased by then.')
        .default(MAX_PROSPECT_DAYS),
    })
    .default(retentionDefault),
  widget: widgetConfigSchema.optional(),
  /**
   * Numbers brought in from an existing list (POST …/subscribers/import) carry only the consent their owner declared,
   * never proven by a double opt-in: the gate lets them be texted only while `allowed` and before `until` (at most
   * twelve months ahead when set, see importsDeadlineErrors), the time to ask them again (a re-permission campaign).
   */
  imports: z
    .strictObject({
      allowed: z.boolean(),
      until: z
        .string()
        .max(40)
        .regex(
          /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
          'An ISO 8601 date (2027-06-30) or date and time with its offset (2027-06-30T18:00:00+02:00).',
        )
        .refine((v) => !Number.isNaN(importsUntil(v)), 'Not a calendar date.'),
    })
    .optional(),
};

/** The instant `imports.until` names: a date alone is 00:00 UTC that day. */
export function importsUntil(until: string): number {
  const ms = Date.parse(until.length === 10 ? `${until}T00:00:00Z` : until);
  // Date.parse rolls 2027-02-30 over to March: a date must read back as written.
  return until.length === 10 && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== until ? NaN : ms;
}

/** The longest an owner may keep texting imported numbers ahead of the day the deadline is set (twelve months). */
export const MAX_IMPORTS_AHEAD_DAYS = 366;

/** The deadline is set at most twelve months ahead of `now`: declared consents are asked again, not kept for ever. */
export function importsDeadlineErrors(cfg: Pick<SiteConfig, 'imports'>, now: number, prefix = '') {
  const until = cfg.imports?.until;
  if (until === undefined || importsUntil(until) <= now + MAX_IMPORTS_AHEAD_DAYS * 86_400_000) return [];
  return [
    {
      path: [prefix, 'imports.until'].filter(Boolean).join('.'),
      message: `At most ${MAX_IMPORTS_AHEAD_DAYS} days (twelve months) ahead: imported numbers must be asked again (a re-permission campaign) before then.`,
    },
  ];
}

/** May the site text a number it imported, at `now`? `expired` once the deadline has passed. */
export function importsStanding(cfg: Pick<SiteConfig, 'imports'>, now: number): 'allowed' | 'not-allowed' | 'expired' {
  if (!cfg.imports?.allowed) return 'not-allowed';
  return now < importsUntil(cfg.imports.until) ? 'allowed' : 'expired';
}

function crossChecks(
  cfg: { locales: string[]; defaultLocale: string; program: z.infer<typeof programSchema> },
  ctx: z.RefinementCtx,
) {
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
}

/** Yes and No are equal choices in every locale (equal-choice.ts): what every writer, API or console, must pass. */
function equalChoices(cfg: Parameters<typeof unequalChoices>[0], ctx: z.RefinementCtx) {
  for (const { locale, label, reason } of unequalChoices(cfg)) {
    ctx.addIssue({ code: 'custom', path: ['widget', 'texts', locale, label], message: CHOICE_PROBLEMS[reason] });
  }
}

/** No French mobile number as sender; for a site texting France, no sending hours wider than the charter's. */
function frenchRules(cfg: Parameters<typeof frenchConfigErrors>[0], ctx: z.RefinementCtx) {
  for (const { path, message } of frenchConfigErrors(cfg)) {
    ctx.addIssue({ code: 'custom', path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message });
  }
}

/**
 * Countries whose numbering plan the phone rules know: a code of the right shape that names none (`ZZ`, `XX`) would
 * make every national number typed on the site unreadable, silently.
 */
function knownCountries(
  cfg: { defaultCountry: string; allowedCountries?: string[] | undefined },
  ctx: z.RefinementCtx,
) {
  const message = 'No numbering plan is known for this country code.';
  if (!isKnownCountry(cfg.defaultCountry)) ctx.addIssue({ code: 'custom', path: ['defaultCountry'], message });
  cfg.allowedCountries?.forEach((code, i) => {
    if (!isKnownCountry(code)) ctx.addIssue({ code: 'custom', path: ['allowedCountries', i], message });
  });
}

/**
 * What a PUT or a create may say: known keys only, every string bounded, equal choices, known countries. (Stored rows
 * load without the last two rules: the widget shows the template's labels where theirs are unequal, see widgetTexts;
 * a number the plan of an unknown country cannot read is refused as unreadable.)
 */
export const siteConfigSchema = z
  .strictObject(shape)
  .superRefine(crossChecks)
  .superRefine(equalChoices)
  .superRefine(knownCountries)
  .superRefine(frenchRules);

/**
 * What a stored row is read with. Rows written before the schema became strict may hold keys it no longer knows
 * (dropped), policy facts that are now incomplete (kept as they are: publishing and the next PUT check them) and
 * widget texts of the wrong type (dropped, the template's text shows): a site that loaded before still loads.
 */
export const storedConfigSchema = z
  .object({
    ...shape,
    sms: smsSchemas(z.string().max(2048)).default({ provider: 'console' }),
    policy: z.record(z.string(), z.unknown()).optional(),
    widget: storedWidgetConfigSchema.optional(),
  })
  .superRefine(crossChecks);

export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type { SmsConfig };

export const allowedCountries = (cfg: SiteConfig) => cfg.allowedCountries ?? [cfg.defaultCountry];

export const quietHoursOf = (cfg: SiteConfig): QuietHoursRules =>
  cfg.quietHours ? { timezone: cfg.timezone, ...cfg.quietHours } : defaultQuietHours(cfg.timezone);

/** The longest origin there is: a scheme, a 253-character host name and a port. A longer Origin header is no origin. */
const MAX_ORIGIN = 300;

/** `http://localhost:*` matches any port; `https://*.shop.example` any subdomain. */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  // Bounded before any pattern runs: the site's patterns compile to regexes over the request's Origin.
  if (origin.length > MAX_ORIGIN) return false;
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
