// The console's strings in the visitor's language, and the placeholder filler.
import { en, type ConsoleTexts } from './texts-en.ts';
import { fr } from './texts-fr.ts';

export type { ConsoleTexts };

export const consoleTexts = (lang: 'en' | 'fr'): ConsoleTexts => (lang === 'fr' ? fr : en);

export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));
