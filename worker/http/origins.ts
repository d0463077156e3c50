// "Is this origin ours?", asked the same way everywhere. Three questions, kept apart because they differ:
// our public origin; a site's callers (ours plus its allowedOrigins); and, for the console, the public origin or
// the one the request reached (a console opened on an address other than the public URL still posts to itself).
import { originAllowed } from '../domain/site/index.ts';
import type { Site } from '../domain/site/index.ts';
import type { AppContext } from './context.ts';

/** The origin of the configured public URL: where our own pages are served. */
export const publicOrigin = (c: Pick<AppContext, 'get'>): string => new URL(c.get('ctx').publicUrl).origin;

/** Whether `origin` may call this site from a browser: our own pages, or one of the site's allowedOrigins. */
export const siteAllowsOrigin = (c: Pick<AppContext, 'get'>, site: Site, origin: string): boolean =>
  origin === publicOrigin(c) || originAllowed(origin, site.config.allowedOrigins);

/** Whether `origin` is this server as the browser reached it: the public origin or the request's own. */
export const isThisServer = (c: AppContext, origin: string): boolean =>
  origin === publicOrigin(c) || origin === new URL(c.req.url).origin;
