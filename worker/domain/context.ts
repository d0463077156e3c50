// What domain functions are handed: repositories, keys, clock and randomness, and the runtime's hooks (the SMS
// provider, the challenge verifier, the send kick), so no route or job passes a dependency by hand (no HTTP, no SQL here).
import type { Store } from '../db/client.ts';
import { consentsRepo } from '../db/consents.ts';
import { eventsRepo } from '../db/events.ts';
import { logRepo } from '../db/log.ts';
import { limitsRepo } from '../db/limits.ts';
import { importsRepo } from '../db/imports.ts';
import { inboundRepo } from '../db/inbound.ts';
import { leasesRepo } from '../db/leases.ts';
import { witnessRepo } from '../db/witness.ts';
import { apiKeysRepo } from '../db/api-keys.ts';
import { campaignsRepo } from '../db/campaigns.ts';
import { outboxRepo } from '../db/outbox.ts';
import { policiesRepo } from '../db/policies.ts';
import { proofsRepo } from '../db/proofs.ts';
import { renewalsRepo } from '../db/renewals.ts';
import { sitesRepo } from '../db/sites.ts';
import { subjectsRepo } from '../db/subjects.ts';
import { webhooksRepo } from '../db/webhooks.ts';
import type { Sealer } from '../crypto/sealing.ts';
import type { Random } from '../crypto/tokens.ts';
import type { SigningKeys } from '../crypto/keys.ts';
import type { Logger } from '../logger.ts';
import type { OutboundPolicy } from '../net/outbound.ts';
import type { ProviderFor } from '../sms/router.ts';
import type { SiteConfig } from './site/config.ts';

/** Verifies a challenge response for a site; supplied by the runtime (e.g. Turnstile siteverify). */
export type ChallengeVerifier = (
  site: { id: string; config: Pick<SiteConfig, 'challenge'> },
  token: string,
  ip: string | undefined,
) => Promise<boolean>;

export interface DomainContext {
  store: Store;
  sites: ReturnType<typeof sitesRepo>;
  subjects: ReturnType<typeof subjectsRepo>;
  consents: ReturnType<typeof consentsRepo>;
  events: ReturnType<typeof eventsRepo>;
  outbox: ReturnType<typeof outboxRepo>;
  campaigns: ReturnType<typeof campaignsRepo>;
  policies: ReturnType<typeof policiesRepo>;
  proofs: ReturnType<typeof proofsRepo>;
  renewals: ReturnType<typeof renewalsRepo>;
  log: ReturnType<typeof logRepo>;
  limits: ReturnType<typeof limitsRepo>;
  inbound: ReturnType<typeof inboundRepo>;
  imports: ReturnType<typeof importsRepo>;
  apiKeys: ReturnType<typeof apiKeysRepo>;
  leases: ReturnType<typeof leasesRepo>;
  witness: ReturnType<typeof witnessRepo>;
  webhooks: ReturnType<typeof webhooksRepo>;
  sealer: Sealer;
  clock: () => number;
  random: Random;
  /** Base URL for links in messages and pages, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
  keys: SigningKeys;
  /** How configured URLs (SMS webhook, provider base URL) may be called; absent: public https only, no resolver. */
  outbound?: OutboundPolicy;
  /** The SMS provider a site's configuration chooses (the dispatcher and the console's test message call it). */
  providerFor: ProviderFor;
  /** Checks a challenge response (Turnstile) when a site's limits are near; absent: challenges are not asked. */
  verifyChallenge?: ChallengeVerifier;
  /**
   * Called by the domain once a change has committed messages to the outbox, so they leave without waiting for the
   * jobs' next tick (Node: a send pass now; Workers: one after the response). Never throws.
   */
  onQueued: () => void;
}

export function createDomainContext(
  options: Omit<
    DomainContext,
    | 'sites'
    | 'subjects'
    | 'consents'
    | 'events'
    | 'outbox'
    | 'campaigns'
    | 'policies'
    | 'proofs'
    | 'renewals'
    | 'log'
    | 'limits'
    | 'inbound'
    | 'imports'
    | 'apiKeys'
    | 'leases'
    | 'witness'
    | 'webhooks'
  >,
): DomainContext {
  const { store } = options;
  return {
    ...options,
    sites: sitesRepo(store),
    subjects: subjectsRepo(store),
    consents: consentsRepo(store),
    events: eventsRepo(store),
    outbox: outboxRepo(store),
    campaigns: campaignsRepo(store),
    policies: policiesRepo(store),
    proofs: proofsRepo(store),
    renewals: renewalsRepo(store),
    log: logRepo(store),
    limits: limitsRepo(store),
    inbound: inboundRepo(store),
    imports: importsRepo(store),
    apiKeys: apiKeysRepo(store),
    leases: leasesRepo(store),
    witness: witnessRepo(store),
    webhooks: webhooksRepo(store),
  };
}
