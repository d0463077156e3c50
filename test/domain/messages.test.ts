// Site owners' SMS: template preview (opt-out mention, sender name, encoding, segments, transliteration) and
// marketing sends through the outbox, to confirmed subscribers only, inside quiet hours in Europe/Paris.
import { afterEach, describe, expect, it } from 'vitest';
import { json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth, frenchMobile, updateDemo } from '../sms/fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PREFIX = 'Demo Shop : ';
const MENTION = '\nRépondez STOP';
/** Marketing to French numbers goes out with a short code, and ends with its mention. */
const STOP_AU = '\nSTOP au 36111';

/** A harness whose demo site (texting France) has the short code every French marketing send needs. */
async function frenchSender(options?: Parameters<typeof makeHarness>[0]): Promise<Harness> {
  const harness = await makeHarness(options);
  await updateDemo(harness, (config) => {
    (config.program as Record<string, unknown>).shortCode = '36111';
  });
  return harness;
}

async function preview(harness: Harness, body: Record<string, unknown>) {
  return harness.app.request('/v1/sites/demo/messages/preview', json(body, auth(harness)));
}

async function send(harness: Harness, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return harness.app.request('/v1/sites/demo/messages', json(body, { ...auth(harness), ...headers }));
}

/** Opts a number in and confirms it by the link in the console provider's SMS; returns the consent id. */
async function subscribe(harness: Harness, n: number, locale = 'fr'): Promise<string> {
  const { national, e164 } = frenchMobile(n);
  const res = await optIn(harness, national, { locale });
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await harness.flush();
  expect((await harness.app.request(`/c/${linkToken(harness, 'c', e164)}`, { method: 'POST' })).status).toBe(200);
  return consentId;
}

const marketingTo = (harness: Harness, n: number) =>
  harness.outbox
    .list()
    .filter((m) => m.to === frenchMobile(n).e164 && !m.body.includes('/c/') && !m.body.includes('/u/'));

async function marketingRows(harness: Harness, consentId: string) {
  return (await harness.ctx.outbox.forConsent(consentId)).filter((m) => m.kind === 'marketing');
}

describe('preview', () => {
  it('prefixes the sender name, appends the opt-out mention and counts GSM-7 segments', async () => {
    h = await makeHarness();
    const res = await preview(h, {
      template: 'Bonjour {{name}}, -20 % ce week-end',
      variables: { name: 'Ann', unused: 'x' },
    });
    expect(res.status).toBe(200);
    const text = `${PREFIX}Bonjour Ann, -20 % ce week-end${MENTION}`;
    expect(await res.json()).toMatchObject({ text, encoding: 'GSM-7', characters: text.length, segments: 1 });

    const en = await preview(h, { template: 'Hello {{name}}', variables: { name: 'Ann' }, locale: 'en' });
    expect(await en.json()).toMatchObject({
      text: 'Demo Shop: Hello Ann\nReply STOP to opt out',
      encoding: 'GSM-7',
      segments: 1,
    });
  });

  it('adds the system mention even when the template already says STOP, and never names the sender twice', async () => {
    h = await makeHarness();
    const res = await preview(h, { template: 'Demo Shop: soldes ! STOP au 36111', variables: {} });
    expect(((await res.json()) as { text: string }).text).toBe(`Demo Shop: soldes ! STOP au 36111${MENTION}`);
  });

  it('counts 160 septets as one segment and 161 as two, with € counting two', async () => {
    h = await makeHarness();
    // Prefix (12) + mention (14) = 26 septets around the body.
    const one = (await (await preview(h, { template: 'a'.repeat(134), variables: {} })).json()) as Record<
      string,
      unknown
    >;
    expect(one).toMatchObject({ encoding: 'GSM-7', characters: 160, segments: 1 });
    const two = (await (await preview(h, { template: 'a'.repeat(135), variables: {} })).json()) as Record<
      string,
      unknown
    >;
    expect(two).toMatchObject({ encoding: 'GSM-7', characters: 161, segments: 2 });
    const euro = (await (await preview(h, { template: `${'a'.repeat(133)}€`, variables: {} })).json()) as Record<
      string,
      unknown
    >;
    expect(euro).toMatchObject({ encoding: 'GSM-7', characters: 160, units: 161, segments: 2 });
  });

  it('names each missing variable as variables.<name> in a 422', async () => {
    h = await makeHarness();
    const res = await preview(h, { template: 'Bonjour {{name}}, code {{ code }}', variables: { name: 'Ann' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(['variables.code']);

    const none = await preview(h, { template: '{{a}} {{b}}' });
    expect(((await none.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'variables.a',
      'variables.b',
    ]);

    const malformed = await preview(h, { template: 'Hi {{first name}}', variables: {} });
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'template',
    ]);
  });

  it('reports the segments a GSM-7 transliteration saves', async () => {
    h = await makeHarness();
    const template = 'Fête de printemps : -30 % sur tout le magasin ce week-end, à bientôt chez nous, {{name}} !';
    const res = await preview(h, { template, variables: { name: 'Zoé' }, transliterate: true });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ encoding: 'UCS-2', characters: 111, segments: 2 });
    expect(body.transliterated).toMatchObject({
      text: `${PREFIX}Fete de printemps : -30 % sur tout le magasin ce week-end, à bientot chez nous, Zoé !${MENTION}`,
      encoding: 'GSM-7',
      segments: 1,
      saves: 1,
      remaining: [],
    });
  });

  it('needs the site key', async () => {
    h = await makeHarness();
    const res = await h.app.request('/v1/sites/demo/messages/preview', json({ template: 'x', variables: {} }));
    expect(res.status).toBe(401);
  });
});

