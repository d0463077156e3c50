// Problems in French for a French reader (the console's forms, the hosted page, an API client asking with
// Accept-Language): the title by status, the detail by code, and each field's message — zod's English messages and
// our own rules' — as a French reader would write them (no-break spaces before : ; ! ?, one apostrophe, « »).
// The code, the type URI and the paths stay as they are: programs read those, people read the words.
import type { FieldError, Problem } from '../errors.ts';

const NBSP = '\u00a0';
const NNBSP = '\u202f';
/** « text » with no-break spaces inside (Imprimerie nationale, Lexique des règles typographiques). */
const quote = (text: string) => `«${NBSP}${text}${NBSP}»`;

const TITLES: Record<number, string> = {
  400: 'Requête incorrecte',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Introuvable',
  405: 'Méthode non autorisée',
  409: 'Conflit',
  410: 'N’existe plus',
  413: 'Contenu trop volumineux',
  415: 'Type de contenu non pris en charge',
  421: 'Requête mal dirigée',
  422: 'Contenu invalide',
  429: 'Trop de requêtes',
  500: 'Erreur interne du serveur',
  503: 'Service indisponible',
};

/** The detail by problem code; a code not listed keeps a French sentence chosen by status. */
const DETAILS: Record<string, string> = {
  validation_failed: `Certains champs sont invalides${NBSP}: voyez chacun ci-dessous.`,
  malformed_json: 'Le corps de la requête n’est pas du JSON valide.',
  malformed_form: 'Le formulaire n’a pas pu être lu.',
  json_too_deep: 'Le JSON est imbriqué trop profondément.',
  body_too_large: 'Le corps de la requête est trop volumineux.',
  unsupported_media_type: 'Envoyez un corps JSON avec Content-Type: application/json.',
  unauthorized: 'Une clé valide est requise.',
  forbidden: 'Vous n’avez pas le droit de faire cela.',
  csrf_refused: 'Le formulaire a expiré ou n’a pas été envoyé depuis la console. Rechargez la page et réessayez.',
  cross_site_form: 'Ce formulaire ne peut être envoyé que depuis sa propre page.',
  no_site_yet: `Il n’y a encore aucun site${NBSP}: créez-en un d’abord.`,
  not_found: 'Rien à cette adresse.',
  conflict: 'Une autre modification est passée en même temps. Réessayez.',
  site_exists: 'Un site porte déjà cet identifiant.',
  rate_limited: 'Trop de tentatives. Réessayez dans quelques instants.',
  origin_not_allowed: 'Cette origine n’est pas autorisée pour ce site.',
  country_not_allowed: 'Ce site n’accepte pas les numéros de ce pays.',
  challenge_required: 'Terminez la vérification pour continuer.',
  no_policy: 'Ce site n’a pas encore publié de politique de confidentialité.',
  policy_incomplete: 'La politique ne répond pas encore à tout ce que l’article 13 du RGPD demande.',
  policy_refused: 'La politique ne peut pas être publiée en l’état.',
  storage_unavailable: 'Le stockage est indisponible pour l’instant. Rien n’a été modifié. Réessayez bientôt.',
  internal: 'Une erreur est survenue de notre côté.',
};

const BY_STATUS: Record<number, string> = {
  400: 'La requête n’a pas pu être lue.',
  401: DETAILS.unauthorized!,
  403: DETAILS.forbidden!,
  404: DETAILS.not_found!,
  409: DETAILS.conflict!,
  422: DETAILS.validation_failed!,
  429: DETAILS.rate_limited!,
  503: DETAILS.storage_unavailable!,
};

const TYPES: Record<string, string> = {
  string: 'du texte',
  number: 'un nombre',
  int: 'un nombre entier',
  boolean: 'oui ou non',
  array: 'une liste',
  object: 'un objet',
  null: 'rien',
};
const typeFr = (t: string) => TYPES[t] ?? t;
const unitFr = (unit: string, n: number) =>
  unit === 'characters' || unit === 'character'
    ? `${n}${NBSP}caractère${n > 1 ? 's' : ''}`
    : unit === 'items' || unit === 'item'
      ? `${n}${NBSP}élément${n > 1 ? 's' : ''}`
      : `${n}`;
