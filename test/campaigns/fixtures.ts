// Shared by the campaign tests: a demo site that may text France (a short code), confirmed subscribers made through
// the API, and campaign requests.
import { LibsqlError, type Client, type InStatement } from '@libsql/client';
import { expect } from 'vitest';
import { json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth, frenchMobile, updateDemo } from '../sms/fixtures.ts';

/** A harness whose demo site has the short code every French marketing send needs. */
export async function frenchSender(options?: Parameters<typeof makeHarness>[0]): Promise<Harness> {
  const h = await makeHarness(options);
  await updateDemo(h, (config) => {
    (config.program as Record<string, unknown>).shortCode = '36111';
  });
  return h;
}

/** Opts number `n` in and confirms it by the link in its SMS; returns the consent id. */
export async function subscribe(h: Harness, n: number): Promise<string> {
  const { national, e164 } = frenchMobile(n);
  const res = await optIn(h, national, { locale: 'fr' });
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c', e164)}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  return consentId;
}

export const send = (h: Harness, body: Record<string, unknown>) =>
  h.app.request('/v1/sites/demo/messages', json(body, auth(h)));

export const get = async <T>(h: Harness, path: string): Promise<T> => {
  const res = await h.app.request(path, { headers: auth(h) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};

export const stop = (h: Harness, id: string) =>
  h.app.request(`/v1/sites/demo/campaigns/${id}/stop`, { method: 'POST', headers: auth(h) });

export interface Progress {
  id: string;
  status: string;
  audience: number;
  progress: Record<'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'cancelled', number>;
  skipped: { reason: string; count: number }[];
  cost: { segmentsPerMessage: number; segmentsSent: number; segmentsPlanned: number };
  sendAt: string;
  requestedAt: string | null;
  message: { text: string; segments: number; encoding: string };
}

export const progressOf = (h: Harness, id: string) => get<Progress>(h, `/v1/sites/demo/campaigns/${id}`);

/** Marketing messages the console provider handed out (not confirmations or links). */
export const marketingSent = (h: Harness) =>
  h.outbox.list().filter((m) => !m.body.includes('/c/') && !m.body.includes('/u/') && m.body.includes('STOP au'));

/** A client whose `failAt`-th batch with a statement matching `pattern` fails with a real I/O error code, while armed. */
export function crashingClient(
  client: Client,
  state: { armed: boolean; seen: number; failAt: number },
  pattern: RegExp,
): Client {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'batch') {
        return async (stmts: InStatement[], mode?: 'write' | 'read' | 'deferred') => {
          const matches = stmts.some((s) => pattern.test(typeof s === 'string' ? s : s.sql));
          if (state.armed && matches && ++state.seen === state.failAt)
            throw new LibsqlError('SQLITE_IOERR: injected storage fault', 'SQLITE_IOERR', 'SQLITE_IOERR');
          return target.batch(stmts, mode);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
