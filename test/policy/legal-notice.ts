// What every published policy of a French site must state (issue: texts a French DPO would sign): concrete periods
// for the number, the proof and the opt-out list; everything a receipt records; every right in its legal terms,
// with post-mortem directives and the two-month extension; the authority in full; the processor's legal name.
import { expect } from 'vitest';

const NEEDED: Record<'fr' | 'en', [string, RegExp][]> = {
  fr: [
    ['the number’s ceiling', /au plus tard trois ans après votre dernier contact avec nous/],
    [
      'the proof’s period',
      /La preuve de votre accord\u00a0: [^.]*\d+ (?:jours|mois|ans)|La preuve de votre accord\u00a0: (?:cinq|trois|deux|un) ans/,
    ],
    [
      'the opt-out list and its fingerprint',
      /La liste d’opposition\u00a0: [^\n]*empreinte de votre numéro, calculée avec une clé secrète[^\n]*Nous la gardons /,
    ],
    ['the IP prefix', /le début de votre adresse IP/],
    ['the browser family', /la famille de votre navigateur/],
    ['the page address', /l’adresse de la page où vous avez dit oui/],
    ['access', /droit d’accès, article 15/],
    ['rectification', /droit de rectification, article 16/],
    ['erasure', /droit à l’effacement, article 17/],
    ['restriction', /droit à la limitation, article 18/],
    ['portability', /droit à la portabilité, article 20/],
    ['objection to marketing', /droit d’opposition, article 21/],
    ['automated decisions', /article 22/],
    ['post-mortem directives', /après votre décès \(article 85 de la loi Informatique et Libertés\)/],
    ['the one-month answer', /dans un délai d’un mois/],
    ['its two-month extension', /prolonger ce délai de deux mois/],
    [
      'the CNIL in full',
      /Commission nationale de l’informatique et des libertés \(CNIL\), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07/,
    ],
    ['the controller’s role', /«\u00a0responsable du traitement\u00a0»/],
    ['the processor’s role', /«\u00a0sous-traitant\u00a0»/],
    ['the EEA by name', /Espace économique européen/],
  ],
  en: [
    ['the number’s ceiling', /at the latest three years after your last contact with us/],
    ['the proof’s period', /Proof of your consent: [^\n]*(?:\d+|five|three|two|one) (?:days|months|years)/],
    [
      'the opt-out list and its fingerprint',
      /The opt-out list: [^\n]*fingerprint of your number[^\n]*secret key[^\n]*We keep it /,
    ],
    ['the IP prefix', /the start of your IP address/],
    ['the browser family', /your browser's family/],
    ['the page address', /the address of the page where you said yes/],
    ['access', /right of access, GDPR Article 15/],
    ['rectification', /right to rectification, Article 16/],
    ['erasure', /right to erasure, Article 17/],
    ['restriction', /right to restriction, Article 18/],
    ['portability', /right to data portability, Article 20/],
    ['objection to marketing', /right to object, Article 21/],
    ['automated decisions', /Article 22/],
    ['post-mortem directives', /after your death \(French loi Informatique et Libertés, article 85\)/],
    ['the one-month answer', /within one month/],
    ['its two-month extension', /extend this by two months/],
    [
      'the CNIL in full',
      /Commission nationale de l’informatique et des libertés \(CNIL\), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07/,
    ],
    ['the controller’s role', /the "controller"/],
    ['the processor’s role', /our "processor"/],
    ['the EEA by name', /European Economic Area/],
  ],
};

/** Fails naming each statement a French site's policy in `locale` is missing. */
export function expectCompleteNotice(markdown: string, locale: 'fr' | 'en', where: string): void {
  const missing = NEEDED[locale].filter(([, pattern]) => !pattern.test(markdown)).map(([what]) => what);
  expect(missing, `${where} (${locale}) does not state`).toEqual([]);
  expect(markdown, where).not.toMatch(/frais de messages|data rates|as long as we need|le temps de pouvoir/i);
}