describe('marketing send', () => {
  it('queues only confirmed, current subscribers and says why others were skipped', async () => {
    h = await frenchSender();
    // 1 confirms under policy v1, then a material change (a new recipient) requires its renewal.
    await subscribe(h, 1);
    await updateDemo(h, (config) => {
      const policy = config.policy as { recipients: unknown[] };
      policy.recipients.push({
        name: 'Mesures Lumen SAS',
        role: 'processor',
        purpose: { fr: 'mesure les envois', en: 'measures sends' },
        country: { fr: 'France', en: 'France' },
      });
    });
    const published = await h.app.request('/v1/sites/demo/policies', json({ summary: 'New recipient.' }, auth(h)));
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ version: 2, renewalRequired: true });

    h.advance(60_000);
    const two = await subscribe(h, 2);
    const three = await subscribe(h, 3);
    // 4 stays pending; 5 confirmed then unsubscribed by its link.
    expect((await optIn(h, frenchMobile(4).national)).status).toBe(202);
    await subscribe(h, 5);
    await h.flush();
    expect((await h.app.request(`/u/${linkToken(h, 'u', frenchMobile(5).e164)}`, { method: 'POST' })).status).toBe(200);

    // Saturday 28 Nov 2026, 11:00 in Paris: inside the window.
    const res = await send(h, { template: 'Promo {{code}} ce samedi', variables: { code: 'NOEL' } });
    expect(res.status).toBe(202);
    const report = (await res.json()) as Record<string, unknown>;
    expect(report).toMatchObject({
      queued: 2,
      skipped: [{ reason: 'renewal_required', count: 1 }],
      quietHours: false,
      sendAt: new Date(h.now()).toISOString(),
      message: { text: `${PREFIX}Promo NOEL ce samedi${STOP_AU}`, encoding: 'GSM-7', segments: 1 },
    });
    expect(await marketingRows(h, two)).toHaveLength(1);
    expect(await marketingRows(h, three)).toHaveLength(1);

    await h.flush();
    for (const n of [2, 3])
      expect(marketingTo(h, n).map((m) => m.body)).toEqual([`${PREFIX}Promo NOEL ce samedi${STOP_AU}`]);
    for (const n of [1, 4, 5]) expect(marketingTo(h, n)).toEqual([]);
  });

  it('sends the transliterated text when asked', async () => {
    h = await frenchSender();
    await subscribe(h, 1);
    const res = await send(h, { template: 'Fête à bientôt', variables: {}, transliterate: true });
    expect(res.status).toBe(202);
    await h.flush();
    expect(marketingTo(h, 1).map((m) => m.body)).toEqual([`${PREFIX}Fete à bientot${STOP_AU}`]);
  });

  it('queues nothing twice for a repeated idempotency key (body or header)', async () => {
    h = await frenchSender();
    const a = await subscribe(h, 1);
    const b = await subscribe(h, 2);
    const body = { template: 'Soldes {{n}}', variables: { n: 1 }, idempotencyKey: 'campaign-2026-11-28' };
    expect((await send(h, body)).status).toBe(202);
    await h.flush();
    expect((await send(h, body)).status).toBe(202);
    expect(
      (await send(h, { template: 'Soldes {{n}}', variables: { n: 1 } }, { 'idempotency-key': 'campaign-2026-11-28' }))
        .status,
    ).toBe(202);
    await h.flush();
    expect(await marketingRows(h, a)).toHaveLength(1);
    expect(await marketingRows(h, b)).toHaveLength(1);
    expect(marketingTo(h, 1)).toHaveLength(1);
    expect(marketingTo(h, 2)).toHaveLength(1);

    // A new key is a new send.
    expect((await send(h, { ...body, idempotencyKey: 'campaign-2026-11-29' })).status).toBe(202);
    await h.flush();
    expect(marketingTo(h, 1)).toHaveLength(2);
  });

  it('refuses a send with a missing variable and queues nothing', async () => {
    h = await frenchSender();
    const a = await subscribe(h, 1);
    const res = await send(h, { template: 'Code {{code}}', variables: {} });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'variables.code',
    ]);
    expect(await marketingRows(h, a)).toEqual([]);
  });
});

