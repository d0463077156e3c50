// Failed sign-ins are limited (console sign-in and Bearer authentication alike): per client address and per prefix
// of the credential presented, on the app's rate counters (limits.ts), answered 429 with Retry-After. Only failures
// are counted, so a valid key costs nothing more; once a counter is over, this process refuses every attempt under
// it, right or wrong, until the window ends (a guess that happened to be right must not tell the attacker so).
import { storeKey } from '../../db/client.ts';
import { sha256Hex } from '../../crypto/tokens.ts';
import type { DomainContext } from '../context.ts';
import { addressKey } from './opt-in.ts';
import { countHits, rateLimited, type Limit } from './rate-windows.ts';

const WINDOW_MS = 15 * 60_000;
/** Failed attempts per client address (an IPv4 address, an IPv6 /64) in 15 minutes. */
export const FAILED_PER_ADDRESS = 20;
/** Failed attempts per credential prefix in 15 minutes, from any number of addresses. */
export const FAILED_PER_PREFIX = 10;
/** The characters of a presented credential that name its prefix (`ask_` and 8 more of a site key). */
const PREFIX_LENGTH = 12;

type Ctx = DomainContext;

export interface SignInAttempt {
  /** The client's address, as the runtime knows it (unknown: counted per prefix only). */
  ip: string | undefined;
  credential: string;
}

/** The counters an attempt counts on: no address nor credential prefix in clear (keyed hashes, as limits/opt-in.ts does). */
async function limitsOf(ctx: Ctx, attempt: SignInAttempt): Promise<Limit[]> {
  const address = await addressKey(ctx, 'sign-in', attempt.ip);
  const prefix = (await sha256Hex(`sign-in-prefix\u0000${attempt.credential.slice(0, PREFIX_LENGTH)}`)).slice(0, 32);
  return [
    ...(address === 'unknown'
      ? []
      : [{ key: `sign-in-ip:${address}`, limit: FAILED_PER_ADDRESS, windowMs: WINDOW_MS, scope: '(client address)' }]),
    { key: `sign-in-key:${prefix}`, limit: FAILED_PER_PREFIX, windowMs: WINDOW_MS, scope: '(credential)' },
  ];
}

// Counters this process saw go over their limit, per database: key → end of the window.
const lockedByStore = new WeakMap<object, Map<string, { limit: Limit; until: number }>>();
const lockedFor = (ctx: Ctx) => {
  let locked = lockedByStore.get(storeKey(ctx.store));
  if (!locked) lockedByStore.set(storeKey(ctx.store), (locked = new Map()));
  return locked;
};

/** Throws the 429 when a counter of this attempt is over its limit; free while nothing is locked. */
export async function assertSignInAllowed(ctx: Ctx, attempt: SignInAttempt): Promise<void> {
  const locked = lockedFor(ctx);
  if (locked.size === 0) return;
  const now = ctx.clock();
  for (const limit of await limitsOf(ctx, attempt)) {
    const hit = locked.get(limit.key);
    if (!hit) continue;
    if (hit.until <= now) locked.delete(limit.key);
    else throw rateLimited(hit.limit, hit.until, now);
  }
}

/**
 * Counts a failed attempt. The one that reaches a limit still answers as it would (401/403), and locks the counter:
 * every later attempt under it is a 429 (a failure counted elsewhere, over the limit, is one here too).
 */
export async function countFailedSignIn(ctx: Ctx, attempt: SignInAttempt): Promise<void> {
  const reached = (await countHits(ctx, await limitsOf(ctx, attempt))).filter((hit) => hit.count >= hit.limit.limit);
  if (reached.length === 0) return;
  const locked = lockedFor(ctx);
  if (locked.size > 10_000) locked.clear();
  for (const { limit, until } of reached) locked.set(limit.key, { limit, until });
  const over = reached.find((hit) => hit.count > hit.limit.limit);
  if (over) throw rateLimited(over.limit, over.until, ctx.clock());
}
