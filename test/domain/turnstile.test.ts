// The Turnstile challenge verifier: what it posts to the provider, and that only an explicit success passes.
import { describe, expect, it } from 'vitest';
import { turnstileVerifier } from '../../worker/domain/limits/challenge.ts';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';

const site = {
  id: 'demo',
  config: {
    ...demoSiteConfig,
    challenge: { provider: 'turnstile' as const, siteKey: 'site-key', secret: 'turnstile-secret' },
  },
};

describe('Turnstile verifier', () => {
  it('posts the secret, the response and the address, and trusts only success: true', async () => {
    const seen: URLSearchParams[] = [];
    const verify = turnstileVerifier({
      fetch: async (_url, init) => {
        const form = new URLSearchParams(String(init?.body));
        seen.push(form);
        return Response.json({ success: form.get('response') === 'good' });
      },
    });
    expect(await verify(site, 'good', '203.0.113.9')).toBe(true);
    expect(await verify(site, 'bad', undefined)).toBe(false);
    expect(seen[0]!.get('secret')).toBe('turnstile-secret');
    expect(seen[0]!.get('remoteip')).toBe('203.0.113.9');
    expect(seen[1]!.has('remoteip')).toBe(false);
  });

  it('refuses when the verifier cannot be reached or the site has no challenge', async () => {
    const down = turnstileVerifier({
      fetch: async () => {
        throw new TypeError('network');
      },
    });
    expect(await down(site, 'good', undefined)).toBe(false);
    const none = turnstileVerifier({ fetch: async () => Response.json({ success: true }) });
    expect(await none({ id: 'demo', config: demoSiteConfig }, 'good', undefined)).toBe(false);
  });
});