describe('quiet hours (Europe/Paris)', () => {
  const SUNDAY_10_PARIS = Date.parse('2026-11-29T09:00:00Z');
  const MONDAY_08_PARIS = Date.parse('2026-11-30T07:00:00Z');

  it('on Sunday at 10:00 schedules for Monday 08:00 and sends nothing before', async () => {
    h = await frenchSender({ start: SUNDAY_10_PARIS });
    const a = await subscribe(h, 1);
    const b = await subscribe(h, 2);
    const res = await send(h, { template: 'Nouvelle collection', variables: {} });
    expect(await res.json()).toMatchObject({ queued: 2, quietHours: true, sendAt: '2026-11-30T07:00:00.000Z' });
    for (const id of [a, b]) {
      const rows = await marketingRows(h, id);
      expect(rows.map((r) => [r.status, r.nextAttemptAt])).toEqual([['queued', MONDAY_08_PARIS]]);
    }
    await h.flush();
    expect([...marketingTo(h, 1), ...marketingTo(h, 2)]).toEqual([]);

    h.advance(MONDAY_08_PARIS - 1 - h.now());
    await h.flush();
    expect([...marketingTo(h, 1), ...marketingTo(h, 2)]).toEqual([]);

    h.advance(1);
    await h.flush();
    expect(marketingTo(h, 1)).toHaveLength(1);
    expect(marketingTo(h, 2)).toHaveLength(1);
    expect(marketingTo(h, 1)[0]!.createdAt).toBe('2026-11-30T07:00:00.000Z');
  });

  it('at 20:00 on Saturday waits for Monday, at 19:59 sends at once', async () => {
    h = await frenchSender({ start: Date.parse('2026-11-28T18:59:00Z') });
    await subscribe(h, 1);
    expect(await (await send(h, { template: 'A', variables: {} })).json()).toMatchObject({ quietHours: false });
    h.advance(60_000);
    expect(await (await send(h, { template: 'B', variables: {} })).json()).toMatchObject({
      quietHours: true,
      sendAt: '2026-11-30T07:00:00.000Z',
    });
    await h.flush();
    expect(marketingTo(h, 1).map((m) => m.body)).toEqual([`${PREFIX}A${STOP_AU}`]);
  });

  it('skips the 1 May 2027 public holiday (a Saturday) and Sunday', async () => {
    // Saturday 1 May 2027, 10:00 in Paris (CEST).
    h = await frenchSender({ start: Date.parse('2027-05-01T08:00:00Z') });
    const a = await subscribe(h, 1);
    const res = await send(h, { template: 'Muguet', variables: {} });
    expect(await res.json()).toMatchObject({ queued: 1, quietHours: true, sendAt: '2027-05-03T06:00:00.000Z' });
    expect((await marketingRows(h, a))[0]!.nextAttemptAt).toBe(Date.parse('2027-05-03T06:00:00Z'));
    h.advance(Date.parse('2027-05-02T12:00:00Z') - h.now());
    await h.flush();
    expect(marketingTo(h, 1)).toEqual([]);
    h.advance(Date.parse('2027-05-03T06:00:00Z') - h.now());
    await h.flush();
    expect(marketingTo(h, 1)).toHaveLength(1);
  });

  it('sends confirmation messages at once, even on Sunday night (transactional)', async () => {
    // Sunday 29 Nov 2026, 23:30 in Paris.
    h = await frenchSender({ start: Date.parse('2026-11-29T22:30:00Z') });
    const { national, e164 } = frenchMobile(1);
    const res = await optIn(h, national);
    expect(res.status).toBe(202);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    const sent = h.outbox.list().filter((m) => m.to === e164);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.createdAt).toBe('2026-11-29T22:30:00.000Z');

    h.advance(5 * 60_000);
    expect((await h.app.request(`/c/${linkToken(h, 'c', e164)}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    const rows = await h.ctx.outbox.forConsent(consentId);
    expect(rows.map((r) => [r.kind, r.status]).sort()).toEqual([
      ['confirm-request', 'sent'],
      ['confirmed', 'sent'],
    ]);
    expect(h.outbox.list().filter((m) => m.to === e164)).toHaveLength(2);
  });
});
