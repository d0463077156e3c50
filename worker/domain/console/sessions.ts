// Console sessions: a person's (passkey or recovery code, people.ts), or the bootstrap sign-in with a site API key or
// the platform admin token, which acts as an owner; a random token in an HttpOnly cookie,
// only its SHA-256 stored; 12 h idle and 7 days absolute expiry; a fresh token on every sign-in (no fixation); a
// CSRF token derived from the session token, so it is tied to the session and never stored.
import type { Role } from '../../db/console-people.ts';
import { consoleSessionsRepo, type ConsoleSessionRow } from '../../db/console-sessions.ts';
import { newToken, sha256Hex, timingSafeEqual } from '../../crypto/tokens.ts';
import { unauthorized } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { assertSignInAllowed, countFailedSignIn } from '../limits/sign-in.ts';

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3600_000;
/** lastSeenAt is written at most this often: a page view is not worth a write each time. */
const TOUCH_EVERY_MS = 5 * 60_000;

export interface ConsoleSession {
  tokenHash: string;
  siteId: string | null;
  admin: boolean;
  csrf: string;
  expiresAt: number;
  /** What the session may do: a person's role now; a key or admin session is an owner (the bootstrap). */
  role: Role;
  /** Who acts, for the audit trail: `account:<id>`, `key:<id>` or `admin`, and a name. */
  actor: { id: string; name: string };
}

/** Who a session row acts as. */
function actorOf(row: Pick<ConsoleSessionRow, 'admin' | 'keyId' | 'accountId'>, accountName?: string) {
  if (row.accountId) return { id: `account:${row.accountId}`, name: accountName ?? row.accountId };
  if (row.admin) return { id: 'admin', name: 'platform admin' };
  return { id: `key:${row.keyId}`, name: `API key ${row.keyId}` };
}

const repos = new WeakMap<object, ReturnType<typeof consoleSessionsRepo>>();
export function sessionsOf(ctx: Pick<DomainContext, 'store'>) {
  let repo = repos.get(ctx.store);
  if (!repo) repos.set(ctx.store, (repo = consoleSessionsRepo(ctx.store)));
  return repo;
}

/** The form token for a session: a hash of the cookie's secret under a fixed label (unreadable without the cookie). */
export async function csrfTokenFor(token: string): Promise<string> {
  return (await sha256Hex(`assent-console-csrf\u0000${token}`)).slice(0, 43);
}

const adminMark = async (adminToken: string) => `admin:${(await sha256Hex(adminToken)).slice(0, 16)}`;

/**
 * Opens a session for a credential: a site API key (the session reads that site only) or the platform admin
 * token (the session may switch sites). The key is looked up fresh, so a revoked key cannot sign in.
 * `previous` (the token hash the browser came with, if any) is deleted in the same batch.
 */
export async function signIn(
  ctx: DomainContext,
  options: { credential: string; adminToken: string | null; previous?: string | null; ip?: string | undefined },
): Promise<{ token: string; session: ConsoleSession }> {
  const credential = options.credential.trim();
  if (!credential || credential.length > 200) throw unauthorized('Give a site API key.');
  const attempt = { ip: options.ip, credential };
  await assertSignInAllowed(ctx, attempt);
  const credentialHash = await sha256Hex(credential);
  let row: Omit<ConsoleSessionRow, 'tokenHash'>;
  const now = ctx.clock();
  const base = { createdAt: now, lastSeenAt: now, expiresAt: now + SESSION_ABSOLUTE_MS };
  const { adminToken } = options;
  if (adminToken && timingSafeEqual(credentialHash, await sha256Hex(adminToken))) {
    const first = (await ctx.sites.list()).map((s) => s.id).sort()[0] ?? null;
    row = { ...base, siteId: first, keyId: await adminMark(adminToken), admin: true, accountId: null };
  } else {
    const key = await ctx.sites.findKey(credentialHash);
    if (!key) {
      await countFailedSignIn(ctx, attempt);
      throw unauthorized('This key does not open any site.');
    }
    row = { ...base, siteId: key.siteId, keyId: key.id, admin: false, accountId: null };
  }
  return openSession(ctx, row, options.previous);
}

async function openSession(
  ctx: DomainContext,
  row: Omit<ConsoleSessionRow, 'tokenHash'>,
  previous: string | null | undefined,
  account?: { name: string; role: Role },
): Promise<{ token: string; session: ConsoleSession }> {
  const token = newToken(ctx.random);
  const tokenHash = await sha256Hex(token);
  await sessionsOf(ctx).insert({ ...row, tokenHash }, previous ?? undefined);
  return {
    token,
    session: {
      tokenHash,
      siteId: row.siteId,
      admin: row.admin,
      csrf: await csrfTokenFor(token),
      expiresAt: row.expiresAt,
      role: account?.role ?? 'owner',
      actor: actorOf(row, account?.name),
    },
  };
}

/** Opens a session for a person whose passkey or recovery code was just verified (people.ts). */
export function openAccountSession(
  ctx: DomainContext,
  account: { id: string; siteId: string; name: string; role: Role },
  previous?: string | null,
): Promise<{ token: string; session: ConsoleSession }> {
  const now = ctx.clock();
  const row = {
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + SESSION_ABSOLUTE_MS,
    siteId: account.siteId,
    keyId: null,
    admin: false,
    accountId: account.id,
  };
  return openSession(ctx, row, previous, account);
}

/** The live session for a cookie token, or null (unknown, idle too long, past its absolute end, key revoked). */
export async function loadSession(
  ctx: DomainContext,
  token: string,
  adminToken: string | null,
): Promise<ConsoleSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = await sha256Hex(token);
  const now = ctx.clock();
  const row = await sessionsOf(ctx).find(tokenHash, now);
  if (!row?.keyActive || row.lastSeenAt + SESSION_IDLE_MS <= now) return null;
  // An admin session ends when the operator changes the admin token.
  if (row.admin && (!adminToken || row.keyId !== (await adminMark(adminToken)))) return null;
  if (now - row.lastSeenAt >= TOUCH_EVERY_MS) await sessionsOf(ctx).touch(tokenHash, now);
  return {
    tokenHash,
    siteId: row.siteId,
    admin: row.admin,
    csrf: await csrfTokenFor(token),
    expiresAt: row.expiresAt,
    role: row.account?.role ?? 'owner',
    actor: actorOf(row, row.account?.name),
  };
}

export async function signOut(ctx: DomainContext, session: ConsoleSession): Promise<void> {
  await sessionsOf(ctx).remove(session.tokenHash);
}

/** A platform admin's session moves to another site (a site key's session never does). */
export async function switchSite(ctx: DomainContext, session: ConsoleSession, siteId: string): Promise<void> {
  if (!session.admin) throw unauthorized('Only the platform admin can switch sites.');
  await sessionsOf(ctx).switchSite(session.tokenHash, siteId);
}