const list = (raw: string) =>
  raw
    .split('|')
    .map((v) => quote(v.replace(/^"|"$/g, '')))
    .join(', ');

/** What policy/placeholders.ts says a placeholder looks like. */
const PLACEHOLDERS: Record<string, string> = {
  'an empty text': 'un texte vide',
  'an ellipsis': 'des points de suspension',
  'a to-do marker': `une marque ${quote('à faire')}`,
  'lorem ipsum': 'du faux texte (lorem ipsum)',
  'an example name': 'un nom d’exemple',
  'a reserved domain': 'un domaine réservé aux essais',
  'a template slot': 'un emplacement de modèle',
};

/** English message → French, first match wins; each pattern is anchored and linear (messages are short, bounded). */
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  // zod 4's English messages (zod/v4/locales/en).
  [/^Invalid input: expected (\w+), received undefined$/, () => 'Obligatoire.'],
  [
    /^Invalid input: expected (\w+), received (\w+)$/,
    (m) => `Attendu${NBSP}: ${typeFr(m[1]!)} (reçu${NBSP}: ${typeFr(m[2]!)}).`,
  ],
  [/^Invalid input: expected (.{1,80})$/, (m) => `Valeur attendue${NBSP}: ${m[1]}.`],
  [/^Invalid option: expected one of (.{1,400})$/, (m) => `Choisissez parmi${NBSP}: ${list(m[1]!)}.`],
  [/^Invalid input$/, () => 'Valeur invalide.'],
  [/^Too small: expected (?:string|array|set) to have >=?1 (?:characters|items)$/, () => 'Obligatoire.'],
  [/^Too small: expected \w+ to have >=?(\d+) (\w+)$/, (m) => `Au moins ${unitFr(m[2]!, Number(m[1]))}.`],
  [/^Too big: expected \w+ to have <=?(\d+) (\w+)$/, (m) => `Au plus ${unitFr(m[2]!, Number(m[1]))}.`],
  [/^Too small: expected number to be >=(-?[\d.]+)$/, (m) => `Au moins ${m[1]}.`],
  [/^Too small: expected number to be >(-?[\d.]+)$/, (m) => `Plus de ${m[1]}.`],
  [/^Too big: expected number to be <=(-?[\d.]+)$/, (m) => `Au plus ${m[1]}.`],
  [/^Too big: expected number to be <(-?[\d.]+)$/, (m) => `Moins de ${m[1]}.`],
  [/^Invalid email address$/, () => 'Adresse e-mail invalide.'],
  [/^Invalid URL$/, () => 'Adresse web invalide.'],
  [/^Invalid string: must match pattern .{1,200}$/, () => 'Format invalide.'],
  [/^Invalid string: must start with "(.{1,40})"$/, (m) => `Doit commencer par ${quote(m[1]!)}.`],
  [/^Invalid (?:ISO )?(?:datetime|date|time)$/, () => 'Date ou heure invalide.'],
  [/^Unrecognized keys?: (.{1,400})$/, (m) => `Champ inconnu${NBSP}: ${list(m[1]!.replace(/", "/g, '|'))}.`],
  // Our own rules' messages.
  [
    /^Unknown key: remove it or check its spelling\.$/,
    () => `Champ inconnu${NBSP}: retirez-le ou vérifiez son orthographe.`,
  ],
  [
    /^Unknown query parameter: remove it or check its spelling\.$/,
    () => `Paramètre inconnu${NBSP}: retirez-le ou vérifiez son orthographe.`,
  ],
  [
    /^A phone number never goes in a URL: send it in the body of POST (\S{1,120})\.$/,
    (m) => `Un numéro de téléphone ne va jamais dans une adresse${NBSP}: envoyez-le dans le corps de POST ${m[1]}.`,
  ],
  [
    /^Not a purpose of the published policy \(version (\d+)\): use one of (.{1,900})\.$/,
    (m) => `Finalité absente de la politique publiée (version ${m[1]})${NBSP}: choisissez parmi ${m[2]}.`,
  ],
  [
    /^No policy is published yet, so no purpose is declared\.$/,
    () => `Aucune politique n’est encore publiée${NBSP}: aucune finalité n’est donc déclarée.`,
  ],
  [
    /^Unknown country code: use an ISO 3166 alpha-2 code such as "(\w{2})"\.$/,
    (m) => `Code de pays inconnu${NBSP}: utilisez un code ISO 3166 alpha-2, par exemple ${quote(m[1]!)}.`,
  ],
  [/^Required: (.{1,300})$/, (m) => `Obligatoire${NBSP}: ${frenchMessage(m[1]!)}`],
  [/^Missing text for locale "(\w+)"\.$/, (m) => `Il manque le texte en ${quote(m[1]!)}.`],
  [
    /^Missing the "(\w+)" text: .{1,200}$/,
    (m) =>
      `Il manque le texte ${quote(m[1]!)}${NBSP}: écrivez-le dans cette langue, sinon les lecteurs de cette version lisent une autre langue.`,
  ],
  [/^Duplicate purpose id "(.{1,80})"\.$/, (m) => `Identifiant de finalité en double${NBSP}: ${quote(m[1]!)}.`],
  [/^Must be one of: (.{1,300})\.$/, (m) => `Choisissez parmi${NBSP}: ${m[1]}.`],
  [/^Must be 64 lowercase hex digits\.$/, () => '64 chiffres hexadécimaux en minuscules.'],
  [
    /^This looks like a placeholder \((.{1,80})\): state the real fact\.$/,
    (m) => `Cela ressemble à un texte à remplacer (${PLACEHOLDERS[m[1]!] ?? m[1]})${NBSP}: indiquez le vrai fait.`,
  ],
  [
    /^State a period with its unit .{1,80}$/,
    () => `Indiquez une durée avec son unité (par exemple ${quote('30 jours')}, ${quote('5 ans')}).`,
  ],
  [
    /^“(.{1,80})” is a circular criterion: .{1,200}$/,
    (m) =>
      `${quote(m[1]!)} est un critère circulaire${NBSP}: indiquez une durée (par exemple ${quote('3 ans')}) ou l’événement qui y met fin.`,
  ],
  [
    /^The SMS provider in use \((.{1,80})\) receives every number: .{1,120}$/,
    (m) =>
      `Le prestataire SMS utilisé (${m[1]}) reçoit chaque numéro${NBSP}: ajoutez-le aux destinataires, avec le rôle ${quote('Sous-traitant')}.`,
  ],
  [
    /^name the data protection authority for country (\w{2})\.$/,
    (m) => `nommez l’autorité de protection des données du pays ${m[1]}.`,
  ],
  [
    /^a purpose uses the legal basis "legitimate_interests"; say which interests\.$/,
    () => `une finalité repose sur l’intérêt légitime${NNBSP}; dites lequel.`,
  ],
  [/^No section covers (.{1,40})\.$/, (m) => `Aucune section ne couvre ${m[1]}.`],
  [
    /^Reading ease (\d+) is below (\d+)\..{0,2000}$/s,
    (m) =>
      `Facilité de lecture ${m[1]}, sous le minimum de ${m[2]}${NBSP}: raccourcissez les phrases les plus longues.`,
  ],
  [/^defaultLocale must be one of locales\.$/, () => 'La langue par défaut doit être l’une des langues proposées.'],
  [
    /^Only the platform admin may set or change this\.$/,
    () => 'Seul l’administrateur de la plateforme peut le régler.',
  ],
  [
    /^Only one purpose may be the existing-customer exception\.$/,
    () => `Une seule finalité peut relever de l’exception ${quote('client existant')}.`,
  ],
  [
    /^The existing-customer exception rests on "legitimate_interests"\.$/,
    () => `L’exception ${quote('client existant')} repose sur l’intérêt légitime.`,
  ],
  [
    /^No marketing SMS on Sundays in France .{1,120}$/,
    () =>
      `Pas de SMS de prospection le dimanche en France (code de déontologie de l’AF2M${NBSP}: jours ouvrables seulement).`,
  ],
  [
    /^No marketing SMS on French public holidays .{1,120}$/,
    () =>
      `Pas de SMS de prospection les jours fériés en France (code de déontologie de l’AF2M)${NNBSP}; choisissez ${quote('FR')}.`,
  ],
  [
    /^A marketing SMS to French numbers needs a short code to receive STOP .{1,120}$/,
    () =>
      `Un SMS de prospection vers des numéros français doit venir d’un numéro court, qui reçoit les STOP (un nom d’expéditeur ne le peut pas)${NNBSP}; renseignez le numéro court du programme (par exemple ${quote('36111')}).`,
  ],
  [
    /^Marketing cannot be sent with this configuration: (.{1,400})\.$/,
    (m) => `La prospection ne peut pas partir avec cette configuration${NBSP}: ${m[1]}.`,
  ],
  [
    /^A French SMS short code is five digits .{1,40}$/,
    () => `Un numéro court français a cinq chiffres (par exemple ${quote('36111')}).`,
  ],
  [
    /^Choose console, twilio or webhook\.$/,
    () => `Choisissez ${quote('console')}, ${quote('twilio')} ou ${quote('webhook')}.`,
  ],
  [
    /^At most (\d+) (dates|numbers per check|bytes)\.$/,
    (m) =>
      `Au plus ${m[1]}${NBSP}${{ dates: 'dates', 'numbers per check': 'numéros par vérification', bytes: 'octets' }[m[2]!]}.`,
  ],
  [/^The (\w+) policy does not answer: (.{1,400})$/, (m) => `La politique en ${m[1]} ne répond pas à${NBSP}: ${m[2]}`],
  [/^The policy cannot be published: (.{1,400})$/, (m) => `La politique ne peut pas être publiée${NBSP}: ${m[1]}`],
  [/^Not valid JSON\.$/, () => 'Ce n’est pas du JSON valide.'],
  [
    /^Nest(?:ed|ing) deeper than (\d+) (?:levels|arrays or objects)\.$/,
    (m) => `Imbriqué sur plus de ${m[1]}${NBSP}niveaux.`,
  ],
  [/^Say what changed\.$/, () => 'Dites ce qui a changé.'],
  [/^Malformed (?:form body|JSON)\.$/, () => 'Illisible.'],
  [/^Missing or wrong form token\.$/, () => 'Jeton de formulaire absent ou erroné.'],
  [/^Not this server\.$/, () => 'Pas ce serveur.'],
  [/^Use en or fr\.$/, () => `Choisissez ${quote('en')} ou ${quote('fr')}.`],
  [/^Expected an object\.$/, () => 'Un objet est attendu.'],
  [/^HH:MM$/, () => `Heure au format HH:MM (par exemple 08:30).`],
  [/^Empty\.$/, () => 'Vide.'],
];

