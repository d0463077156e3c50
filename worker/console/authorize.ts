// Which role each console request needs, checked on the server for every request behind sign-in (http.ts). A POST
// changes something unless it is listed here as a read; a POST not listed needs an editor, so a route added later is
// closed to viewers by default. People, the audit trail and the API keys (a key signs in as an owner) need an owner.
import type { Role } from '../domain/console/index.ts';

const OWNER_ONLY = [/^\/console\/people(?:\/|$)/, /^\/console\/audit(?:\/|\.|$)/, /^\/console\/settings\/keys(?:\/|$)/];

/** POSTs that change nothing of the site: a viewer may send them (one's own passkeys and recovery code included). */
const READS = [
  /^\/console\/sign-out$/,
  /^\/console\/site$/,
  /^\/console\/subscribers\/(?:lookup|export)$/,
  /^\/console\/settings\/test-origin$/,
  /^\/console\/account(?:\/|$)/,
];

export function roleNeeded(method: string, path: string): Role {
  if (OWNER_ONLY.some((re) => re.test(path))) return 'owner';
  if (method === 'GET' || method === 'HEAD') return 'viewer';
  return READS.some((re) => re.test(path)) ? 'viewer' : 'editor';
}

/** POSTs not written to the audit trail: the language switch changes nothing of the site. */
export const unaudited = (path: string) => path === '/console/lang';
