// Renders one locale of a site's policy from its facts and a template version, and checks Art. 13 coverage.
import { z } from 'zod';
import { AppError, type FieldError } from '../errors.ts';
import type { PolicyFacts } from './facts.ts';
import { withFrenchTypography } from './typography.ts';
import { parseSections, parseTitle, renderTemplate, type PolicySection } from './template.ts';

export const currentTemplateVersion = '2';

/** `{[templateVersion]: {[locale]: template text}}`; built from templates/policy/<version>/<locale>.md. */
export type PolicyTemplates = Record<string, Record<string, string>>;

/** GDPR Art. 13 items every policy must answer, if only to say they do not apply. */
export const art13Items = [
  'art13-1a',
  'art13-1b',
  'art13-1c',
  'art13-1d',
  'art13-1e',
  'art13-1f',
  'art13-2a',
  'art13-2b',
  'art13-2c',
  'art13-2d',
  'art13-2e',
  'art13-2f',
] as const;
export type Art13Item = (typeof art13Items)[number];

/**
 * Values the service supplies (the site owner does not type them): where subscribers find proofs and the
 * public log, and the site's country. Templates may use them as {{service.logUrl}}, {{service.proofsUrl}} and
 * {{#jurisdiction.FR}}.
 */
export const serviceViewSchema = z.object({
  service: z.object({
    logUrl: z.url(),
    proofsUrl: z.url(),
    policyUrl: z.url(),
    /** The site's `retention.lastContactDays` in words ("three years", "180 jours"): the period the jobs enforce. */
    lastContactPeriod: z.string(),
  }),
  /** The site's country as `{[code]: true}`: only FR has rights of its own in the templates today. */
  jurisdiction: z.object({ FR: z.literal(true).optional() }),
});

export interface ServiceContext {
  /** Public base URL of the Assent instance, e.g. `https://assent.example`. */
  publicUrl: string;
  /** The site id, e.g. `demo`. */
  site: string;
  /**
   * The site's country (ISO code): rights that only national law grants are stated where that law applies, as
   * {{#jurisdiction.FR}} (post-mortem directives, loi Informatique et Libertés art. 85). Default FR.
   */
  country?: string;
  /**
   * The site's `retention.lastContactDays`: the policy states this period, the one the jobs erase numbers after, not
   * the three-year ceiling (GDPR Art. 13(2)(a): the period for which the data will be stored). Default 1095.
   */
  lastContactDays?: number;
}

const YEAR_WORDS: Record<string, string[]> = {
  en: ['one year', 'two years', 'three years'],
  fr: ['un an', 'deux ans', 'trois ans'],
};

/** A retention period in days as a reader says it: whole years in words (at most three), else days. */
export function periodInWords(days: number, locale: string): string {
  const lang = locale.startsWith('fr') ? 'fr' : 'en';
  const years = days / 365;
  const words = Number.isInteger(years) ? YEAR_WORDS[lang]![years - 1] : undefined;
  if (words) return words;
  if (lang === 'fr') return days === 1 ? '1 jour' : `${days} jours`;
  return days === 1 ? '1 day' : `${days} days`;
}

const LOCALE_KEY = /^[a-z]{2}(-[A-Z]{2})?$/;

function isLocalized(value: object): value is Record<string, string> {
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([k, v]) => LOCALE_KEY.test(k) && typeof v === 'string');
}

/**
 * Every text given per locale (`{fr, en}`) that lacks one of the site's `locales`, as field errors: rendering would
 * fill the gap with another language's text, so a French policy would read English where a translation was left
 * out. GDPR Art. 12(1): the information must be "intelligible", in clear and plain language, which a text in another
 * language is not. A single string (a name, an address) serves every locale and is not a translation to give.
 */
export function missingTranslations(value: unknown, locales: readonly string[], path = 'policy'): FieldError[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => missingTranslations(v, locales, `${path}.${i}`));
  if (value === null || typeof value !== 'object') return [];
  if (isLocalized(value)) {
    const has = (l: string) => (value[l] ?? value[l.slice(0, 2)] ?? '').trim() !== '';
    return locales
      .filter((l) => !has(l))
      .map((l) => ({
        path: `${path}.${l}`,
        message: `Missing the "${l}" text: write it in this language, or readers of the ${l} policy get another language.`,
      }));
  }
  return Object.entries(value).flatMap(([k, v]) => missingTranslations(v, locales, `${path}.${k}`));
}

/** Replaces every localized text (`{fr, en}`) by its string for `locale`; falls back to the first locale given. */
export function localizeFacts(value: unknown, locale: string): unknown {
  if (Array.isArray(value)) return value.map((v) => localizeFacts(v, locale));
  if (value === null || typeof value !== 'object') return value;
  if (isLocalized(value)) return value[locale] ?? value[locale.slice(0, 2)] ?? Object.values(value)[0];
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localizeFacts(v, locale)]));
}

export function policyView(facts: PolicyFacts, locale: string, context: ServiceContext): Record<string, unknown> {
  const base = context.publicUrl.replace(/(?<!\/)\/+$/, '');
  const site = encodeURIComponent(context.site);
  return {
    // What owners type reaches a French reader with French spacing, like the template around it.
    ...((locale.startsWith('fr')
      ? withFrenchTypography(localizeFacts(facts, locale))
      : localizeFacts(facts, locale)) as Record<string, unknown>),
    jurisdiction: { [(context.country ?? 'FR').toUpperCase()]: true },
    service: {
      logUrl: `${base}/v1/sites/${site}/log`,
      proofsUrl: `${base}/proofs/`,
      policyUrl: `${base}/p/${site}`,
      lastContactPeriod: periodInWords(context.lastContactDays ?? 1095, locale),
    },
  };
}

export interface RenderedPolicy {
  title: string;
  markdown: string;
  sections: PolicySection[];
}

export function renderPolicy(options: {
  facts: PolicyFacts;
  locale: string;
  templateVersion?: string;
  templates: PolicyTemplates;
  context: ServiceContext;
}): RenderedPolicy {
  const { facts, locale, templateVersion = currentTemplateVersion, templates, context } = options;
  const template = templates[templateVersion]?.[locale];
  if (template === undefined) {
    throw new AppError(
      'policy_template_missing',
      422,
      `No policy template version ${templateVersion} for locale "${locale}".`,
    );
  }
  // Normalise line endings and end with one newline, so the stored bytes do not depend on the editor used.
  const markdown = `${renderTemplate(template.replace(/\r\n/g, '\n'), policyView(facts, locale, context))
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
  const sections = parseSections(markdown);
  return { title: parseTitle(markdown) ?? sections[0]?.title ?? '', markdown, sections };
}

/** The Art. 13 items no section declares; empty when the policy is complete. */
export function coverage(sections: readonly Pick<PolicySection, 'covers'>[]): Art13Item[] {
  const covered = new Set(sections.flatMap((s) => s.covers));
  return art13Items.filter((item) => !covered.has(item));
}

/** Throws a 422 naming each uncovered item; publishing calls it for every locale. */
export function assertCovered(sections: readonly Pick<PolicySection, 'covers'>[], locale: string): void {
  const missing = coverage(sections);
  if (missing.length === 0) return;
  throw new AppError('policy_incomplete', 422, `The ${locale} policy does not answer: ${missing.join(', ')}.`, {
    errors: missing.map((item) => ({ path: `policy.${locale}.${item}`, message: `No section covers ${item}.` })),
  });
}
