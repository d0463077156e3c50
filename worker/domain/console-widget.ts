// Widget texts a site owner edits in the console, and the equal-choice rule on the two answers: both labels given
// and of similar length (the widget already gives both buttons one size and style; a long "yes" beside a terse
// "no" would still tilt the choice).
export const EDITABLE_WIDGET_TEXTS = [
  'intro',
  'yes',
  'no',
  'phoneLabel',
  'phoneHint',
  'choiceLabel',
  'frequencyLabel',
  'rates',
  'stop',
  'policyLink',
  'countryLabel',
  'regionLabel',
  'sent',
  'declined',
] as const;
export type EditableWidgetText = (typeof EDITABLE_WIDGET_TEXTS)[number];

/** The longer label may be at most this many times the shorter. */
export const MAX_CHOICE_RATIO = 3;

export function equalChoice(yes: string, no: string): { ok: boolean; reason?: 'missing' | 'unequal' } {
  const a = yes.trim().length;
  const b = no.trim().length;
  if (a === 0 || b === 0) return { ok: false, reason: 'missing' };
  return Math.max(a, b) <= MAX_CHOICE_RATIO * Math.min(a, b) ? { ok: true } : { ok: false, reason: 'unequal' };
}

/**
 * The overrides to store for one locale: only non-empty values that differ from the default text, so a site keeps
 * following improvements of the defaults it did not change.
 */
export function widgetOverrides(
  edited: Partial<Record<EditableWidgetText, string>>,
  defaults: Record<string, unknown>,
): Partial<Record<EditableWidgetText, string>> {
  const out: Partial<Record<EditableWidgetText, string>> = {};
  for (const key of EDITABLE_WIDGET_TEXTS) {
    const value = edited[key]?.trim();
    if (value && value !== defaults[key]) out[key] = value.slice(0, 500);
  }
  return out;
}
