// Every string the opt-in widget shows, per locale: template defaults, site overrides and program facts merged,
// plus the hash of exactly those texts so a consent proof knows what the visitor saw.
import { getCountryCallingCode, isSupportedCountry } from 'libphonenumber-js';
import { canonicalize } from '../../crypto/jcs.ts';
import en from '../../../templates/widget/en.json' with { type: 'json' };
import fr from '../../../templates/widget/fr.json' with { type: 'json' };
import { sha256Hex } from '../../crypto/tokens.ts';
import type { ProblemCode } from '../../errors.ts';
import { EDITABLE_WIDGET_TEXTS, widgetOverrides, type EditableWidgetText } from '../console/widget-texts.ts';
import { equalChoice, type ChoiceProblem } from './equal-choice.ts';
import { frenchTypography } from '../../policy/typography.ts';

/**
 * Problem codes the widget knows how to explain (one of the server's, errors.ts's PROBLEM_CODES, or its own two:
 * `network` when the server could not be reached, `generic` for anything else).
 */
export const WIDGET_ERROR_CODES = [
  'invalid_phone',
  'validation_failed',
  'rate_limited',
  'country_not_allowed',
  'stale_texts',
  'network',
  'generic',
] as const satisfies readonly (ProblemCode | 'network' | 'generic')[];
export type WidgetErrorCode = (typeof WIDGET_ERROR_CODES)[number];

export interface WidgetTexts {
  program: string;
  description: string;
  frequency: string;
  regionLabel: string;
  intro: string;
  frequencyLabel: string;
  rates: string;
  stop: string;
  policyLink: string;
  newTab: string;
  countryLabel: string;
  phoneLabel: string;
  phoneHint: string;
  choiceLabel: string;
  yes: string;
  no: string;
  sending: string;
  /** `{phone}` is replaced in the browser by the masked number the server returned. */
  sent: string;
  resend: string;
  resent: string;
  declined: string;
  errors: Record<WidgetErrorCode, string>;
}

/** The slice of a site's configuration the widget reads. */
export interface WidgetSiteConfig {
  program: {
    name: string;
    description: Record<string, string>;
    frequency: Record<string, string>;
    helpContact: string;
    shortCode?: string;
  };
  locales: string[];
  defaultLocale: string;
  defaultCountry: string;
  allowedCountries?: string[];
  widget?: { texts?: Record<string, Partial<WidgetTexts>>; theme?: Record<string, unknown> };
  /** The controller named in the intro's first sentence (`{controller}`); the program's name when none is declared. */
  policy?: { controller?: { name?: string } };
}

export interface WidgetCountry {
  code: string;
  callingCode: string;
  name: string;
}

/** The JSON served at GET /v1/sites/{site}/widget and embedded in the hosted page. */
export interface WidgetDocument {
  site: string;
  locale: string;
  locales: string[];
  defaultCountry: string;
  allowedCountries: string[];
  countries: WidgetCountry[];
  policy: { version: number; url: string };
  texts: WidgetTexts;
  textSha256: string;
  /** Theme custom properties (`--assent-<key>`), applied to both choices alike. */
  theme?: Record<string, string>;
}

/** Theme keys a site may set; each becomes `--assent-<key>` on the widget host. */
export const WIDGET_THEME_KEYS = ['bg', 'fg', 'btn', 'btn-fg', 'focus', 'error', 'radius'] as const;

