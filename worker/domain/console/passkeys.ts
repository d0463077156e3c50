// WebAuthn (passkeys) for console people, with @simplewebauthn/server: options with a single-use challenge kept two
// minutes, and the browser's answer verified against this server's origin and RP ID (the public URL's host).
// W3C Web Authentication Level 3, §7.1 (registration) and §7.2 (authentication); no attestation is asked
// ("none", §5.4.7): a console sign-in needs the key, not the make of the authenticator.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { consolePeopleRepo, type PasskeyRow } from '../../db/console-people.ts';
import { fromBase64Url, toBase64Url } from '../../crypto/encoding.ts';
import { AppError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';

const CHALLENGE_MS = 2 * 60_000;

const repos = new WeakMap<object, ReturnType<typeof consolePeopleRepo>>();
export function peopleOf(ctx: Pick<DomainContext, 'store'>) {
  let repo = repos.get(ctx.store);
  if (!repo) repos.set(ctx.store, (repo = consolePeopleRepo(ctx.store)));
  return repo;
}

/** The relying party is this server: its public URL's origin, and its host name as the RP ID (§5.1.3). */
export function relyingParty(ctx: Pick<DomainContext, 'publicUrl'>) {
  const url = new URL(ctx.publicUrl);
  return { origin: url.origin, rpID: url.hostname };
}

export const passkeyRefused = (detail: string) =>
  new AppError('passkey_refused', 401, detail, { errors: [{ path: 'credential', message: detail }] });

/** The challenge an answer claims to answer, read from its clientDataJSON (verified again by the library). */
function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string {
  try {
    const json = JSON.parse(new TextDecoder().decode(fromBase64Url(String(response.response?.clientDataJSON ?? ''))));
    return typeof json.challenge === 'string' && json.challenge.length <= 128 ? json.challenge : '';
  } catch {
    return '';
  }
}

/** Takes the challenge the answer names: its purpose, or a refusal (unknown, used, expired). */
async function takeChallenge(ctx: DomainContext, response: { response?: { clientDataJSON?: unknown } }) {
  const challenge = challengeOf(response);
  const purpose = challenge ? await peopleOf(ctx).takeChallenge(challenge, ctx.clock()) : null;
  if (!purpose) throw passkeyRefused('This sign-in request has expired. Try again.');
  return { challenge, purpose };
}

export async function registrationOptions(
  ctx: DomainContext,
  o: { purpose: string; accountId: string; userName: string; siteName: string; exclude?: PasskeyRow[] },
) {
  const rp = relyingParty(ctx);
  const options = await generateRegistrationOptions({
    rpName: `Assent · ${o.siteName}`,
    rpID: rp.rpID,
    userName: o.userName,
    userID: new TextEncoder().encode(o.accountId),
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    excludeCredentials: (o.exclude ?? []).map((p) => ({ id: p.id })),
  });
  const now = ctx.clock();
  await peopleOf(ctx).putChallenge(options.challenge, o.purpose, now + CHALLENGE_MS, now);
  return options;
}

/** Verifies a registration answer for a challenge of this purpose; the passkey row to store. */
export async function verifyRegistration(
  ctx: DomainContext,
  response: RegistrationResponseJSON,
  purposeIs: (purpose: string) => boolean,
  accountId: string,
): Promise<PasskeyRow> {
  const { challenge, purpose } = await takeChallenge(ctx, response);
  if (!purposeIs(purpose)) throw passkeyRefused('This request was made for another page.');
  const rp = relyingParty(ctx);
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw passkeyRefused(`The passkey could not be checked: ${(error as Error).message}`);
  });
  if (!result.verified) throw passkeyRefused('The passkey could not be checked.');
  const { credential } = result.registrationInfo;
  return {
    id: credential.id,
    accountId,
    publicKey: toBase64Url(credential.publicKey),
    counter: credential.counter,
    transports: JSON.stringify(credential.transports ?? []),
    createdAt: ctx.clock(),
    lastUsedAt: null,
  };
}

export async function authenticationOptions(ctx: DomainContext) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    userVerification: 'preferred',
  });
  const now = ctx.clock();
  await peopleOf(ctx).putChallenge(options.challenge, 'sign-in', now + CHALLENGE_MS, now);
  return options;
}

/** Verifies a sign-in answer: the passkey it used, its counter moved forward. */
export async function verifyAuthentication(ctx: DomainContext, response: AuthenticationResponseJSON) {
  const { challenge, purpose } = await takeChallenge(ctx, response);
  if (purpose !== 'sign-in') throw passkeyRefused('This request was made for another page.');
  const people = peopleOf(ctx);
  const passkey =
    typeof response.id === 'string' && response.id.length <= 1400 ? await people.passkey(response.id) : null;
  if (!passkey) throw passkeyRefused('This passkey is not known here.');
  const rp = relyingParty(ctx);
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: {
      id: passkey.id,
      publicKey: fromBase64Url(passkey.publicKey) as Uint8Array<ArrayBuffer>,
      counter: passkey.counter,
      transports: JSON.parse(passkey.transports) as AuthenticatorTransport[],
    },
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw passkeyRefused(`The passkey could not be checked: ${(error as Error).message}`);
  });
  if (!result.verified) throw passkeyRefused('The passkey could not be checked.');
  // §6.1.1: a counter that did not move forward may be a cloned authenticator (0 means it keeps none).
  if (!(await people.usePasskey(passkey.id, result.authenticationInfo.newCounter, ctx.clock())))
    throw passkeyRefused('This passkey answered with an old signature counter.');
  return passkey;
}
