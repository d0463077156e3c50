// What every signed-in console page passes to the shell: language, texts, CSRF token, the site (and for the
// platform admin, every site id for the switcher).
import type { Context } from 'hono';
import { siteIds } from '../domain/site/index.ts';
import type { Site } from '../domain/site/index.ts';
import type { ConsoleEnv } from './http.ts';
import { formatDateTime } from '../pages/when.ts';

/** A moment as this console writes it: its language, the site's time zone, with the offset (pages/when.ts). */
export const consoleTime = (c: Context<ConsoleEnv>) => (ms: number) =>
  formatDateTime(ms, c.get('lang'), (c.get('site') as Site | undefined)?.config.timezone ?? 'UTC');

export async function shellFor(c: Context<ConsoleEnv>) {
  const { t, lang, session } = c.var;
  // None yet for the platform admin on an empty server (site creation is the one page it opens).
  const site = c.get('site') as Site | undefined;
  const sites = session.admin ? await siteIds(c.get('ctx')) : undefined;
  return {
    t,
    lang,
    csrf: session.csrf,
    role: session.role,
    ...(site ? { site: { id: site.id, name: site.config.name } } : {}),
    ...(sites ? { sites } : {}),
  };
}
