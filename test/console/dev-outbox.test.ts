// /dev/outbox: JSON for clients, a page for browsers with clickable links, and a reply box whose signed inbound
// message really confirms (OUI) and withdraws (STOP); nothing of it in production.
import { afterEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
afterEach(() => h?.close());

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const reply = (body: string, headers: Record<string, string> = {}) =>
  h.app.request('/dev/outbox/reply', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...headers },
    body: new URLSearchParams({ site: 'demo', from: '+33612345678', body }).toString(),
  });
const status = async () =>
  (
    (await (
      await h.app.request(
        '/v1/sites/demo/subscribers/lookup',
        json({ phone: '+33612345678' }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
      )
    ).json()) as { status: string }
  ).status;

it('shows the messages as a page with links, keeps JSON for clients, and a signed OUI then STOP change the consent', async () => {
  h = await makeHarness();
  expect((await optIn(h)).status).toBe(202);
  await h.flush();
  const asJson = await h.app.request('/dev/outbox');
  expect(asJson.headers.get('content-type')).toMatch(/application\/json/);
  expect(((await asJson.json()) as unknown[]).length).toBe(1);
  const page = await h.app.request('/dev/outbox', { headers: HTML });
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  const html = await page.text();
  expect(html).toMatch(/<a href="https:\/\/assent\.test\/c\/[A-Za-z0-9_-]{43}">/);
  expect(html).toContain('action="/dev/outbox/reply"');
  expect(await status()).toBe('pending');

  const oui = await reply('OUI');
  expect(oui.status).toBe(303);
  expect(oui.headers.get('location')).toBe('/dev/outbox?replied=confirm-pending&answered=0');
  expect(await status()).toBe('confirmed');
  const stop = await reply('STOP');
  expect(stop.status).toBe(303);
  expect(await status()).toBe('withdrawn');
  expect(await (await h.app.request('/dev/outbox?replied=withdraw', { headers: HTML })).text()).toContain(
    'Reply handled',
  );
});

it('refuses a reply posted from another site, and is absent in production', async () => {
  h = await makeHarness();
  expect((await optIn(h)).status).toBe(202);
  expect((await reply('OUI', { origin: 'https://evil.example' })).status).toBe(403);
  expect(await status()).toBe('pending');
  await h.close();
  h = await makeHarness({ mode: 'production' });
  expect((await h.app.request('/dev/outbox', { headers: HTML })).status).toBe(404);
  expect((await reply('OUI')).status).toBe(404);
});

it('keeps the answers sent to STOP and HELP as messages to the number, and says none is sent to free text', async () => {
  h = await makeHarness();
  expect((await optIn(h)).status).toBe(202);
  await h.flush();
  const bodies = async () =>
    ((await (await h.app.request('/dev/outbox')).json()) as { to: string; body: string }[]).map((m) => m.body);
  const before = (await bodies()).length;

  const help = await reply('AIDE');
  expect(help.headers.get('location')).toBe('/dev/outbox?replied=none&answered=1');
  const afterHelp = await bodies();
  expect(afterHelp).toHaveLength(before + 1);
  expect(afterHelp.at(-1)).toContain('support@demo-shop.fr');

  const free = await reply('merci beaucoup');
  expect(free.headers.get('location')).toBe('/dev/outbox?replied=none&answered=0');
  expect(await bodies()).toHaveLength(before + 1);
  const page = await (await h.app.request(free.headers.get('location')!, { headers: HTML })).text();
  expect(page).toContain('No answer is sent back');

  const stop = await reply('STOP');
  expect(stop.headers.get('location')).toBe('/dev/outbox?replied=withdraw-all-and-suppress&answered=1');
  const afterStop = await bodies();
  expect(afterStop).toHaveLength(before + 2);
  expect(afterStop.at(-1)).not.toBe(afterHelp.at(-1));
  const html = await (await h.app.request(stop.headers.get('location')!, { headers: HTML })).text();
  expect(html).toContain('Answer to your reply, to +33612345678 · demo');
  expect(html).toContain('The answer sent back is the newest message below.');
});
