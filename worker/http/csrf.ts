// Where a browser says a POST comes from, on hono/csrf (its `secFetchSite` and `origin` options), answered as a
// provenance the caller acts on: ours, foreign (naming the header that says so), or unknown (neither header: an older
// browser or a script), where the caller's own fallback decides (the hosted form's token, the console's session
// token). Ours because hono/csrf answers a bare 403 text and has no fallback, and both our forms need one.
import type { Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppContext } from './context.ts';

/** The values of Sec-Fetch-Site (W3C Fetch Metadata Request Headers, section 2.4). */
export type SecFetchSite = 'same-origin' | 'same-site' | 'none' | 'cross-site';

export type Provenance =
  | { kind: 'ours' }
  | { kind: 'foreign'; header: 'Origin' | 'Sec-Fetch-Site'; value: string }
  /** No fetch metadata, and no Origin (`origin` undefined) or an opaque one (`'null'`: a sandboxed or no-referrer page). */
  | { kind: 'unknown'; origin: 'null' | undefined };

export interface ProvenanceOptions {
  /** The Sec-Fetch-Site values that mean "sent from our own page". */
  fetchSites: readonly SecFetchSite[];
  /** Whether an Origin header names this server. */
  ours: (c: AppContext, origin: string) => boolean;
  /** What `Origin: null` without fetch metadata is: foreign (the console) or unknown, left to the fallback (forms). */
  nullOrigin: 'foreign' | 'unknown';
}

/**
 * The bodies a page on another site can send without a CORS preflight, which hono/csrf checks (the same list as its
 * own, hono/src/middleware/csrf/index.ts; a missing type counts as text/plain there too); it lets any other type
 * through unchecked, so for those only the headers below decide.
 */
const CHECKED_BY_HONO = /^\b(application\/x-www-form-urlencoded|multipart\/form-data|text\/(?:plain|ping))\b/i;
const OURS: Provenance = { kind: 'ours' };

export function provenanceCheck(options: ProvenanceOptions): (c: AppContext) => Promise<Provenance> {
  const { fetchSites, ours, nullOrigin } = options;
  const foreignOrigin = (c: AppContext, origin: string | undefined): origin is string =>
    origin !== undefined && (origin === 'null' ? nullOrigin === 'foreign' : !ours(c, origin));
  // hono/csrf lets a request through when either check passes; each is written so that it passes only when the
  // other header does not contradict it (metadata when present decides; an Origin naming another server refuses).
  const guard = csrf({
    secFetchSite: (value, c) =>
      fetchSites.includes(value as SecFetchSite) && !foreignOrigin(c as AppContext, c.req.header('origin')),
    origin: (origin, c) =>
      c.req.header('sec-fetch-site') === undefined && origin !== 'null' && ours(c as AppContext, origin),
  });
  const honoPasses = async (c: AppContext): Promise<boolean> => {
    try {
      await guard(c as unknown as Context, async () => {});
      return true;
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return false;
      throw error;
    }
  };
  return async function provenance(c) {
    if (CHECKED_BY_HONO.test(c.req.header('content-type') || 'text/plain') && (await honoPasses(c))) return OURS;
    const origin = c.req.header('origin');
    if (foreignOrigin(c, origin)) return { kind: 'foreign', header: 'Origin', value: origin };
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined)
      return fetchSites.includes(site as SecFetchSite)
        ? OURS
        : { kind: 'foreign', header: 'Sec-Fetch-Site', value: site };
    if (origin === undefined || origin === 'null') return { kind: 'unknown', origin };
    return OURS; // an Origin naming us, without metadata (an older browser)
  };
}
