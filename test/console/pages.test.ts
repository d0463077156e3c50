// Console pages through app.request: overview numbers, widget texts (saved, served, equal choice enforced), the
// policy publish flow (refusal naming the missing item, then a new version), SMS test send, settings.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../worker/domain/site/sites.ts';
import { ADMIN_TOKEN, confirmedConsent, makeHarness, pendingConsent, type Harness } from '../harness.ts';
import { signIn, type ConsoleClient } from './helpers.ts';
import { useProvider } from '../sms/providers/provider-kit.ts';

let h: Harness;
let c: ConsoleClient;
afterEach(() => h?.close());

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const config = async () =>
  ((await (await h.app.request('/v1/sites/demo', { headers: ADMIN })).json()) as { config: Record<string, any> })
    .config;
const seedOf = (html: string, id: string) =>
  JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!);

describe('overview', () => {
  it('counts consents by status and rates over 7/30 days, with masked numbers only', async () => {
    h = await makeHarness();
    await confirmedConsent(h);
    await pendingConsent(h, '06 98 76 54 32');
    c = await signIn(h);
    const html = await (await c.get('/console')).text();
    expect(html).toMatch(/data-status="confirmed"><th scope="row">Confirmed<\/th><td>1<\/td>/);
    expect(html).toMatch(/data-status="pending"><th scope="row">Waiting for confirmation<\/th><td>1<\/td>/);
    expect(html).toMatch(/data-window="7"><th scope="row">Last 7 days<\/th><td>2<\/td><td>1<\/td><td>50%<\/td>/);
    expect(html).toContain('+33 6 •• •• •• 78');
    expect(html).not.toContain('612345678');
    expect(html).not.toContain('698765432');
    expect(html).toMatch(/Entries in the log: \d+/);
  });

  it('counts numbers once: a confirmed number that asks again is one number the gate allows, two consents', async () => {
    h = await makeHarness();
    await confirmedConsent(h); // 06 12 34 56 78
    await pendingConsent(h, '06 12 34 56 78'); // typed in again: a second consent, pending
    await pendingConsent(h, '06 98 76 54 32');
    c = await signIn(h);
    const html = await (await c.get('/console')).text();
    expect(html).toContain('Numbers the send gate lets you text today: 1, of 2 known numbers');
    expect(html).toMatch(/data-status="pending"><th scope="row">Waiting for confirmation<\/th><td>2<\/td>/);
    expect(html).toMatch(/data-status="confirmed"><th scope="row">Confirmed<\/th><td>1<\/td>/);
  });

  it('speaks French when asked', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const res = await h.app.request('/console', { headers: { cookie: `${c.cookie}; assent-console-lang=fr` } });
    const html = await res.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Vue d’ensemble');
  });
});

