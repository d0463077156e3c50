// Inbound SMS keywords: a reply counts only when the whole message, once normalised, is one keyword.
// Normalisation: compatibility decomposition, marks stripped, upper case, invisible format characters
// dropped, Unicode whitespace trimmed and collapsed, trailing punctuation ("Stop.", "Oui !") and quotes around the
// message ("«STOP»") ignored. An opt-out may also come with words of courtesy ("Stop svp", "please stop", "STOP,
// merci") or its keyword said twice ("STOP STOP"): withdrawing must be as easy as consenting (GDPR art. 7(3)), and
// those words change nothing of what is asked. Nothing else around a keyword counts ("stop it", "STOP-SMS", "#STOP").
// For an opt-out only, emoji are set aside too ("STOP 🛑") and one line of the message that is an opt-out by itself
// is enough ("STOP" above a phone's signature): a consent is never read through anything around it.

export type KeywordAction = 'opt-out' | 'opt-in' | 'confirm' | 'help';

export interface KeywordMatch {
  action: KeywordAction;
  /** The canonical keyword, e.g. "ARRET" for "Arrêt !". */
  keyword: string;
}

export const KEYWORDS: Readonly<Record<KeywordAction, readonly string[]>> = {
  'opt-out': [
    'STOP',
    'STOPALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'REVOKE',
    'OPTOUT',
    'STOP ALL',
    'OPT OUT',
    'OPT-OUT',
    'ARRET',
    'ARRETE',
    'ARRETER',
    'ARRETEZ',
    'STOP SMS',
    'DESABONNER',
    'SE DESABONNER',
    'DESABONNEMENT',
    'DESINSCRIRE',
    'SE DESINSCRIRE',
    'DESINSCRIPTION',
  ],
  'opt-in': ['START', 'UNSTOP'],
  confirm: ['OUI', 'YES', 'Y', 'O'],
  help: ['HELP', 'INFO', 'AIDE'],
};

const LOOKUP = new Map<string, KeywordMatch>();
for (const [action, words] of Object.entries(KEYWORDS) as [KeywordAction, readonly string[]][]) {
  for (const keyword of words) LOOKUP.set(keyword, { action, keyword });
}

// Only sentence-ending marks: "STOP-SMS" or "#STOP" are not keywords, "STOP." and "STOP !!" are.
// The lookbehind lets only the first mark of a run start a match: linear however long the run.
const TRAILING_PUNCTUATION = /(?<![.!?¡¿…,;:。！？])[.!?¡¿…,;:。！？]+$/u;

/** The comparison form of a message: what two replies share when they mean the same keyword. */
export function normaliseKeyword(message: string): string {
  return message
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/\p{Cf}+/gu, '')
    .toUpperCase()
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(TRAILING_PUNCTUATION, '')
    .trim();
}

/** Words of courtesy an opt-out may come with (normalised: upper case, no accents, apostrophes as spaces). */
export const COURTESY = [
  'SVP',
  'STP',
  'S IL VOUS PLAIT',
  'S IL TE PLAIT',
  'MERCI',
  'MERCI BEAUCOUP',
  'PLEASE',
  'PLS',
  'PLZ',
  'THANKS',
  'THANK YOU',
  'THX',
];
// Longest first, so "MERCI BEAUCOUP" goes whole rather than leaving "BEAUCOUP".
const COURTESY_WORDS = new RegExp(
  `(?:^| )(?:${[...COURTESY].sort((a, b) => b.length - a.length).join('|')})(?= |$)`,
  'g',
);
// Quotes or brackets around the whole message: «STOP», "Oui", (stop). As for the punctuation above, only the first
// mark of a run may start a match, so a long run is read once.
const OPENING = /^[«"“”„‘’'([]+/u;
const CLOSING = /(?<![»"“”‘’')\]])[»"“”‘’')\]]+$/u;
// A sentence mark ending a word inside the message ("STOP, MERCI").
const WORD_END_MARK = /(?<![.!?¡¿…,;:。！？])[.!?¡¿…,;:。！？]+(?= )/gu;

/** What an inbound message asks for, or null when it is anything but a keyword ("stop it" is null). */
export function classify(message: string): KeywordMatch | null {
  const whole = classifyLine(message, false);
  if (whole) return whole;
  // A signature under the STOP ("Envoyé de mon iPhone"), or a greeting above it: the lines are read one by one, for
  // an opt-out only. Bounded: a reply is at most a few segments, and no more lines than these are read.
  const lines = message.split(/\r\n|[\n\r\u2028\u2029\u0085]/u, MAX_LINES);
  for (const line of lines.length > 1 ? lines : []) {
    const match = classifyLine(line, true);
    if (match?.action === 'opt-out') return match;
  }
  return null;
}

const MAX_LINES = 20;
// Emoji (pictographs, skin tones, flags) an opt-out may carry: "STOP 🛑", "🙏 stop". Joiners and variation
// selectors are already gone with the format characters and marks (normaliseKeyword).
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]+/gu;

function classifyLine(message: string, optOutOnly: boolean): KeywordMatch | null {
  const normalised = normaliseKeyword(message)
    .replace(OPENING, '')
    .replace(CLOSING, '')
    .trim()
    .replace(TRAILING_PUNCTUATION, '')
    .trim();
  const match = LOOKUP.get(normalised);
  if (match && (!optOutOnly || match.action === 'opt-out')) return { ...match };
  // An opt-out with courtesy or emoji, or said twice: what is left once those are gone is one opt-out keyword.
  const words = normalised
    .replace(EMOJI, ' ')
    .replace(OPENING, '')
    .replace(CLOSING, '')
    .trim()
    .replace(TRAILING_PUNCTUATION, '')
    .replace(WORD_END_MARK, '')
    .replace(/['’]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(COURTESY_WORDS, '')
    .trim();
  if (words === '') return null;
  const optOut = (words === normalised ? undefined : LOOKUP.get(words)) ?? repeated(words);
  return optOut?.action === 'opt-out' ? { ...optOut } : null;
}

/** "STOP STOP" (or "ARRET ARRET ARRET"): one opt-out keyword of one word, said more than once. */
function repeated(words: string): KeywordMatch | undefined {
  const parts = words.split(' ');
  return parts.length > 1 && parts.every((w) => w === parts[0]) ? LOOKUP.get(parts[0]!) : undefined;
}
