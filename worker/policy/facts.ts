// The policy facts: what a site owner states about its processing, from which every policy version is rendered.
// Part of the site configuration (`policy`, strict), checked again before publishing. Nothing here is invented: a
// fact is either declared by the owner or a legal constant with its source (see LEGAL_DEFAULTS).
import { z } from 'zod';
import { AppError, zodFieldErrors, type FieldError } from '../errors.ts';
import { placeholderErrors } from './placeholders.ts';
import { retentionErrors } from './retention-periods.ts';
import { providerFactErrors, type ProviderFact } from './provider-facts.ts';
import { LEGAL_BASES } from '../verify/receipt-shape.ts';

const localeKey = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'Use a locale code such as "fr" or "en".');
const text = (max: number) => z.string().trim().min(1, 'Required: give the text.').max(max);

/**
 * Free text a reader sees. Either one string used for every locale (names, addresses) or one string per
 * locale: `{ "fr": "…", "en": "…" }`. A locale missing from the object falls back to the first one given.
 */
export const localizedText = z.union([
  text(1000),
  z
    .record(localeKey, text(1000))
    .refine((value) => Object.keys(value).length > 0, 'Give the text in at least one locale.')
    .refine((value) => Object.keys(value).length <= 20, 'At most 20 locales.'),
]);
export type LocalizedText = z.infer<typeof localizedText>;

const email = z.email().max(254);
const webUrl = z.url({ protocol: /^https?$/ }).max(500);

// One list with the receipt's format, which the standalone verifier checks.
export const legalBases = LEGAL_BASES;

export const recipientRoles = ['processor', 'controller', 'joint_controller', 'public_authority'] as const;
export const transferSafeguards = ['adequacy', 'scc', 'bcr', 'certification', 'code_of_conduct', 'derogation'] as const;

const controllerSchema = z.strictObject({
  name: text(200),
  address: text(300),
  email,
  phone: text(40).optional(),
  website: webUrl.optional(),
});

const dpoSchema = z.union([
  z.strictObject({ none: z.literal(true), reason: localizedText }),
  z.strictObject({ name: text(200).optional(), email }),
]);

const purposeSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'Use a short lower-case id such as "sms-marketing".'),
  description: localizedText,
  legalBasis: z.enum(legalBases),
  /**
   * The existing-customer exception (article L34-5 of the French CPCE): texts about the site's own products or
   * services similar to those a customer bought, without prior consent, provided the customer was told and offered a
   * free opt-out when the number was collected. The CNIL rests it on legitimate interests and refuses it where no
   * sale took place (an account alone is not enough): https://www.cnil.fr/fr/la-prospection-commerciale-par-sms-mms.
   * At most one purpose declares it; it is the only purpose an `existing_customer` record allows.
   */
  existingCustomer: z.literal(true).optional(),
});

const recipientSchema = z.strictObject({
  name: text(200),
  role: z.enum(recipientRoles),
  purpose: localizedText,
  country: localizedText,
});

const transferSchema = z.strictObject({
  country: localizedText,
  safeguard: z.enum(transferSafeguards),
  details: localizedText,
});

/**
 * The French regulator, named in full with its postal address; a site outside France sets its own authority.
 * Source: https://www.cnil.fr/fr/plaintes (complaints online); postal address as the CNIL gives it for letters.
 */
export const cnil = {
  name: 'Commission nationale de l’informatique et des libertés (CNIL)',
  address: '3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France',
  url: 'https://www.cnil.fr/fr/plaintes',
} as const;

/**
 * The only facts filled in when the owner gives none, each fixed by law or by the regulator's reference rather
 * than chosen by us:
 * - `retention.proofs`: GDPR Art. 7(1) requires the controller to be able to show consent was given, for as long as
 *   a claim about it can be brought: in France the general limitation period, five years (Code civil, art. 2224).
 *   The CNIL lets proof of consent be archived for that period. A fixed period, never "as long as needed". The owner
 *   may state another period. Sources: https://www.cnil.fr/fr/la-prospection-commerciale-par-sms-mms; Code civil,
 *   art. 2224 (Légifrance).
 * - `retention.optOut`: the opt-out list holds a keyed fingerprint (HMAC) of the number, never the number, so that a
 *   STOP keeps holding; the CNIL asks that an objection be kept at least three years. We keep it as long as the site
 *   sends SMS marketing, which is the service's behaviour (worker/domain/subscribers/retention.ts keeps the suppression row).
 * - `numberRequired`: consent must be freely given (Art. 4(11), 7(4)), so an SMS sign-up never requires the number;
 *   the only consequence of not giving it is not getting the texts.
 * - `supervisoryAuthority`: the authority of the site's country (Art. 77), from `supervisoryAuthorities` below.
 */
