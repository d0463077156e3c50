// Chooses the provider for a site from its configuration. Real providers are built once per configuration;
// Twilio's reconciliation journal reads the outbox row, so any process can reconcile a timed-out send.
import type { Sealer } from '../crypto/sealing.ts';
import type { outboxRepo } from '../db/outbox.ts';
import type { subjectsRepo } from '../db/subjects.ts';
import type { OutboundPolicy } from '../net/outbound.ts';
import type { SmsConfig } from './config.ts';
import type { SmsProvider } from './provider.ts';
import { createTwilioProvider, type SendJournal } from './providers/twilio.ts';
import { createBrevoProvider } from './providers/brevo.ts';
import { createOctopushProvider } from './providers/octopush.ts';
import { createOvhProvider } from './providers/ovh.ts';
import { createSinchProvider } from './providers/sinch.ts';
import { createVonageProvider } from './providers/vonage.ts';
import { createWebhookProvider } from './providers/webhook.ts';

/** What choosing a provider reads of a site, and of the request's context (the domain's context has all of it). */
export interface ProviderSite {
  id: string;
  config: { sms: SmsConfig };
}
export interface ProviderContext {
  outbox: Pick<ReturnType<typeof outboxRepo>, 'byId'>;
  subjects: Pick<ReturnType<typeof subjectsRepo>, 'byId'>;
  sealer: Sealer;
  clock: () => number;
  outbound?: OutboundPolicy;
}

/** What Twilio's lookup needs (the body and when sending began), read back from the outbox. */
export function outboxJournal(ctx: ProviderContext): SendJournal {
  return {
    record() {}, // the outbox row already holds both
    async get(id) {
      const row = await ctx.outbox.byId(id);
      const subject = row ? await ctx.subjects.byId(row.subjectId) : null;
      if (!row?.bodyCiphertext || !subject?.wrappedKey) return undefined;
      return {
        body: await ctx.sealer.open(subject.wrappedKey, subject.id, row.bodyCiphertext),
        startedAt: row.createdAt,
      };
    },
  };
}

export type ProviderFor = (site: ProviderSite, ctx: ProviderContext) => SmsProvider;

/**
 * Providers that call a configured URL get a guarded fetch (ctx.outbound: public https only, names resolved and
 * checked where the runtime can, redirects refused); `options.fetch` is what the guard calls once satisfied.
 */
export function providerRouter(options: { console: SmsProvider; fetch?: typeof fetch }): ProviderFor {
  const cache = new Map<string, SmsProvider>();
  return function providerFor(site, ctx) {
    const sms = site.config.sms;
    if (sms.provider === 'console') return options.console;
    const policy = ctx.outbound ?? { allowLocal: false };
    const key = `${site.id}:${policy.allowLocal}:${JSON.stringify(sms)}`;
    let provider = cache.get(key);
    if (!provider) {
      const network = { outbound: policy, ...(options.fetch ? { fetch: options.fetch } : {}) };
      provider = buildProvider(sms, ctx, network);
      if (cache.size > 1000) cache.clear();
      cache.set(key, provider);
    }
    return provider;
  };
}

type Network = { outbound: OutboundPolicy; fetch?: typeof fetch };

/** One provider of a configuration (never the console, which the router hands out as it is). */
function buildProvider(
  sms: Exclude<SmsConfig, { provider: 'console' }>,
  ctx: ProviderContext,
  network: Network,
): SmsProvider {
  const base = (url: string | undefined) => (url ? { apiBaseUrl: url } : {});
  switch (sms.provider) {
    case 'twilio':
      return createTwilioProvider({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        ...(sms.from ? { from: sms.from } : { messagingServiceSid: sms.messagingServiceSid! }),
        ...base(sms.apiBaseUrl),
        journal: outboxJournal(ctx),
        now: ctx.clock,
        ...network,
      });
    case 'webhook':
      return createWebhookProvider({ url: sms.url, secret: sms.secret, now: ctx.clock, ...network });
    case 'vonage':
      return createVonageProvider({
        apiKey: sms.apiKey,
        apiSecret: sms.apiSecret,
        from: sms.from,
        ...base(sms.apiBaseUrl),
        now: ctx.clock,
        ...network,
      });
    case 'sinch':
      return createSinchProvider({
        servicePlanId: sms.servicePlanId,
        apiToken: sms.apiToken,
        from: sms.from,
        webhookToken: sms.webhookToken,
        ...(sms.region ? { region: sms.region } : {}),
        ...base(sms.apiBaseUrl),
        now: ctx.clock,
        ...network,
      });
    case 'brevo':
      return createBrevoProvider({
        apiKey: sms.apiKey,
        from: sms.from,
        webhookToken: sms.webhookToken,
        ...(sms.type ? { type: sms.type } : {}),
        ...base(sms.apiBaseUrl),
        now: ctx.clock,
        ...network,
      });
    case 'octopush':
      return createOctopushProvider({
        apiLogin: sms.apiLogin,
        apiKey: sms.apiKey,
        from: sms.from,
        ...(sms.type ? { type: sms.type } : {}),
        ...(sms.purpose ? { purpose: sms.purpose } : {}),
        ...base(sms.apiBaseUrl),
        now: ctx.clock,
        ...network,
      });
    case 'ovh':
      return createOvhProvider({
        serviceName: sms.serviceName,
        applicationKey: sms.applicationKey,
        applicationSecret: sms.applicationSecret,
        consumerKey: sms.consumerKey,
        ...(sms.from ? { from: sms.from } : {}),
        webhookToken: sms.webhookToken,
        ...base(sms.apiBaseUrl),
        now: ctx.clock,
        ...network,
      });
  }
}
