// Labels for the generated policy form: a fact's key made readable (French for the keys we know), and the
// GDPR Art. 13 items of the checklist. Only labels live here; the fields come from the schema.
const FR: Record<string, string> = {
  controller: 'Responsable du traitement',
  name: 'Nom',
  address: 'Adresse',
  email: 'E-mail',
  phone: 'Téléphone',
  website: 'Site web',
  dpo: 'Délégué à la protection des données (DPO)',
  none: 'Aucun',
  reason: 'Pourquoi',
  purposes: 'Finalités',
  id: 'Identifiant',
  description: 'Description',
  legalBasis: 'Base légale',
  legitimateInterests: 'Intérêts légitimes',
  recipients: 'Destinataires',
  role: 'Rôle',
  purpose: 'Finalité',
  country: 'Pays',
  transfers: 'Transferts hors de l’EEE',
  safeguard: 'Garantie',
  details: 'Détails',
  retention: 'Durées de conservation',
  prospects: 'Numéros des abonnés',
  proofs: 'Preuves du consentement',
  optOut: 'Liste d’opposition (empreintes des numéros)',
  rights: 'Exercer ses droits',
  url: 'Adresse web',
  supervisoryAuthority: 'Autorité de contrôle',
  numberRequired: 'Le numéro est-il obligatoire\u202f?',
  required: 'Obligatoire',
  consequence: 'Conséquence d’un refus',
  automatedDecisions: 'Décisions automatisées',
  // The choices of the lists: legal bases (GDPR art. 6(1)), recipients' roles (art. 4(7)-(9), 26 and 28), transfer
  // safeguards (art. 45, 46(2)(c), 47, 46(2)(e)-(f), 49), in the words of the French text of Regulation (EU) 2016/679.
  consent: 'Consentement',
  contract: 'Exécution d’un contrat',
  legal_obligation: 'Obligation légale',
  vital_interests: 'Intérêts vitaux',
  public_task: 'Mission d’intérêt public',
  legitimate_interests: 'Intérêts légitimes',
  processor: 'Sous-traitant',
  joint_controller: 'Responsable conjoint du traitement',
  public_authority: 'Autorité publique',
  adequacy: 'Décision d’adéquation',
  scc: 'Clauses contractuelles types',
  bcr: 'Règles d’entreprise contraignantes',
  certification: 'Certification',
  code_of_conduct: 'Code de conduite',
  derogation: 'Dérogation (article 49)',
};
const EN: Record<string, string> = {
  dpo: 'Data protection officer (DPO)',
  transfers: 'Transfers outside the EEA',
  prospects: 'Subscribers’ numbers',
  proofs: 'Proofs of consent',
  optOut: 'Opt-out list (fingerprints of numbers)',
  numberRequired: 'Is the number required?',
  consequence: 'What happens without it',
  contract: 'Performance of a contract',
  vital_interests: 'Vital interests',
  public_task: 'Public task',
  joint_controller: 'Joint controller',
  adequacy: 'Adequacy decision',
  scc: 'Standard contractual clauses',
  bcr: 'Binding corporate rules',
  code_of_conduct: 'Code of conduct',
  derogation: 'Derogation (Article 49)',
};

export function labelOf(key: string, lang: string): string {
  const known = (lang === 'fr' ? FR : EN)[key];
  if (known) return known;
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const ART13: Record<string, { en: string; fr: string; fact: string }> = {
  'art13-1a': {
    en: 'Who is responsible, and how to reach them',
    fr: 'Qui est responsable et comment le joindre',
    fact: 'controller',
  },
  'art13-1b': { en: 'Data protection officer', fr: 'Délégué à la protection des données', fact: 'dpo' },
  'art13-1c': { en: 'Purposes and legal basis', fr: 'Finalités et base légale', fact: 'purposes' },
  'art13-1d': { en: 'Legitimate interests', fr: 'Intérêts légitimes', fact: 'legitimateInterests' },
  'art13-1e': { en: 'Recipients', fr: 'Destinataires', fact: 'recipients' },
  'art13-1f': { en: 'Transfers outside the EEA', fr: 'Transferts hors de l’EEE', fact: 'transfers' },
  'art13-2a': { en: 'How long data is kept', fr: 'Durée de conservation', fact: 'retention' },
  'art13-2b': {
    en: 'Rights of access, erasure, objection…',
    fr: 'Droits d’accès, d’effacement, d’opposition…',
    fact: 'rights',
  },
  'art13-2c': { en: 'Withdrawing consent at any time', fr: 'Retirer son accord à tout moment', fact: 'purposes' },
  'art13-2d': {
    en: 'Complaint to a supervisory authority',
    fr: 'Réclamation auprès d’une autorité de contrôle',
    fact: 'supervisoryAuthority',
  },
  'art13-2e': {
    en: 'Whether giving the number is required',
    fr: 'Si donner son numéro est obligatoire',
    fact: 'numberRequired',
  },
  'art13-2f': { en: 'Automated decisions', fr: 'Décisions automatisées', fact: 'automatedDecisions' },
};
