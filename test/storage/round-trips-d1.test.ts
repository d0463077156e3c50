// The round-trip budgets on D1: the Workers entry under workerd (Miniflare, local D1 in the data dir), counted by the
// request-scoped view of the D1 binding and read from each response's Server-Timing header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { startWorkers, type WorkersServer } from '../../scripts/start-workers.ts';
import { ADMIN_TOKEN, availability, freePort, tempDir, waitHealthy, workerdPresent } from '../runtime/servers.ts';
import { BUDGETS, tripsOf } from './trips.ts';

const { skip } = availability('workerd', workerdPresent());

describe.skipIf(skip)('round trips per request on D1 (workerd)', () => {
  let server: WorkersServer;
  const dir = tempDir('round-trips-d1');
  beforeAll(async () => {
    const port = await freePort();
    server = await startWorkers({
      env: {
        PORT: String(port),
        ASSENT_DATA_DIR: dir,
        ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
        ASSENT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      quiet: true,
    });
    await waitHealthy(server.url, null, 50_000);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    get(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  async function ok(res: Response, status = 200) {
    expect(res.status, `${res.url}: ${res.status === status ? '' : await res.clone().text()}`).toBe(status);
    return tripsOf(res);
  }
  async function link(kind: 'c', to: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const messages = (await (await get('/dev/outbox')).json()) as { to: string; body: string }[];
      const match = messages
        .filter((m) => m.to === to)
        .map((m) => new RegExp(`/${kind}/([A-Za-z0-9_-]{43})`).exec(m.body))
        .find(Boolean);
      if (match) return match[1]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no /${kind}/ link sent to ${to}`);
  }

  it('each hot route stays within its budget', { timeout: 60_000 }, async () => {
    const widgetFirst = await ok(await get('/v1/sites/demo/widget?locale=fr'));
    const widgetRes = await get('/v1/sites/demo/widget?locale=fr');
    const widgetCached = await ok(widgetRes.clone());
    const doc = (await widgetRes.json()) as { textSha256: string; policy: { version: number }; locale: string };
    const optIn = (phone: string) =>
      post('/v1/sites/demo/consents', {
        phone,
        choice: 'yes',
        locale: doc.locale,
        textSha256: doc.textSha256,
        policyVersion: doc.policy.version,
      });
    const consentFirst = await ok(await optIn('06 40 00 00 01'), 202);
    const res = await optIn('06 40 00 00 02');
    const consent = await ok(res.clone(), 202);
    const { consentId } = (await res.json()) as { consentId: string };
    const confirm = await ok(await get(`/c/${await link('c', '+33640000002')}`, { method: 'POST' }));
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    await ok(await post('/v1/sites/demo/subscribers/lookup', { phone: '+33640000002' }, auth));
    const gate = await ok(await post('/v1/sites/demo/subscribers/lookup', { phone: '+33640000002' }, auth));
    const proof = await ok(await get(`/proofs/${consentId}`, { headers: { accept: 'application/json' } }));

    const consentAgain = await ok(await optIn('06 40 00 00 01'), 202); // already pending: the message is sent anew
    const trips = { widgetFirst, widgetCached, consentFirst, consent, consentAgain, confirm, gate, proof };
    console.log(`D1 round trips: ${JSON.stringify(trips)}`);
    expect(widgetCached, 'widget document, cached').toBe(BUDGETS.widgetCached);
    expect(consentFirst, 'consent POST, first of its notice in this isolate').toBeLessThanOrEqual(BUDGETS.consentCold);
    expect(consent, 'consent POST').toBeLessThanOrEqual(BUDGETS.consent);
    expect(consentAgain, 'consent POST, number already pending').toBeLessThanOrEqual(BUDGETS.consent);
    expect(confirm, 'confirm POST').toBeLessThanOrEqual(BUDGETS.confirm);
    expect(gate, 'send gate lookup').toBe(BUDGETS.gate);
    expect(proof, 'proof GET').toBeLessThanOrEqual(BUDGETS.proof);
  });

  // The counters of an attempt are one upsert whose RETURNING rows D1 hands back in its own result shape: the limit
  // still reads their counts (here the per-address limit, 20 an hour, with the three opt-ins above from this address).
  it('refuses the 21st opt-in from one address within the hour with 429 and Retry-After', {
    timeout: 60_000,
  }, async () => {
    const doc = (await (await get('/v1/sites/demo/widget?locale=fr')).json()) as {
      textSha256: string;
      policy: { version: number };
      locale: string;
    };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 18; i++) {
      last = await post('/v1/sites/demo/consents', {
        phone: `06 41 00 00 ${String(i).padStart(2, '0')}`,
        choice: 'yes',
        locale: doc.locale,
        textSha256: doc.textSha256,
        policyVersion: doc.policy.version,
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 17)).toEqual(Array(17).fill(202));
    expect(statuses[17]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
