// Bearer auth for the API: the platform admin token, or a site's API key for that site only. A credential that opens
// nothing is a failed sign-in, limited per client address and key prefix (domain/limits/sign-in.ts).
import { sha256Hex, timingSafeEqual } from '../crypto/tokens.ts';
import { assertSignInAllowed, countFailedSignIn, type SignInAttempt } from '../domain/limits/index.ts';
import { loadSite, siteForKeyHash, type Site } from '../domain/site/index.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { clientIp, type AppContext } from './context.ts';

function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}
const bearer = (c: AppContext) => bearerOf(c.req.header('authorization'));

// SHA-256 of the configured admin token, computed once per token.
const adminHashes = new Map<string, Promise<string>>();
const adminHash = (token: string) => {
  let hash = adminHashes.get(token);
  if (!hash) adminHashes.set(token, (hash = sha256Hex(token)));
  return hash;
};

async function isAdminHash(c: AppContext, tokenHash: string): Promise<boolean> {
  const admin = c.get('deps').adminToken;
  return Boolean(admin) && timingSafeEqual(tokenHash, await adminHash(admin!));
}

export async function isPlatformAdmin(c: AppContext): Promise<boolean> {
  const token = bearer(c);
  return token ? isAdminHash(c, await sha256Hex(token)) : false;
}

const attemptOf = (c: AppContext, token: string): SignInAttempt => ({ ip: clientIp(c), credential: token });

export async function requirePlatformAdmin(c: AppContext): Promise<void> {
  const token = bearer(c);
  if (!token) throw unauthorized();
  await assertSignInAllowed(c.get('ctx'), attemptOf(c, token));
  const tokenHash = await tokenHashOf(token);
  if (await isAdminHash(c, tokenHash)) return;
  // A site's own key is not a failed sign-in, only not enough here; a key that opens nothing is.
  if (!(await siteForKeyHash(c.get('ctx'), tokenHash))) await countFailedSignIn(c.get('ctx'), attemptOf(c, token));
  throw forbidden('This needs the platform admin token.');
}

// Hashes of recently presented bearer tokens: a site sending many gate checks presents the same key each time.
const presented = new Map<string, Promise<string>>();
function tokenHashOf(token: string): Promise<string> {
  let hash = presented.get(token);
  if (!hash) {
    if (presented.size >= 1000) presented.clear();
    presented.set(token, (hash = sha256Hex(token)));
  }
  return hash;
}

/** The site named in the path, if the caller holds its key or the platform admin token. */
export async function requireSiteAccess(c: AppContext, siteId: string): Promise<Site> {
  const token = bearer(c);
  if (!token) throw unauthorized();
  await assertSignInAllowed(c.get('ctx'), attemptOf(c, token));
  const { opens, owner } = await accessOf(c.get('ctx'), c.get('deps').adminToken, token, siteId);
  if (!opens) {
    if (!owner) await countFailedSignIn(c.get('ctx'), attemptOf(c, token));
    throw forbidden('This key does not give access to this site.');
  }
  return loadSite(c.get('ctx'), siteId);
}

/**
 * Whether a bearer token opens a site: the platform admin token, or the site's own key (`owner`: the site a key is
 * of, null for a token that is no key).
 */
async function accessOf(
  ctx: AppContext['var']['ctx'],
  adminToken: string | null | undefined,
  token: string,
  siteId: string,
): Promise<{ opens: boolean; owner: string | null }> {
  const tokenHash = await tokenHashOf(token);
  if (adminToken && timingSafeEqual(tokenHash, await adminHash(adminToken))) return { opens: true, owner: null };
  const owner = await siteForKeyHash(ctx, tokenHash);
  return { opens: Boolean(owner) && timingSafeEqual(owner!, siteId), owner };
}

/**
 * requireSiteAccess's success alone, for the direct lane (http/direct.ts): the site when the `Authorization` header
 * opens it and no sign-in limit holds; null for anything else, which the lane leaves to the routes (they answer it
 * and count the failure, once).
 */
export async function siteIfOpened(
  ctx: AppContext['var']['ctx'],
  adminToken: string | null | undefined,
  authorization: string | undefined,
  ip: () => string | undefined,
  siteId: string,
): Promise<Site | null> {
  const token = bearerOf(authorization);
  if (!token) return null;
  try {
    await assertSignInAllowed(ctx, { ip: ip(), credential: token });
    return (await accessOf(ctx, adminToken, token, siteId)).opens ? await loadSite(ctx, siteId) : null;
  } catch {
    return null;
  }
}
