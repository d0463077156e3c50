// The console's campaign and renewal pages through the front door: compose shows the audience, the advertiser name,
// the opt-out mention and the cost; a send starts a campaign that the jobs finish; a scheduled one is stopped; bad
// input keeps what was typed; a viewer reads but cannot send; every change is in the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { frenchSender, marketingSent, subscribe } from '../campaigns/fixtures.ts';
import { seedConfirmed } from '../routes/seed-subscribers.ts';
import { signIn } from './helpers.ts';
import { acceptInvite, inviteToken } from './people-helpers.ts';
import { ADMIN_TOKEN, json } from '../harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the campaigns page', () => {
  it('composes, sends to the confirmed subscribers, shows progress, and stops a scheduled campaign', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    await subscribe(h, 2);
    const owner = await signIn(h);
    const page = await (await owner.get('/console/campaigns')).text();
    expect(page).toContain('id="campaign-audience"');
    expect(page).toMatch(/Audience: 2 subscriber/);
    expect(page).toContain('STOP au 36111');
    expect(page).toContain('<strong id="campaign-advertiser">Demo Shop</strong>');
    const key = /name="key" value="([^"]+)"/.exec(page)![1]!;

    const sent = await owner.post('/console/campaigns', { template: 'Soldes : -30 %', locale: 'fr', when: 'now', key });
    expect(sent.status).toBe(303);
    const detailUrl = sent.headers.get('location')!;
    expect(detailUrl).toMatch(/^\/console\/campaigns\/[A-Za-z0-9_-]+\?started=1$/);
    // The same form posted twice (a double click) starts one campaign.
    const again = await owner.post('/console/campaigns', {
      template: 'Soldes : -30 %',
      locale: 'fr',
      when: 'now',
      key,
    });
    expect(again.headers.get('location')).toBe(detailUrl);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(2);
    const detail = await (await owner.get(detailUrl)).text();
    expect(detail).toContain('<dd id="campaign-status">done</dd>');
    expect(detail).toMatch(/Sent<\/th><td>2<\/td>/);

    // Scheduled for tomorrow 10:00 in Paris (Sunday is closed: it moves to Monday 08:00), then stopped.
    const later = await owner.post('/console/campaigns', {
      template: 'Vente privée',
      locale: 'fr',
      when: 'later',
      sendAt: '2026-11-29T10:00',
      key: 'second-form-key-0000000001',
    });
    expect(later.status).toBe(303);
    const laterUrl = later.headers.get('location')!.replace('?started=1', '');
    const scheduled = await (await owner.get(laterUrl)).text();
    expect(scheduled).toContain('<dd id="campaign-status">scheduled</dd>');
    expect(scheduled).toContain('30 November 2026, 08:00 (UTC+1)');
    const list = await (await owner.get('/console/campaigns')).text();
    expect(list).toContain('outside the sending hours');
    const stopped = await owner.post(`${laterUrl}/stop`, {});
    expect(stopped.status).toBe(303);
    const after = await (await owner.get(laterUrl)).text();
    expect(after).toContain('<dd id="campaign-status">stopped</dd>');
    expect(after).not.toContain('Stop this campaign');
    // The audit trail names both starts and the stop: described on the page, recorded as they were in the export.
    const audit = await (await owner.get('/console/audit')).text();
    expect(audit).toContain('Started a campaign');
    expect(audit).toContain('Stopped a campaign');
    const exported = await (await owner.get('/console/audit.ndjson')).text();
    expect(exported).toContain('POST /console/campaigns');
    expect(exported).toContain(`POST ${laterUrl}/stop`);
    h.advance(3 * 86_400_000);
    await h.flush();
    expect(marketingSent(h)).toHaveLength(2);
  });

  it('keeps what was typed when the time is past or missing, naming the field', async () => {
    h = await frenchSender();
    const owner = await signIn(h);
    const res = await owner.post('/console/campaigns', {
      template: 'Mon texte',
      locale: 'fr',
      when: 'later',
      sendAt: '2020-01-01T10:00',
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<code>sendAt</code>');
    expect(html).toContain('Mon texte</textarea>');
    expect(
      (await h.app.request('/v1/sites/demo/campaigns', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status,
    ).toBe(200);
  });

  it('a viewer reads the campaigns and the queue but is refused a send', async () => {
    h = await frenchSender();
    const bootstrap = await signIn(h);
    const viewer = await acceptInvite(h, await inviteToken(bootstrap, 'Vera Viewer', 'viewer'));
    const page = await viewer.get('/console/campaigns');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('action="/console/campaigns"');
    expect(html).toContain('an editor or an owner can send');
    const refused = await viewer.post('/console/campaigns', { template: 'x', when: 'now' });
    expect(refused.status).toBe(403);
  });
});

describe('the renewals page', () => {
  it('says how many must renew, starts a campaign and shows its results', async () => {
    h = await frenchSender();
    await seedConfirmed(h, 3);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as any;
    config.policy.recipients.push({
      name: 'Mailer Ltd',
      role: 'processor',
      purpose: { fr: 'envoyer nos SMS', en: 'send our texts' },
      country: 'FR',
    });
    expect((await h.app.request('/v1/sites/demo', { ...json(config, admin), method: 'PUT' })).status).toBe(200);
    expect((await h.app.request('/v1/sites/demo/policies', json({ summary: 'Un prestataire.' }, admin))).status).toBe(
      201,
    );
    const owner = await signIn(h);
    const page = await (await owner.get('/console/renewals')).text();
    expect(page).toContain('3 confirmed subscriber(s) must renew their consent for policy version 2');
    expect((await owner.post('/console/renewals', { deadlineDays: '3' })).status).toBe(422);
    const started = await owner.post('/console/renewals', { deadlineDays: '14' });
    expect(started.status).toBe(303);
    await h.flush();
    const after = await (await owner.get('/console/renewals')).text();
    expect(after).toMatch(/<td>open<\/td><td>3<\/td><td>3<\/td><td>0<\/td>/);
    expect(after).not.toContain('action="/console/renewals"');
    // A second start for the same version is refused, and says why.
    expect((await owner.post('/console/renewals', { deadlineDays: '14' })).status).toBe(409);
  });
});
