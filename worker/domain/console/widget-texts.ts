// Widget texts a site owner edits in the console (the equal-choice rule on yes and no: equal-choice.ts).
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
