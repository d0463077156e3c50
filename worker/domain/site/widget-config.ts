// The `widget` block of a site configuration: text overrides per locale (only the keys the widget has, each a
// bounded string) and theme values (plain CSS only). A stored value of the wrong type is dropped, never served.
import { z } from 'zod';
import en from '../../../templates/widget/en.json' with { type: 'json' };
import { WIDGET_THEME_KEYS, type WidgetTexts } from './widget-texts.ts';

const locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'A locale is like "fr" or "en".');
const widgetText = z.string().trim().min(1).max(500);
const cssValue = z.string().regex(/^[#\w\s().,%-]{1,60}$/, 'A plain CSS value: colours, lengths (no ; { } or quotes).');

// The keys come from the English template, so a text added to the widget can be overridden at once.
const { errors: templateErrors, ...templateTexts } = en;
const TEXT_KEYS = [...Object.keys(templateTexts), 'program', 'description', 'frequency'];
const ERROR_KEYS = Object.keys(templateErrors);

function schemas(lenient: boolean) {
  // Stored rows: a text of the wrong type is dropped (the template's shows), so an old row never takes a site down.
  const field = <T extends z.ZodType>(s: T) => (lenient ? s.optional().catch(undefined) : s.optional());
  // A dropped text must leave no `key: undefined` behind: spread over the template, it would erase the default.
  const object = <T extends z.core.$ZodLooseShape>(shape: T) =>
    lenient
      ? z
          .object(shape)
          .transform((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)))
      : z.strictObject(shape);
  const texts = object({
    ...Object.fromEntries(TEXT_KEYS.map((key) => [key, field(widgetText)])),
    errors: field(object(Object.fromEntries(ERROR_KEYS.map((key) => [key, field(widgetText)])))),
  });
  const theme = object(Object.fromEntries(WIDGET_THEME_KEYS.map((key) => [key, field(cssValue)])));
  return object({
    texts: field(
      z
        .record(locale, texts as unknown as z.ZodType<Partial<WidgetTexts>>)
        .refine((value) => Object.keys(value).length <= 20, 'At most 20 locales.'),
    ),
    theme: field(theme as unknown as z.ZodType<Partial<Record<(typeof WIDGET_THEME_KEYS)[number], string>>>),
  });
}

/** What a PUT may say under `widget`. */
export const widgetConfigSchema = schemas(false);
/** What a stored row's `widget` is read with. */
export const storedWidgetConfigSchema = schemas(true);
