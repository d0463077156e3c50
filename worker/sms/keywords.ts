// Inbound SMS keywords: a reply counts only when the whole message, once normalised, is one keyword.
// Normalisation: compatibility decomposition, marks stripped, upper case, invisible format characters
// dropped, Unicode whitespace trimmed and collapsed, trailing punctuation ("Stop.", "Oui !") ignored.

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
    'ARRET',
    'ARRETE',
    'STOP SMS',
    'DESABONNER',
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

/** What an inbound message asks for, or null when it is anything but a bare keyword ("STOP please" is null). */
export function classify(message: string): KeywordMatch | null {
  const match = LOOKUP.get(normaliseKeyword(message));
  return match ? { ...match } : null;
}