/** A field's message in French; one we do not know keeps its words, with French spacing before its punctuation. */
export function frenchMessage(message: string): string {
  const text = message.slice(0, 2000);
  for (const [pattern, write] of RULES) {
    const m = pattern.exec(text);
    if (m) return write(m);
  }
  return frenchSpacing(text);
}

/** No-break spaces where French wants them (before : ; ! ? and inside « »), and the typographic apostrophe. */
export function frenchSpacing(text: string): string {
  return text
    .replace(/ ([;!?])/g, `${NNBSP}$1`)
    .replace(/ :(?=\s|$)/g, `${NBSP}:`)
    .replace(/« /g, `«${NBSP}`)
    .replace(/ »/g, `${NBSP}»`)
    .replace(/(\p{L})'(\p{L})/gu, '$1’$2');
}

export const frenchErrors = (errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ path: e.path, message: frenchMessage(e.message) }));

/** The same problem for a French reader: title, detail and messages in French; code, type and paths unchanged. */
export function frenchProblem(problem: Problem, code: string): Problem {
  const detail = DETAILS[code] ?? BY_STATUS[problem.status] ?? problem.detail;
  return {
    ...problem,
    title: TITLES[problem.status] ?? 'Erreur',
    ...(detail !== undefined ? { detail } : {}),
    ...(problem.errors ? { errors: frenchErrors(problem.errors) } : {}),
  };
}