describe('widget texts', () => {
  it('saves an edited label, which the widget then serves; a lopsided pair of choices is refused', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const page = await (await c.get('/console/widget')).text();
    const seed = seedOf(page, 'widget-seed');
    expect(Object.keys(seed.docs).sort()).toEqual(['en', 'fr']);
    expect(page).toContain('src="/widget.js"');
    const ok = await c.post('/console/widget', { 't.en.yes': 'Yes, text me deals', 't.en.no': 'No, thank you' });
    expect(ok.status).toBe(303);
    expect((await config()).widget.texts.en.yes).toBe('Yes, text me deals');
    const doc = (await (await h.app.request('/v1/sites/demo/widget?locale=en')).json()) as { texts: { yes: string } };
    expect(doc.texts.yes).toBe('Yes, text me deals');
    const bad = await c.post('/console/widget', {
      't.en.yes': 'Yes please, send me every wonderful offer you have',
      't.en.no': 'No',
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('widget.texts.en.yes');
    expect((await config()).widget.texts.en.yes).toBe('Yes, text me deals');
  });

  it('saves the program texts (in site settings now), which the widget and the SMS then use', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const program = {
      'program.name': 'Shop News',
      'program.helpContact': 'aide@boutique-lune.fr',
      'program.description.fr': 'nos offres',
      'program.description.en': 'our offers',
      'program.frequency.fr': 'deux SMS par mois au plus',
      'program.frequency.en': 'two texts a month at most',
    };
    const res = await c.post('/console/configuration/program', program);
    expect(res.status).toBe(303);
    const doc = (await (await h.app.request('/v1/sites/demo/widget?locale=en')).json()) as {
      texts: { program: string; frequency: string };
    };
    expect(doc.texts).toMatchObject({ program: 'Shop News', frequency: 'two texts a month at most' });
    const empty = await c.post('/console/configuration/program', { ...program, 'program.name': '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('<code>program.name</code>');
    expect((await config()).program.name).toBe('Shop News');
  });
});

describe('policy', () => {
  it('refuses to publish without a retention period, naming it; publishes once it is given', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const page = await (await c.get('/console/policy')).text();
    const seed = seedOf(page, 'policy-seed');
    expect(seed.published.version).toBe(1);
    const { retention, ...withoutRetention } = seed.facts;
    expect(retention).toBeTruthy();
    const refused = await c.post('/console/policy', {
      facts: JSON.stringify(withoutRetention),
      summary: 'No retention',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/<code>policy\.retention[.\w]*<\/code>/);
    expect(await h.ctx.policies.latestVersion('demo')).toBe(1);
    const done = await c.post('/console/policy', {
      facts: JSON.stringify({ ...withoutRetention, retention }),
      summary: 'Same facts again',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console/policy?published=2');
    expect(await h.ctx.policies.latestVersion('demo')).toBe(2);
  });

  it('keeps the stored facts when the policy they make is refused (too hard to read)', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const seed = seedOf(await (await c.get('/console/policy')).text(), 'policy-seed');
    const legalese =
      // A period is stated (a text without one is refused before readability is even measured).
      'Personal data processed for the purposes of direct marketing communications shall be retained for a period of 24 months, in accordance with applicable regulatory recommendations and jurisprudential considerations notwithstanding';
    const retention = JSON.parse(JSON.stringify(seed.facts.retention), (_k, v) =>
      typeof v === 'string' ? legalese : v,
    );
    const before = (await config()).policy.retention;
    const refused = await c.post('/console/policy', {
      facts: JSON.stringify({ ...seed.facts, retention }),
      summary: 'Legalese',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/<code>policy\.fr\.sections\.retention<\/code>/);
    expect(await h.ctx.policies.latestVersion('demo')).toBe(1);
    expect((await config()).policy.retention).toEqual(before);
  });

  it('answers facts that are not JSON, or nest too deep, with a 422 naming the field, never a 500', async () => {
    h = await makeHarness();
    c = await signIn(h);
    for (const facts of ['{', `{"controller":${'['.repeat(2600)}${']'.repeat(2600)}}`]) {
      const res = await c.post('/console/policy', { facts, summary: 'Broken facts' });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('<code>policy</code>');
    }
    expect(await h.ctx.policies.latestVersion('demo')).toBe(1);
  });
});

describe('SMS', () => {
  it('test-sends the composed message (sender name and opt-out mention) to a number in dev', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const res = await c.post('/console/sms/test', {
      template: 'Hello from the shop',
      locale: 'en',
      to: '06 11 22 33 44',
    });
    expect(res.status).toBe(303);
    const sent = h.outbox.list().find((m) => m.to === '+33611223344')!;
    expect(sent.body).toMatch(/^Demo Shop: Hello from the shop\n/);
    expect(sent.body).toContain('STOP');
    const bad = await c.post('/console/sms/test', { template: 'Hi', locale: 'en', to: '12' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('<code>to</code>');
  });
});

describe('settings', () => {
  it('tests an origin, lists refused origins, issues a key shown once and revokes it', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const allowed = await (await c.post('/console/settings/test-origin', { origin: 'http://localhost:3000' })).text();
    expect(allowed).toContain('http://localhost:3000 is allowed.');
    const refused = await (
      await c.post('/console/settings/test-origin', { origin: 'https://elsewhere.example' })
    ).text();
    expect(refused).toContain('https://elsewhere.example is refused');
    await h.app.request('/v1/sites/demo/consents', {
      method: 'OPTIONS',
      headers: { origin: 'https://wrong.example', 'access-control-request-method': 'POST' },
    });
    await new Promise((r) => setTimeout(r, 20));
    const page = await (await c.get('/console/settings')).text();
    expect(page).toMatch(/<td>https:\/\/wrong\.example<\/td><td>1<\/td>/);
    expect(page).toMatch(/integrity=&quot;sha384-[A-Za-z0-9+/=]+&quot;/);
    const issued = await (await c.post('/console/settings/keys', {})).text();
    const key = /id="new-key">(ask_[A-Za-z0-9_-]+)</.exec(issued)![1]!;
    const other = await signIn(h, key);
    expect((await other.get('/console')).status).toBe(200);
    const keys = (await (await h.app.request('/v1/sites/demo/keys', { headers: ADMIN })).json()) as {
      keys: { id: string; revokedAt: string | null }[];
    };
    const newest = keys.keys.at(-1)!;
    expect((await c.post('/console/settings/keys/revoke', { id: newest.id })).status).toBe(303);
    expect((await other.get('/console')).status).toBe(303);
    expect(await (await c.get('/console/settings')).text()).not.toContain(key);
  });

  it('keeps provider secrets write-only: an empty field keeps the stored one', async () => {
    h = await makeHarness();
    c = await signIn(h);
    const sid = `AC${'a'.repeat(32)}`;
    // Switching to Twilio is refused while the policy does not name it as a recipient; the page names the field.
    const refused = await c.post('/console/settings/provider', {
      provider: 'twilio',
      accountSid: sid,
      authToken: 'secret-token-1',
      from: '+447700900000',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('<code>policy.recipients</code>');
    const cfg = await config();
    cfg.policy.recipients.push({
      name: 'Twilio Ireland',
      role: 'processor',
      purpose: { en: 'sends our texts', fr: 'envoie nos SMS' },
      country: 'Ireland',
    });
    expect(
      (
        await h.app.request('/v1/sites/demo', {
          method: 'PUT',
          headers: { ...ADMIN, 'content-type': 'application/json' },
          body: JSON.stringify(cfg),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.app.request('/v1/sites/demo/policies', {
          method: 'POST',
          headers: { ...ADMIN, 'content-type': 'application/json' },
          body: JSON.stringify({ summary: 'Twilio sends our texts' }),
        })
      ).status,
    ).toBe(201);
    const switched = await c.post('/console/settings/provider', {
      provider: 'twilio',
      accountSid: sid,
      authToken: 'secret-token-1',
      from: '+447700900000',
    });
    expect(switched.status).toBe(303);
    const page = await (await c.get('/console/settings')).text();
    expect(page).not.toContain('secret-token-1');
    expect(
      (
        await c.post('/console/settings/provider', {
          provider: 'twilio',
          accountSid: sid,
          authToken: '',
          from: '+447700900001',
        })
      ).status,
    ).toBe(303);
    const stored = await loadSite(h.ctx, 'demo');
    expect(stored.config.sms).toMatchObject({ authToken: 'secret-token-1', from: '+447700900001' });
  });

  it('keeps a provider set through the API (OVHcloud here): shown selected with its own reply URL, saved unchanged', async () => {
    h = await makeHarness();
    const token = 'T'.repeat(43);
    const ovh = {
      provider: 'ovh',
      serviceName: 'sms-ab12345-1',
      applicationKey: 'Ak7Bq2Xy9Lm4Np0R',
      applicationSecret: 'as-0123456789abcdef-secret',
      consumerKey: 'ck-0123456789abcdef-consumer',
      webhookToken: token,
    };
    await useProvider(h, 'OVH SAS (OVHcloud)', ovh);
    c = await signIn(h);
    const page = await (await c.get('/console/settings')).text();
    expect(page).toMatch(/<option value="ovh" selected(="")?>ovh<\/option>/);
    expect(page).toContain('/v1/sites/demo/inbound/ovh/WEBHOOK_TOKEN');
    expect(page).not.toContain(token);
    expect((await c.post('/console/settings/provider', { provider: 'ovh' })).status).toBe(303);
    expect((await loadSite(h.ctx, 'demo')).config.sms).toMatchObject({ provider: 'ovh', webhookToken: token });
  });

  it("saving Twilio keeps what the form does not show: the platform admin's API host stays", async () => {
    h = await makeHarness();
    const twilio = {
      provider: 'twilio',
      accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
      authToken: 'twilio-auth-token-secret-1',
      from: '+447700900000',
      apiBaseUrl: 'https://api.dublin.ie1.twilio.com',
    };
    await useProvider(h, 'Twilio Ireland', twilio);
    c = await signIn(h);
    expect(
      (
        await c.post('/console/settings/provider', {
          provider: 'twilio',
          accountSid: twilio.accountSid,
          from: '+447700900001',
        })
      ).status,
    ).toBe(303);
    expect((await loadSite(h.ctx, 'demo')).config.sms).toMatchObject({ ...twilio, from: '+447700900001' });
  });

  it('refuses a provider it does not know, naming the field, instead of silently choosing the console provider', async () => {
    h = await makeHarness();
    c = await signIn(h);
    for (const provider of ['', 'twilo']) {
      const res = await c.post('/console/settings/provider', { provider });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('<code>sms.provider</code>');
    }
  });
});
