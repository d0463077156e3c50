import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookProvider } from '../../../worker/sms/providers/webhook.ts';
import { verifyWebhook } from '../../../worker/sms/signatures.ts';
import { hang, json, startStandIn, type StandIn } from './stand-in.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TO = '+33612345678';
const NOW = Date.parse('2026-11-28T12:00:00Z');

let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const provider = (url: string) =>
  createWebhookProvider({ url, secret: SECRET, timeoutMs: 300, now: () => NOW, outbound: { allowLocal: true } });

describe('webhook provider against a stand-in', () => {
  it('POSTs signed JSON with Standard Webhooks headers the receiver can verify', async () => {
    standIn = await startStandIn();
    standIn.script.push(json(200, { providerMessageId: 'theirs-1' }));
    const result = await provider(`${standIn.baseUrl}/sms`).send({
      id: 'out_1',
      to: TO,
      body: 'Démo: é & ✓',
      statusCallbackUrl: 'https://assent.example/v1/sites/demo/status/webhook',
    });
    expect(result).toEqual({ ok: true, providerMessageId: 'theirs-1' });
    const req = standIn.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/sms');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['webhook-id']).toBe('out_1');
    expect(req?.headers['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(JSON.parse(req?.body ?? '')).toEqual({
      id: 'out_1',
      to: TO,
      body: 'Démo: é & ✓',
      statusCallbackUrl: 'https://assent.example/v1/sites/demo/status/webhook',
    });
    const headers = req?.headers as Record<string, string>;
    expect(await verifyWebhook({ secret: SECRET, headers, body: req?.body ?? '', now: new Date(NOW) })).toEqual({
      ok: true,
      id: 'out_1',
      timestamp: NOW / 1000,
    });
    expect(
      await verifyWebhook({ secret: 'whsec_AAAA', headers, body: req?.body ?? '', now: new Date(NOW) }),
    ).toMatchObject({ ok: false });
  });

  it('maps 429, 503, a hang, 400 and 204 to the contract, keeping the same webhook-id across retries', async () => {
    standIn = await startStandIn();
    standIn.script.push(
      json(429, {}, { 'retry-after': '12' }),
      json(503, { error: `down for ${TO}` }),
      hang,
      json(400, { error: `bad number ${TO}` }),
      (_req, res) => res.writeHead(204).end(),
    );
    const webhook = provider(standIn.baseUrl);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await webhook.send({ id: 'same', to: TO, body: 'hello' }));
    expect(results[0]).toEqual({ ok: false, retryable: true, retryAfterSeconds: 12, reason: 'webhook HTTP 429' });
    expect(results[1]).toEqual({ ok: false, retryable: true, reason: 'webhook HTTP 503' });
    expect(results[2]).toMatchObject({ ok: false, retryable: true });
    expect(results[2]).not.toHaveProperty('unknown');
    expect(results[3]).toEqual({ ok: false, retryable: false, reason: 'webhook HTTP 400' });
    expect(results[4]).toEqual({ ok: true, providerMessageId: 'same' });
    expect(new Set(standIn.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['same']));
    expect(JSON.stringify(results)).not.toContain('612345678');
  });
});
