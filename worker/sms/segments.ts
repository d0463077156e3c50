// SMS length accounting: GSM 03.38 (7-bit) or UCS-2 encoding, and how a text splits into concatenated parts.
// Counts follow what carriers bill: 160/153 septets or 70/67 UTF-16 units per part.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Unicode code points (an emoji counts once, though it takes two UTF-16 units). */
  characters: number;
  /** Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2. */
  units: number;
  /** Parts billed; 0 for an empty text. */
  segments: number;
}

// The GSM 03.38 default alphabet in table order, minus 0x1B: the escape is not a character a user types.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const BASIC_SET = new Set(BASIC);
/** Characters reached through the escape (0x1B); each costs two septets. */
const EXTENSION_SET = new Set(['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€']);

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

/** Septets a character takes in GSM-7, or 0 when it has no GSM-7 form. */
export function gsmSeptets(char: string): 0 | 1 | 2 {
  if (BASIC_SET.has(char)) return 1;
  if (EXTENSION_SET.has(char)) return 2;
  return 0;
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (gsmSeptets(char) === 0) return false;
  return true;
}

/** The characters that force UCS-2, each once, in order of appearance. */
export function nonGsmCharacters(text: string): string[] {
  const seen = new Set<string>();
  for (const char of text) if (gsmSeptets(char) === 0) seen.add(char);
  return [...seen];
}

interface Unit {
  char: string;
  cost: number;
}

function unitsOf(text: string, encoding: SmsEncoding): Unit[] {
  // Iterating a string yields code points, so a surrogate pair is one indivisible unit of cost 2.
  return [...text].map((char) => ({ char, cost: encoding === 'GSM-7' ? gsmSeptets(char) : char.length }));
}

function encodingOf(text: string): SmsEncoding {
  return isGsm7(text) ? 'GSM-7' : 'UCS-2';
}

export function analyse(text: string): SmsAnalysis {
  const encoding = encodingOf(text);
  const units = unitsOf(text, encoding).reduce((sum, u) => sum + u.cost, 0);
  return { encoding, characters: [...text].length, units, segments: splitUnits(text, encoding).length };
}

/** The parts a carrier would send, in order; joining them gives back the text. */
export function split(text: string): string[] {
  return splitUnits(text, encodingOf(text));
}

function splitUnits(text: string, encoding: SmsEncoding): string[] {
  if (text === '') return [];
  const list = unitsOf(text, encoding);
  const total = list.reduce((sum, u) => sum + u.cost, 0);
  const single = encoding === 'GSM-7' ? GSM7_SINGLE : UCS2_SINGLE;
  if (total <= single) return [text];
  const perPart = encoding === 'GSM-7' ? GSM7_PART : UCS2_PART;
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const unit of list) {
    // A unit that would straddle the boundary (an escape pair, a surrogate pair) moves whole to the next part.
    if (used + unit.cost > perPart) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += unit.char;
    used += unit.cost;
  }
  if (current !== '') parts.push(current);
  return parts;
}
