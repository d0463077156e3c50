// Optional GSM-7 transliteration: replaces only characters GSM-7 cannot carry, so a French text
// stays in 160/153-septet parts instead of falling back to 70/67-unit UCS-2.
import { gsmSeptets } from './segments.ts';

export interface Replacement {
  from: string;
  to: string;
  count: number;
}

export interface Transliteration {
  text: string;
  /** What was replaced and how often, in order of first appearance. */
  replaced: Replacement[];
  /** Characters still outside GSM-7 afterwards (emoji, other scripts): the text stays UCS-2 if any. */
  remaining: string[];
}

// Explicit choices first; anything else falls back to stripping diacritics when the base letter is GSM-7.
// ç → c rather than Ç: an upper-case letter in the middle of a word reads worse than a missing cedilla.
const TABLE: Record<string, string> = {
  ç: 'c',
  œ: 'oe',
  Œ: 'OE',
  ÿ: 'y',
  Ÿ: 'Y',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u00b4': "'",
  '`': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2039': "'",
  '\u203a': "'",
  '\u2026': '...',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2022': '-',
  '\u00b7': '.',
  '\t': ' ',
  '\u00a0': ' ',
  '\u1680': ' ',
  '\u202f': ' ',
  '\u205f': ' ',
  '\u3000': ' ',
  '\u200b': '',
  '\u200c': '',
  '\u200d': '',
  '\u2060': '',
  '\ufeff': '',
  '\u00ad': '',
  '\u2028': '\n',
  '\u2029': '\n',
  '\u00d7': 'x',
  '\u2122': 'TM',
  '\u00a9': '(c)',
  '\u00ae': '(R)',
};
for (let cp = 0x2000; cp <= 0x200a; cp++) TABLE[String.fromCodePoint(cp)] = ' ';

function replacementFor(char: string): string | undefined {
  const fixed = TABLE[char];
  if (fixed !== undefined) return fixed;
  // ê → e, Ô → O, ī → i …: keep the letter, drop the marks, but only when what is left is GSM-7.
  const stripped = char.normalize('NFD').replace(/\p{M}+/gu, '');
  if (stripped !== char && stripped !== '' && [...stripped].every((c) => gsmSeptets(c) !== 0)) return stripped;
  return undefined;
}

export function transliterate(text: string): Transliteration {
  let out = '';
  const replaced = new Map<string, Replacement>();
  const remaining = new Set<string>();
  // NFC first so a decomposed "e" + U+0302 is treated as the one character ê it displays as.
  for (const char of text.normalize('NFC')) {
    if (gsmSeptets(char) !== 0) {
      out += char;
      continue;
    }
    const to = replacementFor(char);
    if (to === undefined) {
      out += char;
      remaining.add(char);
      continue;
    }
    out += to;
    const entry = replaced.get(char);
    if (entry) entry.count += 1;
    else replaced.set(char, { from: char, to, count: 1 });
  }
  return { text: out, replaced: [...replaced.values()], remaining: [...remaining] };
}
