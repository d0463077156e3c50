// The people of a site's console: roles (owner > editor > viewer), invitations by link (single use, 72 h, only the
// token's hash stored), accepting one with a first passkey, one-time recovery codes (shown once, stored hashed),
// role changes and removal. Sign-in failures count on the shared sign-in limits (limits/sign-in.ts).
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AccountRow, Role } from '../../db/console-people.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { assertSignInAllowed, countFailedSignIn } from '../limits/sign-in.ts';
import { peopleOf, registrationOptions, verifyAuthentication, verifyRegistration } from './passkeys.ts';
import { openAccountSession, type ConsoleSession } from './sessions.ts';

export type { Role };
export const ROLES = ['owner', 'editor', 'viewer'] as const satisfies readonly Role[];
const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };
/** Whether a role may do what needs `need`: an owner does all an editor does, an editor all a viewer does. */
export const roleAllows = (role: Role, need: Role) => RANK[role] >= RANK[need];

export const INVITATION_MS = 72 * 3600_000;
const NAME_MAX = 80;

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', 422, message, { errors: [{ path, message }] });

function cleanName(name: string): string {
  const clean = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!clean) throw invalid('name', 'Give the person’s name.');
  if (clean.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(clean))
    throw invalid('name', `At most ${NAME_MAX} characters, no control characters.`);
  return clean;
}

function cleanRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw invalid('role', 'Choose owner, editor or viewer.');
  return role as Role;
}

/** A recovery code: 20 random bytes in Crockford base32, in groups of four (easy to print and to type). */
function newRecoveryCode(ctx: DomainContext): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of ctx.random(20)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** What is hashed: the code without separators or case, with the letters people confuse mapped (Crockford). */
const recoveryHash = (code: string) =>
  sha256Hex(
    `assent-recovery\u0000${code
      .toUpperCase()
      .replace(/[\s-]/g, '')
      .replace(/[OIL]/g, (ch) => (ch === 'O' ? '0' : '1'))}`,
  );

export const listPeople = (ctx: DomainContext, siteId: string) => peopleOf(ctx).accounts(siteId);
export const listInvitations = (ctx: DomainContext, siteId: string) =>
  peopleOf(ctx).pendingInvitations(siteId, ctx.clock());

/** Creates an invitation; the link's token is returned once and only its hash is kept. */
export async function invite(
  ctx: DomainContext,
  session: ConsoleSession,
  siteId: string,
  input: { name: string; role: string },
): Promise<{ token: string; name: string; role: Role; expiresAt: number }> {
  const name = cleanName(input.name);
  const role = cleanRole(input.role);
  const token = newToken(ctx.random);
  const now = ctx.clock();
  const expiresAt = now + INVITATION_MS;
  await peopleOf(ctx).invite({
    tokenHash: await sha256Hex(token),
    siteId,
    name,
    role,
    invitedBy: session.actor.name,
    createdAt: now,
    expiresAt,
    usedAt: null,
  });
  return { token, name, role, expiresAt };
}

export async function revokeInvitation(ctx: DomainContext, siteId: string, tokenHash: string) {
  await peopleOf(ctx).revokeInvitation(siteId, tokenHash);
}

/** The live invitation behind a link's token, or a 404 (unknown, used or expired look the same). */
export async function openInvitation(ctx: DomainContext, token: string) {
  const row = /^[A-Za-z0-9_-]{43}$/.test(token)
    ? await peopleOf(ctx).invitation(await sha256Hex(token), ctx.clock())
    : null;
  if (!row) throw notFound('This invitation is unknown, used or expired. Ask the site owner for a new link.');
  return row;
}

/** Registration options for the person an invitation names; the account id is fixed now and carried by the challenge. */
export async function invitationOptions(ctx: DomainContext, token: string, siteName: string) {
  const invitation = await openInvitation(ctx, token);
  const accountId = newId(ctx.random, ctx.clock());
  return registrationOptions(ctx, {
    purpose: `invite:${invitation.tokenHash}:${accountId}`,
    accountId,
    userName: invitation.name,
    siteName,
  });
}

/**
 * Accepts an invitation with the passkey just created: the account, its passkey and a recovery code (returned once)
 * are written only if the link was still unused; a session opens for the new person.
 */
