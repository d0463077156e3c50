// The default challenge verifier: Cloudflare Turnstile's siteverify, with the site's secret from its configuration.
import type { ChallengeVerifier } from './opt-in.ts';

export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

export function turnstileVerifier(options: { fetch?: typeof fetch; url?: string } = {}): ChallengeVerifier {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = options.url ?? TURNSTILE_VERIFY_URL;
  return async function verifyTurnstile(site, token, ip) {
    if (site.config.challenge?.provider !== 'turnstile') return false;
    const form = new URLSearchParams({ secret: site.config.challenge.secret, response: token });
    if (ip) form.set('remoteip', ip);
    try {
      const res = await doFetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(5_000) });
      const answer = (await res.json()) as { success?: boolean };
      return res.ok && answer.success === true;
    } catch {
      return false; // unreachable verifier: the request is refused, never waved through
    }
  };
}