/** Keeps known keys with plain CSS values (colours, lengths): nothing that could close a declaration. */
export function widgetTheme(theme: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of WIDGET_THEME_KEYS) {
    const value = theme?.[key];
    if (typeof value === 'string' && /^[#\w\s().,%-]{1,60}$/.test(value)) out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

type TemplateTexts = Omit<WidgetTexts, 'program' | 'description' | 'frequency'>;
/** Per locale, the texts edited in the console's widget form. */
export type EditedWidgetTexts = Record<string, Partial<Record<EditableWidgetText, string>>>;

// A locale is one JSON file in templates/widget/ plus its line here (static imports keep Workers bundling simple).
const TEMPLATES: Record<string, TemplateTexts> = { en, fr };

/** The shipped texts a locale starts from (the site's default locale's where none ships for it), before overrides. */
export function widgetTemplate(config: Pick<WidgetSiteConfig, 'defaultLocale'>, locale: string): TemplateTexts {
  return TEMPLATES[locale] ?? TEMPLATES[config.defaultLocale] ?? en;
}

/**
 * The equal-choice rule over a site's widget texts (stored overrides, or a console form's edits): per locale whose
 * yes/no break it, which label was set there (the one to name in an error; an unset or empty one is the template's)
 * and why. The site configuration's schema calls it on every write (API and console); widgetTexts falls back.
 */
export function unequalChoices(
  config: Pick<WidgetSiteConfig, 'locales' | 'defaultLocale'> & {
    widget?: { texts?: Record<string, Partial<Pick<WidgetTexts, 'yes' | 'no'>>> };
  },
  texts: Record<string, Partial<Record<'yes' | 'no', string>>> = config.widget?.texts ?? {},
): { locale: string; label: 'yes' | 'no'; reason: ChoiceProblem }[] {
  return config.locales.flatMap((locale) => {
    const base = widgetTemplate(config, locale);
    const set = texts[locale] ?? {};
    const check = equalChoice(set.yes || base.yes, set.no || base.no);
    if (check.ok) return [];
    const label = set.yes || !set.no ? 'yes' : 'no';
    return [{ locale, label, reason: check.reason! }];
  });
}

/** The console's widget form: the locales whose edited yes/no (an empty one falls back to the default) break the equal-choice rule. */
export function unequalChoiceLocales(
  config: Pick<WidgetSiteConfig, 'locales' | 'defaultLocale'>,
  edited: EditedWidgetTexts,
): string[] {
  return unequalChoices(config, edited).map((u) => u.locale);
}

/**
 * The overrides to store after a console edit: per locale, the stored overrides of texts the form does not edit are
 * kept, and the edited ones are stored only where they differ from the shipped text (see widgetOverrides).
 */
export function mergeEditedTexts(
  config: WidgetSiteConfig,
  edited: EditedWidgetTexts,
): Record<string, Record<string, unknown>> {
  const stored = (config.widget?.texts ?? {}) as Record<string, Record<string, unknown>>;
  const editable: readonly string[] = EDITABLE_WIDGET_TEXTS;
  return Object.fromEntries(
    config.locales.map((locale) => {
      const kept = Object.fromEntries(Object.entries(stored[locale] ?? {}).filter(([k]) => !editable.includes(k)));
      return [
        locale,
        {
          ...kept,
          ...widgetOverrides(
            edited[locale] ?? {},
            widgetTemplate(config, locale) as unknown as Record<string, unknown>,
          ),
        },
      ];
    }),
  );
}

export function resolveLocale(
  config: Pick<WidgetSiteConfig, 'locales' | 'defaultLocale'>,
  wanted?: string | null,
): string {
  if (wanted) {
    if (config.locales.includes(wanted)) return wanted;
    const base = wanted.toLowerCase().split('-')[0]!;
    if (config.locales.includes(base)) return base;
  }
  return config.defaultLocale;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export async function widgetTexts(options: {
  config: WidgetSiteConfig;
  locale?: string | null;
  policyVersion: number;
  policyUrl: string;
}): Promise<{ locale: string; texts: WidgetTexts; textSha256: string }> {
  const { config, policyVersion } = options;
  const locale = resolveLocale(config, options.locale);
  const base = widgetTemplate(config, locale);
  const override = config.widget?.texts?.[locale] ?? {};
  // What the owner typed reaches a French reader with French spacing, like the shipped texts.
  const typeset = (text: string) => (locale.startsWith('fr') ? frenchTypography(text) : text);
  const pick = (map: Record<string, string>) =>
    typeset(map[locale] ?? map[config.defaultLocale] ?? Object.values(map)[0] ?? '');
  const merged: WidgetTexts = {
    ...base,
    program: config.program.name,
    description: pick(config.program.description),
    frequency: pick(config.program.frequency),
    ...override,
    errors: { ...base.errors, ...override.errors },
  };
  // A row stored before the rule held every write path may pair unequal labels: the widget shows the template's.
  if (!equalChoice(merged.yes, merged.no).ok) Object.assign(merged, { yes: base.yes, no: base.no });
  const values = {
    help: config.program.helpContact,
    version: String(policyVersion),
    shortCode: config.program.shortCode ?? '',
    controller: config.policy?.controller?.name ?? config.program.name,
  };
  const texts = {
    ...merged,
    intro: fill(merged.intro, values),
    stop: fill(merged.stop, values),
    policyLink: fill(merged.policyLink, values),
  };
  const textSha256 = await sha256Hex(canonicalize({ locale, policyVersion, texts }));
  return { locale, texts, textSha256 };
}

/** Country choices with calling codes and localized names, so the bundle carries no country table. */
export function widgetCountries(
  config: Pick<WidgetSiteConfig, 'defaultCountry' | 'allowedCountries'>,
  locale: string,
): WidgetCountry[] {
  const codes = config.allowedCountries?.length ? config.allowedCountries : [config.defaultCountry];
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    names = undefined;
  }
  return codes.map((raw) => {
    const code = raw.toUpperCase();
    return {
      code,
      callingCode: isSupportedCountry(code) ? getCountryCallingCode(code) : '',
      name: names?.of(code) ?? code,
    };
  });
}

export async function widgetDocument(options: {
  site: string;
  config: WidgetSiteConfig;
  locale?: string | null;
  policy: { version: number; url: string };
}): Promise<WidgetDocument> {
  const { site, config, policy } = options;
  const { locale, texts, textSha256 } = await widgetTexts({
    config,
    locale: options.locale,
    policyVersion: policy.version,
    policyUrl: policy.url,
  });
  const countries = widgetCountries(config, locale);
  const theme = widgetTheme(config.widget?.theme);
  return {
    site,
    locale,
    locales: config.locales,
    defaultCountry: config.defaultCountry.toUpperCase(),
    allowedCountries: countries.map((c) => c.code),
    countries,
    policy,
    texts,
    textSha256,
    ...(theme ? { theme } : {}),
  };
}
