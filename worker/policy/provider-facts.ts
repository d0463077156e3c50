// What the site's configuration already says about recipients: the SMS provider in use receives every number, so
// the policy must name it as a processor, and one outside the EEA needs a transfer entry for its country.
import type { FieldError } from '../errors.ts';

/** The SMS provider a site sends through, as the policy must name it. */
export interface ProviderFact {
  /** How the reader of an error knows it: "Twilio", or a webhook's host. */
  label: string;
  /** A recipient names this provider when its name, letters and digits only, contains this. */
  key: string;
}

/** EU member states plus Iceland, Liechtenstein and Norway. */
export const EEA = 'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK'.split(
  ' ',
);

const ALIASES: Record<string, string> = {
  usa: 'US',
  unitedstatesofamerica: 'US',
  etatsunisdamerique: 'US',
  uk: 'GB',
  greatbritain: 'GB',
  angleterre: 'GB',
  england: 'GB',
};

export const normalize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

let byName: Map<string, string> | undefined;

/** ISO code of a country written as a code or a name in English or French ("US", "États-Unis"), or null. */
export function countryCode(text: string): string | null {
  if (!byName) {
    byName = new Map(Object.entries(ALIASES));
    const names = ['en', 'fr'].map((l) => new Intl.DisplayNames([l], { type: 'region' }));
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        // Retired codes (DD, FX, SU…) are named as their successors: keep the current code only.
        if (Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
        for (const dn of names) {
          const name = dn.of(code);
          if (name && name !== code && !byName.has(normalize(name))) byName.set(normalize(name), code);
        }
      }
    }
  }
  const trimmed = text.trim().replace(/^(?:(?:the|les?|la)\s+|l['’]\s*)/i, '');
  if (
    /^[A-Z]{2}$/.test(trimmed) &&
    byName.get(normalize(new Intl.DisplayNames(['en'], { type: 'region' }).of(trimmed) ?? '')) === trimmed
  )
    return trimmed;
  return byName.get(normalize(trimmed)) ?? null;
}

const texts = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).filter((v): v is string => typeof v === 'string')
      : [];

/** The countries a localized text names (codes where known, else the normalized text). */
const countriesOf = (value: unknown) => new Set(texts(value).map((t) => countryCode(t) ?? normalize(t)));

interface Recipient {
  name?: unknown;
  role?: unknown;
  country?: unknown;
}

/**
 * Field errors when the facts contradict the provider: no recipient names it (the policy would say nobody else
 * receives the data), or it sits outside the EEA and no transfer entry covers its country.
 */
export function providerFactErrors(facts: unknown, provider: ProviderFact | null, prefix: string): FieldError[] {
  if (!provider || !facts || typeof facts !== 'object') return [];
  const { recipients, transfers } = facts as { recipients?: unknown; transfers?: unknown };
  const list = Array.isArray(recipients) ? (recipients as Recipient[]) : [];
  const named = list.filter((r) => typeof r?.name === 'string' && normalize(r.name).includes(provider.key));
  const processor = named.find((r) => r.role === 'processor');
  if (!processor) {
    return [
      {
        path: `${prefix}.recipients`,
        message: `The SMS provider in use (${provider.label}) receives every number: list it as a recipient with role "processor".`,
      },
    ];
  }
  const countries = countriesOf(processor.country);
  const outside = [...countries].filter((c) => !EEA.includes(c));
  if (outside.length === 0) return [];
  const covered = new Set(
    Array.isArray(transfers) ? transfers.flatMap((t: { country?: unknown }) => [...countriesOf(t?.country)]) : [],
  );
  const missing = outside.filter((c) => !covered.has(c));
  if (missing.length === 0) return [];
  return [
    {
      path: `${prefix}.transfers`,
      message: `The SMS provider in use (${provider.label}) is outside the EEA (${texts(processor.country)[0]}): add a transfer entry for that country with its safeguard.`,
    },
  ];
}

/**
 * The SMS providers Assent speaks, as a policy names them: the processor entity, its country and the transfer basis,
 * as each provider's own data-processing terms state them (`source`). `confirmed: false` marks what those pages did not
 * let us confirm; the owner's policy facts decide, and the check above only needs `key` in a recipient's name.
 */
export const KNOWN_PROCESSORS = {
  vonage: {
    label: 'Vonage',
    key: 'vonage',
    name: 'Vonage (Vonage Holdings Corp. and its affiliates, an Ericsson company)',
    country: 'US',
    transferBasis: 'EU standard contractual clauses (Commission decision 2021/914)',
    source: 'https://www.vonage.com/legal/privacy-policy/',
    confirmed: false,
  },
  sinch: {
    label: 'Sinch',
    key: 'sinch',
    name: 'Sinch AB (publ) or the Sinch entity contracted',
    country: 'SE',
    transferBasis:
      "none within the EEA; Sinch's DPA covers sub-processors outside it with the EU standard contractual clauses",
    source: 'https://www.sinch.com/data-protection-agreement/',
    confirmed: false,
  },
  brevo: {
    label: 'Brevo',
    key: 'brevo',
    name: 'Sendinblue SAS (Brevo), Paris',
    country: 'FR',
    transferBasis: 'none: a French processor (Brevo Terms of Service, Appendix 3, Data Processing Agreement)',
    source: 'https://www.brevo.com/legal/termsofuse/',
    confirmed: true,
  },
  octopush: {
    label: 'Octopush',
    key: 'octopush',
    name: 'Octopush SAS',
    country: 'FR',
    transferBasis: 'none stated: a French processor; its sub-processors were not listed on the pages read',
    source: 'https://octopush.com/en/privacy-policy/',
    confirmed: false,
  },
  ovh: {
    label: 'OVHcloud',
    key: 'ovh',
    name: 'OVH SAS (OVHcloud), Roubaix',
    country: 'FR',
    transferBasis:
      'none stated for SMS: a French processor (OVHcloud Data Processing Agreement); the routes to operators abroad were not read',
    source: 'https://www.ovhcloud.com/en/terms-and-conditions/contracts/',
    confirmed: false,
  },
} as const;
