// The policy facts: what a site owner states about its processing, from which every policy version is rendered.
// Part of the site configuration; validated once at PUT and again before publishing.
import { z } from 'zod';
import { AppError, validationError } from '../errors.ts';

/**
 * Free text a reader sees. Either one string used for every locale (names, addresses) or one string per
 * locale: `{ "fr": "…", "en": "…" }`. A locale missing from the object falls back to the first one given.
 */
export const localizedText = z.union([
  z.string().trim().min(1),
  z
    .record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'Use a locale code such as "fr" or "en".'), z.string().trim().min(1))
    .refine((value) => Object.keys(value).length > 0, 'Give the text in at least one locale.'),
]);
export type LocalizedText = z.infer<typeof localizedText>;

const text = z.string().trim().min(1);
const email = z.email();
const webUrl = z.url({ protocol: /^https?$/ });

export const legalBases = [
  'consent',
  'contract',
  'legal_obligation',
  'vital_interests',
  'public_task',
  'legitimate_interests',
] as const;

export const recipientRoles = ['processor', 'controller', 'joint_controller', 'public_authority'] as const;
export const transferSafeguards = ['adequacy', 'scc', 'bcr', 'certification', 'code_of_conduct', 'derogation'] as const;

const controllerSchema = z.object({
  name: text,
  address: text,
  email,
  phone: text.optional(),
  website: webUrl.optional(),
});

const dpoSchema = z.union([
  z.object({ none: z.literal(true), reason: localizedText }),
  z.object({ name: text.optional(), email }),
]);

const purposeSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'Use a short lower-case id such as "sms-marketing".'),
  description: localizedText,
  legalBasis: z.enum(legalBases),
});

const recipientSchema = z.object({
  name: text,
  role: z.enum(recipientRoles),
  purpose: localizedText,
  country: localizedText,
});

const transferSchema = z.object({
  country: localizedText,
  safeguard: z.enum(transferSafeguards),
  details: localizedText,
});

const defaultProspects = {
  fr: '3 ans après votre dernier contact avec nous',
  en: '3 years after your last contact with us',
};
const defaultProofs = {
  fr: '5 ans après la fin de votre accord',
  en: '5 years after your consent ends',
};
const defaultConsequence = {
  fr: 'vous ne recevrez pas nos SMS, c’est tout',
  en: 'you just won’t get our texts',
};

/** The French regulator; a site outside France sets its own authority. */
export const cnil = { name: 'CNIL', url: 'https://www.cnil.fr/fr/plaintes' } as const;

export const policyFactsSchema = z
  .object({
    controller: controllerSchema,
    dpo: dpoSchema,
    purposes: z.array(purposeSchema).min(1),
    legitimateInterests: localizedText.optional(),
    recipients: z.array(recipientSchema),
    transfers: z.union([z.object({ none: z.literal(true) }), z.array(transferSchema).min(1)]),
    retention: z
      .object({
        prospects: localizedText.default(defaultProspects),
        proofs: localizedText.default(defaultProofs),
      })
      .default({ prospects: defaultProspects, proofs: defaultProofs }),
    rights: z.object({ email, url: webUrl.optional() }),
    supervisoryAuthority: z.object({ name: text, url: webUrl }).default({ ...cnil }),
    numberRequired: z
      .object({ required: z.boolean().default(false), consequence: localizedText.default(defaultConsequence) })
      .default({ required: false, consequence: defaultConsequence }),
    automatedDecisions: z
      .union([z.object({ none: z.literal(true) }), z.object({ description: localizedText })])
      .default({ none: true }),
    program: z.object({
      name: text,
      purpose: localizedText,
      frequency: localizedText,
      helpContact: text,
      shortCode: z.string().regex(/^[0-9A-Za-z+ ]{3,16}$/).optional(),
    }),
  })
  .superRefine((facts, ctx) => {
    // Art. 13(1)(d): the interests must be stated whenever a purpose rests on them.
    const usesInterests = facts.purposes.some((p) => p.legalBasis === 'legitimate_interests');
    if (usesInterests && facts.legitimateInterests === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['legitimateInterests'],
        message: 'Required: a purpose uses the legal basis "legitimate_interests"; say which interests.',
      });
    }
    const ids = facts.purposes.map((p) => p.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['purposes', i, 'id'], message: `Duplicate purpose id "${id}".` });
    });
  });

export type PolicyFacts = z.infer<typeof policyFactsSchema>;
export type PolicyFactsInput = z.input<typeof policyFactsSchema>;

