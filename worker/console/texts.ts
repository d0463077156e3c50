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

/**
 * What a recorded audit action means, in the console's language, or null for an action this version does not know
 * (an older record): the stored record keeps its words ("POST /console/…", "sign-in with …"); only the page reads
 * them out. Ids in a path (a campaign, a webhook delivery) are matched as their route's parameter.
 */
export function actionName(t: ConsoleTexts, recorded: string): string | null {
  const route = recorded
    .replace(/^(POST \/console\/campaigns\/)[^/]{1,100}(\/stop)$/, '$1:id$2')
    .replace(/^(POST \/console\/webhooks\/deliveries\/)[^/]{1,100}(\/replay)$/, '$1:seq$2');
  const actions: Record<string, string> = t.access.audit.actions;
  return Object.hasOwn(actions, route) ? actions[route]! : null;
}

export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));