export async function acceptInvitation(
  ctx: DomainContext,
  token: string,
  response: RegistrationResponseJSON,
  previous?: string | null,
) {
  const invitation = await openInvitation(ctx, token);
  let accountId = '';
  const prefix = `invite:${invitation.tokenHash}:`;
  const passkey = await verifyRegistration(
    ctx,
    response,
    (purpose) => {
      if (!purpose.startsWith(prefix)) return false;
      accountId = purpose.slice(prefix.length);
      return true;
    },
    '',
  );
  passkey.accountId = accountId;
  const recoveryCode = newRecoveryCode(ctx);
  const account: AccountRow = {
    id: accountId,
    siteId: invitation.siteId,
    name: invitation.name,
    role: invitation.role,
    recoveryHash: await recoveryHash(recoveryCode),
    createdAt: ctx.clock(),
  };
  if (!(await peopleOf(ctx).accept(invitation.tokenHash, ctx.clock(), account, passkey)))
    throw notFound('This invitation is unknown, used or expired. Ask the site owner for a new link.');
  const opened = await openAccountSession(ctx, account, previous);
  return { ...opened, account, recoveryCode };
}

/** Signs a person in with a passkey; failures count on the sign-in limits (per address and per credential). */
export async function signInWithPasskey(
  ctx: DomainContext,
  response: AuthenticationResponseJSON,
  o: { ip: string | undefined; previous?: string | null },
) {
  const attempt = { ip: o.ip, credential: `passkey:${String(response?.id ?? '').slice(0, 64)}` };
  await assertSignInAllowed(ctx, attempt);
  let account: AccountRow | null = null;
  try {
    const passkey = await verifyAuthentication(ctx, response);
    account = await peopleOf(ctx).account(passkey.accountId);
    if (!account) throw forbidden('This passkey’s account was removed.');
  } catch (error) {
    if (error instanceof AppError && (error.status === 401 || error.status === 403))
      await countFailedSignIn(ctx, attempt);
    throw error;
  }
  return { ...(await openAccountSession(ctx, account, o.previous)), account };
}

/** Signs a person in with their recovery code, which is used up; they then add a passkey and get a new code. */
export async function signInWithRecoveryCode(
  ctx: DomainContext,
  code: string,
  o: { ip: string | undefined; previous?: string | null },
) {
  const trimmed = code.trim().slice(0, 100);
  const attempt = { ip: o.ip, credential: `recovery:${trimmed.slice(0, 4)}` };
  await assertSignInAllowed(ctx, attempt);
  const account = trimmed ? await peopleOf(ctx).useRecovery(await recoveryHash(trimmed)) : null;
  if (!account) {
    await countFailedSignIn(ctx, attempt);
    throw new AppError('unauthorized', 401, 'This recovery code is unknown or was already used.', {
      errors: [{ path: 'code', message: 'Unknown or already used.' }],
    });
  }
  return { ...(await openAccountSession(ctx, account, o.previous)), account };
}

/** Registration options for one more passkey of the signed-in person. */
export async function addPasskeyOptions(ctx: DomainContext, accountId: string, siteName: string) {
  const people = peopleOf(ctx);
  const account = await people.account(accountId);
  if (!account) throw notFound('No such account.');
  return registrationOptions(ctx, {
    purpose: `account:${accountId}`,
    accountId,
    userName: account.name,
    siteName,
    exclude: await people.passkeysOf(accountId),
  });
}

export async function addPasskey(ctx: DomainContext, accountId: string, response: RegistrationResponseJSON) {
  const passkey = await verifyRegistration(ctx, response, (p) => p === `account:${accountId}`, accountId);
  await peopleOf(ctx).addPasskey(passkey);
  return passkey;
}

export const passkeysOf = (ctx: DomainContext, accountId: string) => peopleOf(ctx).passkeysOf(accountId);

/** A new recovery code for the signed-in person (the old one stops working); returned once. */
export async function renewRecoveryCode(ctx: DomainContext, accountId: string): Promise<string> {
  const code = newRecoveryCode(ctx);
  await peopleOf(ctx).setRecovery(accountId, await recoveryHash(code));
  return code;
}

async function otherAccount(ctx: DomainContext, session: ConsoleSession, siteId: string, id: string) {
  const account = await peopleOf(ctx).account(id);
  if (!account || account.siteId !== siteId) throw notFound('No such person on this site.');
  // An owner cannot demote or remove themself: the site keeps at least the owner who acts.
  if (session.actor.id === `account:${id}`) throw forbidden('You cannot change your own role or remove yourself.');
  return account;
}

export async function changeRole(
  ctx: DomainContext,
  session: ConsoleSession,
  siteId: string,
  id: string,
  role: string,
) {
  const account = await otherAccount(ctx, session, siteId, id);
  const next = cleanRole(role);
  await peopleOf(ctx).setRole(siteId, id, next);
  return { name: account.name, from: account.role, to: next };
}

export async function removePerson(ctx: DomainContext, session: ConsoleSession, siteId: string, id: string) {
  const account = await otherAccount(ctx, session, siteId, id);
  await peopleOf(ctx).remove(siteId, id);
  return { name: account.name, role: account.role };
}
