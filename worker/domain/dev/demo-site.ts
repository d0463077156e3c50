// Dev mode's "demo" site (DESIGN.md): Demo Shop, fr and en, country FR, console SMS, policy version 1 published.
import { demoPolicyFacts } from '../../policy/demo-facts.ts';
import type { PolicyTemplates } from '../../policy/render.ts';
import type { DomainContext } from '../context.ts';
import { publishPolicy } from '../policies/publish.ts';
import type { SiteConfig } from '../site/config.ts';
import { createSite, loadSite } from '../site/sites.ts';

export const demoSiteConfig: SiteConfig = {
  name: 'Demo Shop',
  allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
  locales: ['fr', 'en'],
  defaultLocale: 'fr',
  defaultCountry: 'FR',
  timezone: 'Europe/Paris',
  program: {
    name: 'Demo Shop',
    description: {
      fr: 'nos offres et nouveautés par SMS',
      en: 'our offers and new products by text message',
    },
    frequency: { fr: '4 SMS par mois au plus', en: 'at most 4 messages a month' },
    helpContact: 'support@demo-shop.fr',
  },
  // The policy's program block is filled from `program` above.
  policy: (({ program: _program, ...facts }) => facts)(demoPolicyFacts),
  sms: { provider: 'console' },
  limits: { perNumberPerDay: 3, perIpPerHour: 20, perSitePerDay: 10_000, renewalsPerHour: 1000 },
  pendingTtlHours: 48,
  retention: { unconfirmedDays: 30, withdrawnDays: 30, lastContactDays: 3 * 365 },
};

/** Creates the demo site and publishes its policy version 1, once. Returns the API key when it was created. */
export async function ensureDemoSite(ctx: DomainContext, templates: PolicyTemplates): Promise<string | null> {
  let apiKey: string | null = null;
  if (!(await ctx.sites.get('demo'))) apiKey = (await createSite(ctx, 'demo', demoSiteConfig)).apiKey;
  if ((await ctx.policies.latestVersion('demo')) === null) {
    await publishPolicy(ctx, await loadSite(ctx, 'demo'), { summary: 'Première version.', templates });
  }
  return apiKey;
}
