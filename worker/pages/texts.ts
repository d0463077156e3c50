// Texts of the server pages, one JSON file per locale in templates/pages/.
import en from '../../templates/pages/en.json' with { type: 'json' };
import fr from '../../templates/pages/fr.json' with { type: 'json' };

export type PageTexts = typeof en;
const LOCALES: Record<string, PageTexts> = { en, fr };
/** The languages the server pages are written in. */
export const PAGE_LOCALES = Object.keys(LOCALES);

export function pageTexts(locale: string): { lang: string; t: PageTexts } {
  const lang = LOCALES[locale] ? locale : (locale.split('-')[0] ?? 'en');
  return { lang: LOCALES[lang] ? lang : 'en', t: LOCALES[lang] ?? en };
}

export const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
