// Campaigns in the API: a send is a named campaign with progress, delivery reports and cost in segments; it can be
// scheduled (never before the sending hours) and stopped; the queue says what waits, until when and why.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchDue } from '../../worker/domain/messaging/index.ts';
import type { Harness } from '../harness.ts';
import { auth } from '../sms/fixtures.ts';
import { frenchSender, get, marketingSent, progressOf, send, stop, subscribe, type Progress } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;

describe('a campaign', () => {
  it('answers its id, lists it, and counts sent, delivered and segments from the outbox', async () => {
    h = await frenchSender();
    for (let n = 1; n <= 3; n++) await subscribe(h, n);
    const res = await send(h, { template: 'Soldes : -20 % ce week-end' });
    expect(res.status).toBe(202);
    const report = (await res.json()) as { campaignId: string; queued: number; scheduled: boolean };
    expect(report.campaignId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(report.queued).toBe(3);
    expect(report.scheduled).toBe(false);
    let p = await progressOf(h, report.campaignId);
    expect(p.status).toBe('sending');
    expect(p.progress.queued).toBe(3);
    expect(p.cost.segmentsSent).toBe(0);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(3);
    // A delivery report for one message: counted as delivered.
    const rows = (
      await h.ctx.outbox.forConsent((await h.ctx.consents.confirmedPage('demo', '', 10))[0]!.consentId)
    ).filter((r) => r.kind === 'marketing');
    await h.ctx.outbox.setDeliveryStatusById(rows[0]!.id, 'demo', 'delivered', []);
    p = await progressOf(h, report.campaignId);
    expect(p.status).toBe('done');
    expect(p.progress).toMatchObject({ queued: 0, sent: 3, delivered: 1 });
    expect(p.audience).toBe(3);
    expect(p.cost).toEqual({
      segmentsPerMessage: p.message.segments,
      segmentsSent: 3 * p.message.segments,
      segmentsPlanned: 3 * p.message.segments,
    });
    expect(p.message.text).toContain('STOP au 36111');
    const list = await get<{ campaigns: Progress[] }>(h, '/v1/sites/demo/campaigns');
    expect(list.campaigns.map((c) => c.id)).toEqual([report.campaignId]);
  });

  it('a retried request with the same key answers the same campaign and queues nothing twice', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    const body = { template: 'Nouveautés en boutique', idempotencyKey: 'campaign-key-0001' };
    const a = (await (await send(h, body)).json()) as { campaignId: string };
    const b = (await (await send(h, body)).json()) as { campaignId: string };
    expect(b.campaignId).toBe(a.campaignId);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(1);
    expect((await get<{ campaigns: unknown[] }>(h, '/v1/sites/demo/campaigns')).campaigns).toHaveLength(1);
  });

  it('waits for a chosen time, and a time outside the sending hours moves to the next window', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    // Saturday 10:00 UTC now; 15:00 UTC (16:00 Paris) is inside the sending hours.
    const at = new Date(h.now() + 5 * HOUR).toISOString();
    const res = await send(h, { template: 'Vente privée', sendAt: at });
    const report = (await res.json()) as {
      campaignId: string;
      sendAt: string;
      scheduled: boolean;
      quietHours: boolean;
    };
    expect(report).toMatchObject({ sendAt: at, scheduled: true, quietHours: false });
    await h.flush();
    expect(marketingSent(h)).toHaveLength(0);
    expect((await progressOf(h, report.campaignId)).status).toBe('scheduled');
    let queue = await get<{ queue: { campaignId: string; reason: string; until: string; count: number }[] }>(
      h,
      '/v1/sites/demo/queue',
    );
    expect(queue.queue).toEqual([
      expect.objectContaining({ campaignId: report.campaignId, reason: 'scheduled', until: at, count: 1 }),
    ]);
    // Sunday noon (Paris) is closed: Monday 08:00 Paris (07:00 UTC).
    const sunday = await send(h, { template: 'Dimanche', sendAt: '2026-11-29T11:00:00Z' });
    const later = (await sunday.json()) as { campaignId: string; sendAt: string; quietHours: boolean };
    expect(later).toMatchObject({ sendAt: '2026-11-30T07:00:00.000Z', quietHours: true });
    queue = await get(h, '/v1/sites/demo/queue');
    expect(queue.queue.find((q) => q.campaignId === later.campaignId)).toMatchObject({
      reason: 'quiet_hours',
      until: '2026-11-30T07:00:00.000Z',
    });
    h.advance(5 * HOUR);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(1);
    expect((await progressOf(h, report.campaignId)).status).toBe('done');
  });

  it('with nobody to text, still reads scheduled until its time, then done', async () => {
    h = await frenchSender();
    const at = new Date(h.now() + 5 * HOUR).toISOString();
    const res = await send(h, { template: 'Personne encore', sendAt: at });
    const report = (await res.json()) as { campaignId: string; queued: number };
    expect(report.queued).toBe(0);
    expect((await progressOf(h, report.campaignId)).status).toBe('scheduled');
    h.advance(5 * HOUR);
    await h.flush();
    expect((await progressOf(h, report.campaignId)).status).toBe('done');
  });

  it('refuses a time in the past, a bad time and a locale the site does not offer, naming the field', async () => {
    h = await frenchSender();
    for (const [body, path] of [
      [{ template: 'x', sendAt: new Date(h.now() - 1000).toISOString() }, 'sendAt'],
      [{ template: 'x', sendAt: 'tomorrow' }, 'sendAt'],
      [{ template: 'x', sendAt: new Date(h.now() + 400 * 86_400_000).toISOString() }, 'sendAt'],
      [{ template: 'x', locale: 'de' }, 'locale'],
    ] as const) {
      const res = await send(h, body);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((e) => e.path)).toContain(path);
    }
    expect((await get<{ campaigns: unknown[] }>(h, '/v1/sites/demo/campaigns')).campaigns).toHaveLength(0);
  });

  it('is stopped: what has not left is cancelled in one batch, a second stop changes nothing', async () => {
    h = await frenchSender();
    for (let n = 1; n <= 3; n++) await subscribe(h, n);
    const at = new Date(h.now() + 2 * HOUR).toISOString();
    const body = { template: 'Bientôt', sendAt: at, idempotencyKey: 'stopped-campaign-01' };
    const { campaignId } = (await (await send(h, body)).json()) as { campaignId: string };
    const res = await stop(h, campaignId);
    expect(res.status).toBe(200);
    const stopped = (await res.json()) as Progress & { cancelledNow: number };
    expect(stopped).toMatchObject({ status: 'stopped', cancelledNow: 3 });
    expect(stopped.progress).toMatchObject({ queued: 0, cancelled: 3 });
    expect(stopped.skipped).toEqual([{ reason: 'stopped', count: 3 }]);
    // A retried start of the stopped campaign (same key) queues nothing again.
    const retried = (await (await send(h, body)).json()) as { campaignId: string; queued: number };
    expect(retried).toMatchObject({ campaignId, queued: 0 });
    expect((await get<{ queue: unknown[] }>(h, '/v1/sites/demo/queue')).queue).toEqual([]);
    h.advance(3 * HOUR);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(0);
    const again = (await (await stop(h, campaignId)).json()) as { cancelledNow: number; status: string };
    expect(again).toMatchObject({ cancelledNow: 0, status: 'stopped' });
  });

  it('answers 404 for an unknown or another site’s campaign, and 401 without a key', async () => {
    h = await frenchSender();
    expect((await h.app.request('/v1/sites/demo/campaigns/nope', { headers: auth(h) })).status).toBe(404);
    expect((await stop(h, 'nope')).status).toBe(404);
    expect((await h.app.request('/v1/sites/demo/campaigns')).status).toBe(401);
    expect((await h.app.request('/v1/sites/demo/queue')).status).toBe(401);
  });

  it('refuses a purpose the published policy does not declare, naming purpose, and queues nothing', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    const res = await send(h, { template: 'Soldes : -20 % ce week-end', purpose: 'nope' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ path: 'purpose', message: expect.stringContaining('sms-marketing') }]);
    expect((await get<{ campaigns: unknown[] }>(h, '/v1/sites/demo/campaigns')).campaigns).toEqual([]);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(0);
    // A declared purpose (the demo policy's own) is sent as before.
    const declared = await send(h, { template: 'Soldes : -20 % ce week-end', purpose: 'sms-marketing' });
    expect(declared.status).toBe(202);
    expect(((await declared.json()) as { queued: number }).queued).toBe(1);
  });

  it('the campaign list and the queue take no query parameter: one is a 422 naming it', async () => {
    h = await frenchSender();
    for (const [path, name] of [
      ['/v1/sites/demo/campaigns?status=stopped', 'status'],
      ['/v1/sites/demo/queue?campaignId=x', 'campaignId'],
    ] as const) {
      const res = await h.app.request(path, { headers: auth(h) });
      expect(res.status, path).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([name]);
    }
    expect((await get<{ campaigns: unknown[] }>(h, '/v1/sites/demo/campaigns')).campaigns).toEqual([]);
  });

  it('the queue says due, then retrying after a provider failure, until the retry time', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    const at = new Date(h.now() + HOUR).toISOString();
    const { campaignId } = (await (await send(h, { template: 'Essai', sendAt: at })).json()) as { campaignId: string };
    h.advance(HOUR);
    type Queue = { queue: { campaignId: string | null; reason: string; until: string }[] };
    expect((await get<Queue>(h, '/v1/sites/demo/queue')).queue).toEqual([
      expect.objectContaining({ campaignId, reason: 'due' }),
    ]);
    const failing = {
      name: 'failing',
      send: async () => ({ ok: false as const, retryable: true as const, reason: 'HTTP 503' }),
    };
    const report = await dispatchDue({ ...h.ctx, providerFor: () => failing }, {});
    expect(report.retried).toBe(1);
    const [entry] = (await get<Queue>(h, '/v1/sites/demo/queue')).queue;
    expect(entry).toMatchObject({ campaignId, reason: 'retry' });
    expect(Date.parse(entry!.until)).toBeGreaterThan(h.now());
  });
});
