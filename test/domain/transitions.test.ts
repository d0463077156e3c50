// Every consent state transition through HTTP, and the forbidden ones: GET never changes state, expiry, repeats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  confirmedConsent,
  consentStatus,
  json,
  linkToken,
  makeHarness,
  optIn,
  pendingConsent,
  widgetFor,
  type Harness,
} from '../harness.ts';
import { count, countEvents, eventTypes, outboxKinds, sentTo, snapshot } from '../assertions.ts';

const HOUR = 3_600_000;
const PHONE = '+33612345678';
/** A well-formed token nobody was ever sent (43 base64url characters, 256 bits). */
const INVENTED = `${'A'.repeat(21)}_${'b'.repeat(21)}`;

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const pending = (phone?: string) => pendingConsent(h, phone);
const confirmed = () => confirmedConsent(h);
const status = (consentId: string) => consentStatus(h, consentId);

describe('requesting', () => {
  it('a "yes" stores a pending consent, a requested event and one queued confirmation message in one go', async () => {
    const res = await optIn(h);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { consentId: string; status: string; expiresAt: string };
    expect(body.status).toBe('pending');
    expect(body.expiresAt).toBe(new Date(h.now() + 48 * HOUR).toISOString());
    const consent = (await h.ctx.consents.byId(body.consentId))!;
    expect(consent).toMatchObject({
      status: 'pending',
      siteId: 'demo',
      locale: 'fr',
      policyVersion: 1,
      expiresAt: h.now() + 48 * HOUR,
    });
    expect(await eventTypes(h, body.consentId)).toEqual(['requested']);
    expect(await outboxKinds(h, body.consentId)).toEqual(['confirm-request']);
    expect((await h.ctx.outbox.forConsent(body.consentId))[0]!.status).toBe('queued');
    await h.flush();
    expect((await h.ctx.outbox.forConsent(body.consentId))[0]!.status).toBe('sent');
    const messages = sentTo(h, PHONE);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toMatch(/https:\/\/assent\.test\/c\/[A-Za-z0-9_-]{43}/);
    expect(messages[0]!.body).not.toContain('/u/');
  });

  it('a "no" answers 204 and stores nothing personal: no subject, no consent, no message; the site counts a decline', async () => {
    const before = (await h.ctx.sites.get('demo'))!.declines;
    const w = await widgetFor(h);
    const res = await h.app.request('/v1/sites/demo/consents', json({ phone: '06 12 34 56 78', choice: 'no', ...w }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await h.ctx.sites.get('demo'))!.declines).toBe(before + 1);
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(0);
    expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(0);
    expect(await count(h, 'SELECT COUNT(*) FROM outbox')).toBe(0);
    expect(await count(h, "SELECT COUNT(*) FROM consent_events WHERE type <> 'policy-published'")).toBe(0);
    await h.flush();
    expect(h.outbox.list()).toHaveLength(0);
  });

  it('a second "yes" while pending opens a consent of its own; each link confirms its own request', async () => {
    const first = await pending();
    const oldToken = linkToken(h, 'c');
    h.advance(HOUR);
    const res = await optIn(h, '+33 6 12 34 56 78');
    expect(res.status).toBe(202);
    const again = (await res.json()) as { consentId: string; expiresAt: string };
    // Answering the pending consent would hand whoever typed the number another request's record.
    expect(again.consentId).not.toBe(first);
    expect(again.expiresAt).toBe(new Date(h.now() + 48 * HOUR).toISOString());
    expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(2);
    expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(1);
    expect(await eventTypes(h, first)).toEqual(['requested', 'sms-sent']);
    expect(await eventTypes(h, again.consentId)).toEqual(['requested']);
    await h.flush();
    expect(sentTo(h, PHONE)).toHaveLength(2);
    const newToken = linkToken(h, 'c');
    expect(newToken).not.toBe(oldToken);

    const ok = await h.app.request(`/c/${newToken}`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Inscription confirmée');
    expect(await status(again.consentId)).toBe('confirmed');
    expect(await status(first)).toBe('pending');
    const old = await h.app.request(`/c/${oldToken}`, { method: 'POST' });
    expect(old.status).toBe(200);
    expect(await status(first)).toBe('confirmed');
  });
});

describe('GET never changes state', () => {
  it('GET and HEAD on a confirm link leave every table as it was', async () => {
    const consentId = await pending();
    const token = linkToken(h, 'c');
    const before = await snapshot(h);
    const page = await h.app.request(`/c/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Confirmez votre inscription');
    expect(html).toContain(`<form method="post" action="/c/${token}"`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const head = await h.app.request(`/c/${token}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    await h.app.request(`/c/${token}`);
    expect(await snapshot(h)).toBe(before);
    expect(await status(consentId)).toBe('pending');
  });

  it('GET and HEAD on an unsubscribe link leave a confirmed consent confirmed', async () => {
    const { consentId, unsubscribe } = await confirmed();
    const before = await snapshot(h);
    const page = await h.app.request(`/u/${unsubscribe}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<form method="post" action="/u/${unsubscribe}"`);
    expect((await h.app.request(`/u/${unsubscribe}`, { method: 'HEAD' })).status).toBe(200);
    expect(await snapshot(h)).toBe(before);
    expect(await status(consentId)).toBe('confirmed');
    expect(
      await h.ctx.subjects.isSuppressed(
        'demo',
        (await h.ctx.subjects.byId((await h.ctx.consents.byId(consentId))!.subjectId))!.phoneIndex,
      ),
    ).toBe(false);
  });

  it('GET on an expired confirm link says expired (410) and still changes nothing', async () => {
    const consentId = await pending();
    const token = linkToken(h, 'c');
    h.advance(48 * HOUR + 1);
    const before = await snapshot(h);
    const page = await h.app.request(`/c/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Ce lien a expiré');
    expect(await snapshot(h)).toBe(before);
    expect(await status(consentId)).toBe('pending');
  });
});

describe('confirming', () => {
  it('a confirm at exactly 48 h still works (the deadline is inclusive)', async () => {
    const consentId = await pending();
    h.advance(48 * HOUR);
    const res = await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await status(consentId)).toBe('confirmed');
  });

  it('a confirm 48 h + 1 ms later answers an expired page (410), expires the consent and logs an expired event', async () => {
    const consentId = await pending();
    h.advance(48 * HOUR + 1);
    const res = await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('Ce lien a expiré');
    expect(html).not.toContain('<form');
    expect(await status(consentId)).toBe('expired');
    expect(await eventTypes(h, consentId)).toEqual(['requested', 'sms-sent', 'expired']);
    await h.flush();
    expect(await outboxKinds(h, consentId)).toEqual(['confirm-request']);
    expect(sentTo(h, PHONE)).toHaveLength(1);
    // A second try changes nothing more.
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(410);
    expect(await countEvents(h, consentId, 'expired')).toBe(1);
  });

  it('confirming twice is idempotent: one confirmed event, one confirmed SMS, same page', async () => {
    const consentId = await pending();
    const token = linkToken(h, 'c');
    const first = await h.app.request(`/c/${token}`, { method: 'POST' });
    const second = await h.app.request(`/c/${token}`, { method: 'POST' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('Inscription confirmée');
    const row = (await h.ctx.consents.byId(consentId))!;
    expect(row).toMatchObject({ status: 'confirmed', confirmMethod: 'link', confirmedAt: h.now() });
    expect(await countEvents(h, consentId, 'confirmed')).toBe(1);
    expect(await outboxKinds(h, consentId)).toEqual(['confirm-request', 'confirmed']);
    await h.flush();
    const messages = sentTo(h, PHONE);
    expect(messages).toHaveLength(2);
    expect(messages.filter((m) => /\/u\/[A-Za-z0-9_-]{43}/.test(m.body))).toHaveLength(1);
    // The GET page of a confirmed consent says so and offers no button.
    const page = await h.app.request(`/c/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('<form');
  });

  it('the confirmation turns the send gate to canSend', async () => {
    await confirmed();
    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: PHONE }, { authorization: `Bearer ${h.demoKey}` }),
    );
    expect(gate.status).toBe(200);
    expect(await gate.json()).toMatchObject({
      maskedPhone: '+33 6 •• •• •• 78',
      status: 'confirmed',
      canSend: true,
      suppressed: false,
    });
  });

  it('a confirm after unsubscribing does not resurrect the consent', async () => {
    const { consentId, unsubscribe } = await confirmed();
    const confirmToken = linkToken(h, 'c');
    expect((await h.app.request(`/u/${unsubscribe}`, { method: 'POST' })).status).toBe(200);
    const res = await h.app.request(`/c/${confirmToken}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Inscription retirée');
    expect(await status(consentId)).toBe('withdrawn');
    expect(await countEvents(h, consentId, 'confirmed')).toBe(1);
  });
});

describe('unsubscribing', () => {
  it('before confirmation there is no unsubscribe link: an invented token gets the clear 404 page, the consent stays pending', async () => {
    const consentId = await pending();
    expect(sentTo(h, PHONE).some((m) => m.body.includes('/u/'))).toBe(false);
    const before = await snapshot(h);
    for (const method of ['GET', 'POST']) {
      const res = await h.app.request(`/u/${INVENTED}`, { method, headers: { 'accept-language': 'en-GB,en;q=0.8' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('Link not recognised');
      expect(html).not.toMatch(/Error|at \w+ \(/);
    }
    // The confirm token is not an unsubscribe token either.
    expect((await h.app.request(`/u/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(404);
    expect(await snapshot(h)).toBe(before);
    expect(await status(consentId)).toBe('pending');
  });

  it('malformed tokens get the same clear page, in French when asked', async () => {
    for (const path of ['/c/short', '/u/short', `/c/${INVENTED}x`, `/c/${'%20'.repeat(20)}`]) {
      const res = await h.app.request(path, { method: 'POST', headers: { 'accept-language': 'fr-FR' } });
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('Lien non reconnu');
    }
  });

  it('POST /u withdraws, suppresses the number, logs one withdrawn event, and is idempotent', async () => {
    const { consentId, unsubscribe } = await confirmed();
    const first = await h.app.request(`/u/${unsubscribe}`, { method: 'POST' });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Inscription retirée');
    const second = await h.app.request(`/u/${unsubscribe}`, { method: 'POST' });
    expect(second.status).toBe(200);
    expect((await h.ctx.consents.byId(consentId))!).toMatchObject({
      status: 'withdrawn',
      withdrawMethod: 'link',
      withdrawnAt: h.now(),
    });
    expect(await countEvents(h, consentId, 'withdrawn')).toBe(1);
    expect(await count(h, 'SELECT COUNT(*) FROM suppressions')).toBe(1);
    const gate = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: PHONE }, { authorization: `Bearer ${h.demoKey}` }),
    );
    expect(await gate.json()).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });
  });
});
