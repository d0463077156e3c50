// What every runtime hands to createApp: the store, keys, clock, providers and the runtime's hooks, and the domain
// context built from them. Here, below app.ts, http/context.ts and the jobs, so each imports it downward.
import type { Context, MiddlewareHandler } from 'hono';
import type { Store } from './db/client.ts';
import { createDomainContext, type ChallengeVerifier, type DomainContext } from './domain/context.ts';
import { turnstileVerifier } from './domain/limits/index.ts';
import type { SigningKeys } from './crypto/keys.ts';
import type { Sealer } from './crypto/sealing.ts';
import { webRandom, type Random } from './crypto/tokens.ts';
import { jsonLogger, type Logger } from './logger.ts';
import type { OutboundPolicy } from './net/outbound.ts';
import type { ProviderFor } from './sms/router.ts';
import type { DevOutbox } from './sms/providers/console.ts';
import type { WitnessRole } from './witness/witness.ts';
import type { Witnessing } from './witness/submit.ts';

export interface AppDeps {
  store: Store;
  sealer: Sealer;
  mode: 'dev' | 'production';
  /** Base for links in messages and pages, and for inbound signature checks. */
  publicUrl: string;
  adminToken: string | null;
  keys: SigningKeys;
  providerFor: ProviderFor;
  clock?: () => number;
  random?: Random;
  logger?: Logger;
  /** Dev only: what the console provider "sent", for GET /dev/outbox. */
  devOutbox?: DevOutbox;
  /** Runs work after the response (Workers: ctx.waitUntil; Node: fire and forget). */
  background?: (task: () => Promise<unknown>) => void;
  /** Called after a request queued messages, so they leave without waiting for the next tick. */
  onQueued?: () => void;
  /** Checks a challenge response (Turnstile) when a site's limits are near; absent: challenges are not asked. */
  verifyChallenge?: ChallengeVerifier;
  /** The runtime's view of the client address (never a forwarded header unless the operator says so). */
  clientIp?: (c: Context) => string | undefined;
  /** Calls to configured URLs: a resolver where the runtime has one; local callbacks only in dev when asked. */
  outbound?: OutboundPolicy;
  /** `Server-Timing: db;dur=…;desc="<round trips>"` on every response (ASSENT_SERVER_TIMING; default: dev mode only). */
  serverTiming?: boolean;
  /** Response compression where the runtime has none (Node, Deno: worker/entry/node/compress.ts); Workers' edge compresses. */
  compress?: MiddlewareHandler;
  /** Dev mode: the Host names it answers (http/dev-hosts.ts); others get a 421. Absent: every Host (tests, production). */
  devHosts?: readonly string[];
  /** The witness role (ASSENT_WITNESS_KEY, ASSENT_WITNESS_LOGS): absent, /witness answers 404. */
  witness?: WitnessRole;
  /** Our checkpoints sent to witnesses (ASSENT_WITNESS_POLICY): absent, nothing is submitted. */
  witnessing?: Witnessing;
}

/** The domain context for a set of dependencies (the app and the background jobs share one). */
export function contextFromDeps(input: AppDeps): { deps: AppDeps; ctx: DomainContext } {
  const deps: AppDeps = {
    clock: Date.now,
    random: webRandom,
    logger: jsonLogger(),
    verifyChallenge: turnstileVerifier(),
    ...input,
  };
  const ctx = createDomainContext({
    store: deps.store,
    sealer: deps.sealer,
    clock: deps.clock!,
    random: deps.random!,
    publicUrl: deps.publicUrl.replace(/(?<!\/)\/+$/, ''),
    logger: deps.logger!,
    keys: deps.keys,
    ...(deps.outbound ? { outbound: deps.outbound } : {}),
    providerFor: deps.providerFor,
    ...(deps.verifyChallenge ? { verifyChallenge: deps.verifyChallenge } : {}),
    onQueued: deps.onQueued ?? (() => {}),
  });
  return { deps, ctx };
}
