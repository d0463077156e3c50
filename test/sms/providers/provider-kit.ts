// Shared set-up for the provider tests: a JSON stand-in for a provider's send API that accepts every message and
// keeps it, and the demo site switched to a provider as an owner must (a policy naming it first, then the settings).
import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import { ADMIN_TOKEN, json, type Harness } from '../../harness.ts';
import { auth, updateDemo } from '../fixtures.ts';
import { startStandIn, type Recorded, type StandIn } from './stand-in.ts';

export interface ProviderStandIn {
  server: StandIn;
  baseUrl: string;
  /** Every send request received on `path`, parsed as JSON. */
  sends(): { headers: Recorded['headers']; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** A stand-in answering POST `path` with `answer(body, n)` (status and JSON), and 404 to anything else. */
export async function startJsonProvider(
  path: string | RegExp,
  answer: (body: Record<string, unknown>, n: number) => { status: number; body: unknown },
): Promise<ProviderStandIn> {
  let n = 0;
  const matches = (p: string) => (typeof path === 'string' ? p === path : path.test(p));
  const server = await startStandIn((req: Recorded, res: ServerResponse) => {
    if (req.method !== 'POST' || !matches(req.path)) {
      res.writeHead(404).end();
      return true;
    }
    const { status, body } = answer(JSON.parse(req.body) as Record<string, unknown>, ++n);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return true;
  });
  return {
    server,
    baseUrl: server.baseUrl,
    sends: () =>
      server.requests
        .filter((r) => r.method === 'POST' && matches(r.path))
        .map((r) => ({ headers: r.headers, body: JSON.parse(r.body) as Record<string, unknown> })),
    close: () => server.close(),
  };
}

/** Publishes a policy naming the provider (in an EEA country), then sets `sms` as the platform admin. */
export async function useProvider(h: Harness, recipientName: string, sms: Record<string, unknown>): Promise<void> {
  await updateDemo(h, (config) => {
    const policy = config.policy as { recipients: unknown[] };
    policy.recipients.push({
      name: recipientName,
      role: 'processor',
      purpose: { fr: 'envoie nos SMS', en: 'sends our texts' },
      country: 'France',
    });
  });
  const published = await h.app.request(
    '/v1/sites/demo/policies',
    json({ summary: `${recipientName} sends our texts.` }, auth(h)),
  );
  expect(published.status).toBe(201);
  await updateDemo(h, (config) => void (config.sms = sms), { authorization: `Bearer ${ADMIN_TOKEN}` });
}

/** A PUT of the demo site's configuration with `sms` replaced; answers the response. */
export async function putSms(
  h: Harness,
  sms: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Response> {
  const got = await h.app.request('/v1/sites/demo', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const { config } = (await got.json()) as { config: Record<string, unknown> };
  return h.app.request('/v1/sites/demo', { ...json({ ...config, sms }, headers), method: 'PUT' });
}

/** The /c/ token in the latest body sent to a number. */
export function confirmTokenIn(bodies: string[]): string {
  for (const body of [...bodies].reverse()) {
    const m = /\/c\/([A-Za-z0-9_-]{43})/.exec(body);
    if (m) return m[1]!;
  }
  throw new Error('no /c/ link sent');
}
