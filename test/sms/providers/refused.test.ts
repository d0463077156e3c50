// Both providers behind the outbound guard: a refused URL (private address after resolution, a redirect) fails the
// message for good — it is not retried, since every retry would be refused the same way — and nothing is sent.
import { describe, expect, it } from 'vitest';
import type { OutboundPolicy } from '../../../worker/net/outbound.ts';
import { createTwilioProvider } from '../../../worker/sms/providers/twilio.ts';
import { createWebhookProvider } from '../../../worker/sms/providers/webhook.ts';

const message = { id: 'msg-1', to: '+33612345678', body: 'Hello' };
const resolvesTo = (...addresses: string[]): OutboundPolicy => ({ allowLocal: false, resolve: async () => addresses });

function network(answer: () => Response) {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    calls.push(String(input));
    return answer();
  };
  return { calls, fetch };
}

/** The providers as the router builds them: the network, and the outbound policy they guard every call with. */
const providers = (outbound: OutboundPolicy, fetch: typeof globalThis.fetch) => ({
  twilio: createTwilioProvider({
    accountSid: `AC${'a'.repeat(32)}`,
    authToken: 'token-0123456789',
    from: '+447700900000',
    apiBaseUrl: 'https://api.sms.example',
    fetch,
    outbound,
  }),
  webhook: createWebhookProvider({
    url: 'https://hooks.sms.example/send',
    secret: 'whsec-0123456789abcdef',
    fetch,
    outbound,
  }),
});

describe.each(['twilio', 'webhook'] as const)('%s', (name) => {
  it('built without a policy, it refuses a private literal address by itself', async () => {
    const net = network(() => new Response('{"sid":"SM1"}', { status: 201 }));
    const bare = {
      twilio: createTwilioProvider({
        accountSid: `AC${'a'.repeat(32)}`,
        authToken: 'token-0123456789',
        from: '+447700900000',
        apiBaseUrl: 'http://169.254.169.254',
        fetch: net.fetch,
      }),
      webhook: createWebhookProvider({
        url: 'https://[::ffff:127.0.0.1]/send',
        secret: 'whsec-0123456789abcdef',
        fetch: net.fetch,
      }),
    };
    expect(await bare[name].send(message)).toMatchObject({ ok: false, retryable: false });
    expect(net.calls).toEqual([]);
  });

  it('a name resolving to a private address: final failure, no request', async () => {
    const net = network(() => new Response('{"sid":"SM1"}', { status: 201 }));
    const result = await providers(resolvesTo('10.0.0.7'), net.fetch)[name].send(message);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.reason).toMatch(/refused: .*10\.0\.0\.7.*not a public address/);
    expect(!result.ok && result.reason).not.toContain(message.to);
    expect(net.calls).toEqual([]);
  });

  it('a redirect: final failure, the location is never requested', async () => {
    const net = network(() => new Response(null, { status: 307, headers: { location: 'http://169.254.169.254/' } }));
    const result = await providers(resolvesTo('93.184.216.34'), net.fetch)[name].send(message);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(net.calls).toHaveLength(1);
    expect(net.calls[0]).not.toContain('169.254');
  });

  it('a public address is called, with redirects set to manual', async () => {
    let redirect: RequestRedirect | undefined;
    const fetch: typeof globalThis.fetch = async (_input, init) => {
      redirect = init?.redirect;
      return new Response('{"sid":"SM1","id":"SM1"}', { status: 201 });
    };
    const result = await providers(resolvesTo('93.184.216.34', '2606:2800:220:1::1'), fetch)[name].send(message);
    expect(result).toEqual({ ok: true, providerMessageId: 'SM1' });
    expect(redirect).toBe('manual');
  });
});
