// The equal-choice rule on the widget's two answers, the one place every writer (API, console) and the widget's
// read path ask: both labels given, of comparable length and in the same style. The widget already gives both
// buttons one size and style; a long or shouting "yes" beside a terse "no" would still tilt the choice.

/** The longer label may be at most this many times the shorter. */
export const MAX_CHOICE_RATIO = 3;

export type ChoiceProblem = 'missing' | 'unequal' | 'style';

// Emphasis one label may not carry alone. Labels are bounded (500 characters) before they get here, and each
// pattern is a single class or a literal: linear.
const EMPHASIS: [string, (label: string) => boolean][] = [
  [
    'capitals',
    (label) => {
      const letters = label.replace(/[^\p{L}]/gu, '');
      return letters.length >= 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
    },
  ],
  ['pictographs', (label) => /\p{Extended_Pictographic}/u.test(label)],
];

export function equalChoice(yes: string, no: string): { ok: boolean; reason?: ChoiceProblem } {
  const a = yes.trim();
  const b = no.trim();
  if (a.length === 0 || b.length === 0) return { ok: false, reason: 'missing' };
  if (Math.max(a.length, b.length) > MAX_CHOICE_RATIO * Math.min(a.length, b.length))
    return { ok: false, reason: 'unequal' };
  if (EMPHASIS.some(([, has]) => has(a) !== has(b))) return { ok: false, reason: 'style' };
  return { ok: true };
}

export const CHOICE_PROBLEMS: Record<ChoiceProblem, string> = {
  missing: 'Both answers need a label.',
  unequal: `"Yes" and "No" must be of comparable length: the longer at most ${MAX_CHOICE_RATIO}× the shorter.`,
  style: '"Yes" and "No" must be written alike: capitals or an emoji on one only tilts the choice.',
};