/** Complaint authorities filled in when a site in that country gives none (federal states like DE must say). */
export const supervisoryAuthorities: Record<string, { name: string; url: string }> = {
  FR: { ...cnil },
  BE: { name: 'Autorité de protection des données', url: 'https://www.autoriteprotectiondonnees.be' },
  LU: { name: 'CNPD', url: 'https://cnpd.public.lu' },
  IE: { name: 'Data Protection Commission', url: 'https://www.dataprotection.ie' },
  ES: { name: 'AEPD', url: 'https://www.aepd.es' },
  IT: { name: 'Garante per la protezione dei dati personali', url: 'https://www.garanteprivacy.it' },
  NL: { name: 'Autoriteit Persoonsgegevens', url: 'https://autoriteitpersoonsgegevens.nl' },
};

/**
 * Parses the facts or throws a 422 problem naming each missing or bad item, e.g. `policy.controller.email`.
 * Returns the facts with defaults filled in. `country` (the site's) picks the complaint authority when none
 * is given; the schema alone defaults to the CNIL.
 */
export function assertCompleteFacts(facts: unknown, options: { prefix?: string; country?: string } = {}): PolicyFacts {
  const { prefix = 'policy', country = 'FR' } = options;
  let input = facts;
  if (input !== null && typeof input === 'object' && !Array.isArray(input) && !('supervisoryAuthority' in input)) {
    const authority = supervisoryAuthorities[country.toUpperCase()];
    if (!authority) {
      throw new AppError('validation_failed', 422, `Invalid value for: ${prefix}.supervisoryAuthority.`, {
        errors: [{ path: `${prefix}.supervisoryAuthority`, message: `Required: name the data protection authority for country ${country}.` }],
      });
    }
    input = { ...input, supervisoryAuthority: authority };
  }
  const result = policyFactsSchema.safeParse(input);
  if (!result.success) throw validationError(new z.ZodError(result.error.issues.flatMap(explainUnion)), prefix);
  return result.data;
}

type Issue = z.core.$ZodIssue;

/**
 * A failed union ("a DPO, or why there is none") would only say "invalid input" at the union. Report instead
 * the issues of the branch the owner most plausibly meant: the one with fewest issues, where a wrong type for
 * the whole value counts as far off. Ties go to the first branch, so `{none: true}` asks for `reason`.
 */
function explainUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const distance = (branch: Issue[]) =>
    branch.reduce((sum, i) => sum + (i.path.length === 0 && i.code === 'invalid_type' ? 100 : 1), 0);
  const best = issue.errors.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  return best.flatMap((inner) => explainUnion({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

/** The dev "Demo Shop": a small French e-shop using the console SMS provider. */
export const demoPolicyFacts: PolicyFacts = {
  controller: {
    name: 'Demo Shop SAS',
    address: '10 rue de l’Exemple, 75011 Paris, France',
    email: 'privacy@demo-shop.example',
    phone: '+33 1 23 45 67 89',
    website: 'https://demo-shop.example',
  },
  dpo: {
    none: true,
    reason: {
      fr: 'Nous sommes une petite boutique et la loi ne nous en demande pas.',
      en: 'We are a small shop and the law does not ask us to have one.',
    },
  },
  purposes: [
    {
      id: 'sms-marketing',
      description: { fr: 'vous envoyer nos offres et nos news par SMS', en: 'send you our deals and news by text' },
      legalBasis: 'consent',
    },
    {
      id: 'consent-proof',
      description: { fr: 'garder la preuve de votre accord', en: 'keep proof of your consent' },
      legalBasis: 'legal_obligation',
    },
    {
      id: 'abuse-prevention',
      description: { fr: 'bloquer les faux numéros et les abus', en: 'block fake numbers and abuse' },
      legalBasis: 'legitimate_interests',
    },
  ],
  legitimateInterests: {
    fr: 'garder notre service sûr et ne pas écrire à des gens qui n’ont rien demandé',
    en: 'keep our service safe and not text people who did not ask',
  },
  recipients: [
    {
      name: 'Assent',
      role: 'processor',
      purpose: { fr: 'garde la preuve de votre accord et envoie nos SMS', en: 'keeps proof of your consent and sends our texts' },
      country: 'France',
    },
  ],
  transfers: { none: true },
  retention: { prospects: defaultProspects, proofs: defaultProofs },
  rights: { email: 'privacy@demo-shop.example', url: 'https://demo-shop.example/privacy' },
  supervisoryAuthority: { ...cnil },
  numberRequired: { required: false, consequence: defaultConsequence },
  automatedDecisions: { none: true },
  program: {
    name: 'Demo Shop SMS',
    purpose: { fr: 'nos offres et nos news', en: 'our deals and news' },
    frequency: { fr: '4 SMS par mois au plus', en: 'up to 4 texts a month' },
    helpContact: 'help@demo-shop.example',
  },
};
