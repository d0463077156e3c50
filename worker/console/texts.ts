// The console's strings in the visitor's language, and the placeholder filler.
import { en, type ConsoleTexts } from './texts-en.ts';
import { fr } from './texts-fr.ts';

export type { ConsoleTexts };

export const consoleTexts = (lang: 'en' | 'fr'): ConsoleTexts => (lang === 'fr' ? fr : en);

/**
 * A recorded actor's name in the reader's language: a key or the platform admin is recorded by a fixed English name
 * (the record never changes), and shown as the console's language says it; a person's name is theirs.
 */
export function actorName(t: ConsoleTexts, recorded: string): string {
  const key = /^API key (\S{1,100})$/.exec(recorded);
  if (key) return fill(t.access.actors.key, { id: key[1]! });
  return recorded === 'platform admin' ? t.access.actors.admin : recorded;
}

export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));