export const LEGAL_DEFAULTS = {
  proofs: {
    fr: 'cinq ans après la fin de votre inscription (le délai de prescription de droit commun, article 2224 du Code civil)',
    en: 'five years after your subscription ends (the general limitation period in France, article 2224 of the Civil Code)',
  },
  optOut: {
    fr: 'tant que nous envoyons des SMS de prospection, pour que votre STOP reste appliqué',
    en: 'for as long as we send marketing texts, so that your STOP keeps holding',
  },
  numberRequired: {
    required: false,
    consequence: {
      fr: 'vous ne recevrez pas nos SMS, sans autre conséquence',
      en: 'you will not get our texts, and nothing else changes',
    },
  },
} as const;

/** What the site owner declares under `policy` in the site configuration (the program block comes from `program`). */
const ownerShape = {
  controller: controllerSchema,
  dpo: dpoSchema,
  purposes: z.array(purposeSchema).min(1).max(20),
  legitimateInterests: localizedText.optional(),
  recipients: z.array(recipientSchema).max(50),
  transfers: z.union([z.strictObject({ none: z.literal(true) }), z.array(transferSchema).min(1).max(50)]),
  retention: z.strictObject({
    prospects: localizedText,
    proofs: localizedText.optional(),
    optOut: localizedText.optional(),
  }),
  rights: z.strictObject({ email, url: webUrl.optional() }),
  supervisoryAuthority: z.strictObject({ name: text(200), address: text(300).optional(), url: webUrl }).optional(),
  numberRequired: z.strictObject({ required: z.boolean(), consequence: localizedText }).optional(),
  automatedDecisions: z.union([
    z.strictObject({ none: z.literal(true) }),
    z.strictObject({ description: localizedText }),
  ]),
};

const programFactsSchema = z.strictObject({
  name: text(60),
  purpose: localizedText,
  frequency: localizedText,
  helpContact: text(200),
  shortCode: z
    .string()
    .regex(/^[0-9A-Za-z+ ]{3,16}$/)
    .optional(),
});

type Checked = {
  purposes: { id: string; legalBasis: string; existingCustomer?: true | undefined }[];
  legitimateInterests?: unknown;
};
function crossChecks(facts: Checked, ctx: z.RefinementCtx) {
  // Art. 13(1)(d): the interests must be stated whenever a purpose rests on them.
  const usesInterests = facts.purposes.some((p) => p.legalBasis === 'legitimate_interests');
  if (usesInterests && facts.legitimateInterests === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['legitimateInterests'],
      message: 'Required: a purpose uses the legal basis "legitimate_interests"; say which interests.',
    });
  }
  let existingCustomer = 0;
  facts.purposes.forEach((p, i) => {
    if (!p.existingCustomer) return;
    if (existingCustomer++ > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['purposes', i, 'existingCustomer'],
        message: 'Only one purpose may be the existing-customer exception.',
      });
    // The exception waives prior consent (article L34-5 CPCE); its GDPR basis is then legitimate interests (CNIL).
    if (p.legalBasis !== 'legitimate_interests')
      ctx.addIssue({
        code: 'custom',
        path: ['purposes', i, 'legalBasis'],
        message: 'The existing-customer exception rests on "legitimate_interests".',
      });
  });
  const ids = facts.purposes.map((p) => p.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      ctx.addIssue({ code: 'custom', path: ['purposes', i, 'id'], message: `Duplicate purpose id "${id}".` });
  });
}

/** The site configuration's `policy`: strict, every fact the owner must declare. */
export const ownerFactsSchema = z.strictObject(ownerShape).superRefine(crossChecks);
/** Everything a policy is rendered from: the owner's facts plus the program, said once in `program`. */
export const policyFactsSchema = z
  .strictObject({ ...ownerShape, program: programFactsSchema })
  .superRefine(crossChecks);

export type DeclaredFacts = z.infer<typeof policyFactsSchema>;
/** Facts ready to render: the declared ones with the legal defaults filled in. */
export type PolicyFacts = Omit<DeclaredFacts, 'retention' | 'supervisoryAuthority' | 'numberRequired'> & {
  retention: { prospects: LocalizedText; proofs: LocalizedText; optOut: LocalizedText };
  supervisoryAuthority: { name: string; address?: string; url: string };
  numberRequired: { required: boolean; consequence: LocalizedText };
};
export type PolicyFactsInput = z.input<typeof policyFactsSchema>;

/**
 * Complaint authorities filled in when a site in that country gives none (federal states like DE must say), each
 * named in full with its postal address as it publishes it. The EDPB lists every member authority with its contact
 * details: https://www.edpb.europa.eu/about-edpb/about-edpb/members_en
 */
