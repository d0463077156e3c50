// Syllable counters for the reading-ease formulas: heuristics on spelling, good enough to rank sentences,
// not a dictionary. English follows the usual silent-e/-es/-ed rules; French counts spoken syllables.

const EN_VOWEL_GROUPS = /[aeiouy]+/g;

export function syllablesEn(word: string): number {
  let w = word
    .toLowerCase()
    .replace(/[’']s$/, '')
    .replace(/[^a-z]/g, '');
  if (w.length === 0) return /\d/.test(word) ? 1 : 0;
  if (w.length <= 3) return 1;
  if (/[^aeiouy]le$/.test(w)) {
    // "table", "simple": the -le is its own syllable, keep it.
  } else if (/[^aeiouy]e$/.test(w))
    w = w.slice(0, -1); // silent final e: "make", "message"
  else if (/[^aeiouysxzgc]es$/.test(w))
    w = w.slice(0, -2); // "makes", but "pages", "boxes" keep it
  else if (/[^aeiouytd]ed$/.test(w)) w = w.slice(0, -2); // "called", but "wanted", "ended" keep it
  w = w.replace(/^y/, ''); // initial y is a consonant: "you", "year"
  const groups = w.match(EN_VOWEL_GROUPS)?.length ?? 0;
  return Math.max(1, groups);
}

const FR_VOWEL_GROUPS = /[aeiouyàâäéèêëîïôöûùüœæ]+/g;
const FR_VOWEL = /[aeiouyàâäéèêëîïôöûùüœæ]/;

// Words in -ent where the ending is spoken (not the mute verb ending of "ils parlent").
const FR_SPOKEN_ENT = new Set([
  'souvent',
  'parent',
  'parents',
  'argent',
  'agent',
  'agents',
  'présent',
  'absent',
  'urgent',
  'récent',
  'différent',
  'accident',
  'content',
  'évident',
  'fréquent',
  'intelligent',
  'excellent',
  'compétent',
  'équivalent',
  'talent',
  'serpent',
  'adolescent',
  'client',
  'patient',
  'orient',
  'occident',
  'pertinent',
  'permanent',
  'prudent',
  'suffisant',
  'transparent',
  'incident',
  'précédent',
]);

/** French spoken syllables: vowel groups, minus the mute final -e, -es and verb -ent. */
export function syllablesFr(word: string): number {
  // Elided and hyphenated words ("l’accord", "aujourd’hui", "sommes-nous") add up their parts.
  const parts = word.toLowerCase().split(/[’'-]/);
  const total = parts.reduce((sum, part) => sum + syllablesFrPart(part), 0);
  return /[\p{L}\p{N}]/u.test(word) ? Math.max(1, total) : 0;
}

function syllablesFrPart(raw: string): number {
  const base = raw.replace(/[^a-zàâäéèêëîïôöûùüœæç0-9]/g, '');
  if (base.length === 0) return 0;
  if (!/[a-zàâäéèêëîïôöûùüœæç]/.test(base)) return 1; // a number
  // "qu" and "gu" before e/i are one consonant sound: "que", "quelque", "guerre".
  const w = base.replace(/qu/g, 'q').replace(/gu(?=[eéèêiy])/g, 'g');
  let count = w.match(FR_VOWEL_GROUPS)?.length ?? 0;
  if (count > 1) {
    const beforeEnding = (n: number) => w.charAt(w.length - n - 1);
    if (/e$/.test(w) && !FR_VOWEL.test(beforeEnding(1))) count -= 1;
    else if (/es$/.test(w) && !FR_VOWEL.test(beforeEnding(2))) count -= 1;
    else if (/ent$/.test(w) && !/ment$/.test(w) && !FR_VOWEL.test(beforeEnding(3)) && !FR_SPOKEN_ENT.has(base))
      count -= 1;
  }
  return count;
}
