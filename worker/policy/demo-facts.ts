// The policy facts of the dev "Demo Shop" (worker/domain/dev/demo-site.ts), and the fixture the policy tests render.
import { cnil, LEGAL_DEFAULTS, type PolicyFacts } from './facts.ts';

/** The dev "Demo Shop": a small French e-shop using the console SMS provider. */
export const demoPolicyFacts: PolicyFacts = {
  controller: {
    name: 'Demo Shop SAS',
    address: '12 rue Oberkampf, 75011 Paris, France',
    email: 'privacy@demo-shop.fr',
    phone: '+33 1 84 60 12 34',
    website: 'https://www.demo-shop.fr',
  },
  dpo: {
    none: true,
    reason: {
      fr: 'La loi ne nous en impose pas : nos activités de base ne consistent ni à suivre des personnes de façon régulière et systématique à grande échelle, ni à traiter à grande échelle des données sensibles (article 37 du RGPD).',
      en: 'The law does not require one: our core activities are neither the regular and systematic monitoring of people on a large scale nor the large-scale processing of sensitive data (GDPR Article 37).',
    },
  },
  purposes: [
    {
      id: 'sms-marketing',
      description: {
        fr: 'vous envoyer nos offres et nos nouveautés par SMS',
        en: 'send you our offers and news by text message',
      },
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
    fr: 'protéger notre service contre les faux numéros et les abus, et ne pas écrire à des personnes qui n’ont rien demandé',
    en: 'protect our service from fake numbers and abuse, and not text people who did not ask',
  },
  recipients: [
    {
      name: 'Assent',
      role: 'processor',
      purpose: {
        fr: 'garde la preuve de votre accord et envoie nos SMS',
        en: 'keeps proof of your consent and sends our texts',
      },
      country: 'France',
    },
  ],
  transfers: { none: true },
  retention: {
    prospects: {
      fr: 'jusqu’à votre STOP, puis 30 jours ; si vous ne confirmez pas, 30 jours après la fin de votre demande',
      en: 'until you reply STOP, then 30 days; if you never confirm, 30 days after your request ends',
    },
    proofs: LEGAL_DEFAULTS.proofs,
    optOut: LEGAL_DEFAULTS.optOut,
  },
  rights: { email: 'privacy@demo-shop.fr', url: 'https://www.demo-shop.fr/vie-privee' },
  supervisoryAuthority: { ...cnil },
  numberRequired: structuredClone(LEGAL_DEFAULTS.numberRequired) as PolicyFacts['numberRequired'],
  automatedDecisions: { none: true },
  program: {
    name: 'Demo Shop SMS',
    purpose: { fr: 'nos offres et nos nouveautés', en: 'our offers and news' },
    frequency: { fr: '4 SMS par mois au plus', en: 'up to 4 texts a month' },
    helpContact: 'support@demo-shop.fr',
  },
};
