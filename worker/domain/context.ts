// What domain functions are handed: repositories, keys, clock and randomness (no HTTP, no SQL here).
import type { Store } from '../db/client.ts';
import { consentsRepo } from '../db/consents.ts';
import { eventsRepo } from '../db/events.ts';
import { logRepo } from '../db/log.ts';
import { limitsRepo } from '../db/limits.ts';
import { inboundRepo } from '../db/inbound.ts';
import { leasesRepo } from '../db/leases.ts';
import { witnessRepo } from '../db/witness.ts';
import { apiKeysRepo } from '../db/api-keys.ts';
import { outboxRepo } from '../db/outbox.ts';
import { policiesRepo } from '../db/policies.ts';
import { proofsRepo } from '../db/proofs.ts';
import { renewalsRepo } from '../db/renewals.ts';
import { sitesRepo } from '../db/sites.ts';
import { subjectsRepo } from '../db/subjects.ts';
import type { Sealer } from '../crypto/sealing.ts';
import type { Random } from '../crypto/tokens.ts';
import type { SigningKeys } from '../crypto/keys.ts';
import type { Logger } from '../logger.ts';
import type { OutboundPolicy } from '../net/outbound.ts';

export interface DomainContext {
  store: Store;
  sites: ReturnType<typeof sitesRepo>;
  subjects: ReturnType<typeof subjectsRepo>;
  consents: ReturnType<typeof consentsRepo>;
  events: ReturnType<typeof eventsRepo>;
  outbox: ReturnType<typeof outboxRepo>;
  policies: ReturnType<typeof policiesRepo>;
  proofs: ReturnType<typeof proofsRepo>;
  renewals: ReturnType<typeof renewalsRepo>;
  log: ReturnType<typeof logRepo>;
  limits: ReturnType<typeof limitsRepo>;
  inbound: ReturnType<typeof inboundRepo>;
  apiKeys: ReturnType<typeof apiKeysRepo>;
  leases: ReturnType<typeof leasesRepo>;
  witness: ReturnType<typeof witnessRepo>;
  sealer: Sealer;
  clock: () => number;
  random: Random;
  /** Base URL for links in messages and pages, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
  keys: SigningKeys;
  /** How configured URLs (SMS webhook, provider base URL) may be called; absent: public https only, no resolver. */
  outbound?: OutboundPolicy;
}

export function createDomainContext(
  options: Omit<
    DomainContext,
    | 'sites'
    | 'subjects'
    | 'consents'
    | 'events'
    | 'outbox'
    | 'policies'
    | 'proofs'
    | 'renewals'
    | 'log'
    | 'limits'
    | 'inbound'
    | 'apiKeys'
    | 'leases'
    | 'witness'
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
    policies: policiesRepo(store),
    proofs: proofsRepo(store),
    renewals: renewalsRepo(store),
    log: logRepo(store),
    limits: limitsRepo(store),
    inbound: inboundRepo(store),
    apiKeys: apiKeysRepo(store),
    leases: leasesRepo(store),
    witness: witnessRepo(store),
  };
}
