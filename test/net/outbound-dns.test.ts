// A configured URL whose name cannot be resolved right now (a DNS timeout) is a network failure to retry, not a
// refusal: a refusal fails the message for good, and a passing DNS hiccup must not cost a confirmation SMS.
import { describe, expect, it } from 'vitest';
import { OutboundRefusedError, safeFetch } from '../../worker/net/outbound.ts';
import { createWebhookProvider } from '../../worker/sms/providers/webhook.ts';

const ok = async () => new Response('{"id":"x"}', { status: 200 });
const dnsDown = async (): Promise<string[]> => {
  throw Object.assign(new Error('getaddrinfo EAI_AGAIN hooks.example.com'), { code: 'EAI_AGAIN' });
};

describe('name resolution failures', () => {
  it('safeFetch rejects with a network error, not a refusal, when the resolver fails', async () => {
    const guarded = safeFetch({ allowLocal: false, resolve: dnsDown }, ok);
    const error = await guarded('https://hooks.example.com/sms').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OutboundRefusedError);
  });

  it('a webhook send during a DNS outage is retryable', async () => {
    const provider = createWebhookProvider({
      url: 'https://hooks.example.com/sms',
      secret: 'whsec_dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IQ==',
      fetch: ok,
      outbound: { allowLocal: false, resolve: dnsDown },
    });
    const result = await provider.send({ id: 'm1', to: '+33612345678', body: 'hi' });
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  it('a name that resolves to a private address is still refused for good', async () => {
    const provider = createWebhookProvider({
      url: 'https://hooks.example.com/sms',
      secret: 'whsec_dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IQ==',
      fetch: ok,
      outbound: { allowLocal: false, resolve: async () => ['10.0.0.7'] },
    });
    const result = await provider.send({ id: 'm1', to: '+33612345678', body: 'hi' });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect((result as { reason: string }).reason).toContain('10.0.0.7');
  });
});