export const supervisoryAuthorities: Record<string, { name: string; address: string; url: string }> = {
  FR: { ...cnil },
  BE: {
    name: 'Autorité de protection des données (APD)',
    address: 'Rue de la Presse 35, 1000 Bruxelles, Belgique',
    url: 'https://www.autoriteprotectiondonnees.be',
  },
  LU: {
    name: 'Commission nationale pour la protection des données (CNPD)',
    address: '15, Boulevard du Jazz, L-4370 Belvaux, Luxembourg',
    url: 'https://cnpd.public.lu',
  },
  IE: {
    name: 'Data Protection Commission (DPC)',
    address: '21 Fitzwilliam Square South, Dublin 2, D02 RD28, Ireland',
    url: 'https://www.dataprotection.ie',
  },
  ES: {
    name: 'Agencia Española de Protección de Datos (AEPD)',
    address: 'C/ Jorge Juan, 6, 28001 Madrid, España',
    url: 'https://www.aepd.es',
  },
  IT: {
    name: 'Garante per la protezione dei dati personali',
    address: 'Piazza Venezia 11, 00187 Roma, Italia',
    url: 'https://www.garanteprivacy.it',
  },
  NL: {
    name: 'Autoriteit Persoonsgegevens (AP)',
    address: 'Postbus 93374, 2509 AJ Den Haag, Nederland',
    url: 'https://autoriteitpersoonsgegevens.nl',
  },
};

/**
 * Every problem with a set of facts, as field errors under `prefix`: schema issues, text that looks like a
 * placeholder anywhere, a missing complaint authority where the country has no default, and recipients or
 * transfers that contradict the SMS provider in use. Empty when the facts can be published.
 */
export function factErrors(
  facts: unknown,
  options: { prefix?: string; country?: string; provider?: ProviderFact | null; schema?: z.ZodType } = {},
): FieldError[] {
  const { prefix = 'policy', country = 'FR', provider = null, schema = policyFactsSchema } = options;
  const result = schema.safeParse(facts);
  const errors = result.success
    ? []
    : zodFieldErrors(new z.ZodError(result.error.issues.flatMap(explainIssue)), prefix);
  // A placeholder is worth naming only where the schema found nothing wrong (an empty text is already "Required").
  const flagged = new Set(errors.map((e) => e.path));
  errors.push(...placeholderErrors(facts, prefix).filter((e) => !flagged.has(e.path)));
  const isObject = facts !== null && typeof facts === 'object' && !Array.isArray(facts);
  if (isObject && !('supervisoryAuthority' in facts) && !supervisoryAuthorities[country.toUpperCase()]) {
    errors.push({
      path: `${prefix}.supervisoryAuthority`,
      message: `Required: name the data protection authority for country ${country}.`,
    });
  }
  errors.push(...providerFactErrors(facts, provider, prefix));
  if (isObject) errors.push(...retentionErrors((facts as { retention?: unknown }).retention, `${prefix}.retention`));
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(`${e.path}\n${e.message}`) && seen.add(`${e.path}\n${e.message}`));
}

/** A 422 listing every field error at once. */
export function factsRefusal(errors: FieldError[]): AppError {
  const fields = [...new Set(errors.map((e) => e.path))].join(', ');
  return new AppError('validation_failed', 422, `Invalid value for: ${fields}.`, { errors });
}

/**
 * Parses the facts or throws a 422 problem naming each missing, bad or placeholder item, e.g.
 * `policy.controller.email`. Returns the facts with the legal defaults filled in; `country` (the site's) picks the
 * complaint authority when none is given.
 */
export function assertCompleteFacts(
  facts: unknown,
  options: { prefix?: string; country?: string; provider?: ProviderFact | null } = {},
): PolicyFacts {
  const errors = factErrors(facts, options);
  if (errors.length > 0) throw factsRefusal(errors);
  const parsed = policyFactsSchema.parse(facts);
  // Interests stated while no purpose rests on them would put in the policy a basis nothing uses: left out, so it says
  // the site uses none (Art. 13(1)(d) asks for them only where a purpose rests on Art. 6(1)(f)).
  const { legitimateInterests: _unused, ...rest } = parsed;
  const declared = parsed.purposes.some((p) => p.legalBasis === 'legitimate_interests') ? parsed : rest;
  return {
    ...declared,
    retention: {
      prospects: declared.retention.prospects,
      proofs: declared.retention.proofs ?? LEGAL_DEFAULTS.proofs,
      optOut: declared.retention.optOut ?? LEGAL_DEFAULTS.optOut,
    },
    supervisoryAuthority:
      declared.supervisoryAuthority ?? supervisoryAuthorities[(options.country ?? 'FR').toUpperCase()]!,
    numberRequired:
      declared.numberRequired ?? (structuredClone(LEGAL_DEFAULTS.numberRequired) as PolicyFacts['numberRequired']),
  };
}

type Issue = z.core.$ZodIssue;

/**
 * A failed union ("a DPO, or why there is none") would only say "invalid input" at the union. Report instead
 * the issues of the branch the owner most plausibly meant: the one with fewest issues, where a wrong type for
 * the whole value counts as far off. Ties go to the first branch, so `{none: true}` asks for `reason`. (An unknown
 * key is named by its own path in zodFieldErrors, for every schema.)
 */
export function explainIssue(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const distance = (branch: Issue[]) =>
    branch.reduce((sum, i) => sum + (i.path.length === 0 && i.code === 'invalid_type' ? 100 : 1), 0);
  const best = issue.errors.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  return best.flatMap((inner) => explainIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}
