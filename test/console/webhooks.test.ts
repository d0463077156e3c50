// Console webhooks page: lists the endpoints (never a secret) and the last deliveries with the receiver's answer,
// and sends a failed one again with the same webhook-id (form token required).
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth } from '../sms/fixtures.ts';
import { startReceiver, type Receiver } from '../webhooks/receiver.ts';
import { signIn } from './helpers.ts';

let h: Harness;
let receiver: Receiver;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  h = await makeHarness();
  receiver = await startReceiver(() => h.now());
});
afterEach(async () => {
  vi.useRealTimers();
  await receiver.close();
  await h.close();
});

it('shows endpoints and deliveries with their answers, and replays a failed one', async () => {
  const res = await h.app.request(
    '/v1/sites/demo/webhooks',
    json({ url: receiver.url, events: ['consent.requested'] }, auth(h)),
  );
  const { secret } = (await res.json()) as { secret: string };
  receiver.secrets.push(secret);
  receiver.down = true;
  await optIn(h);
  for (let hour = 0; hour <= 73; hour++) {
    await h.flush();
    h.advance(3_600_000);
  }
  await h.flush();

  const c = await signIn(h);
  const page = await c.get('/console/webhooks');
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(receiver.url);
  expect(html).not.toContain(secret.slice(6));
  const seq = /id="delivery-(\d+)"/.exec(html)![1]!;
  const row = html.slice(html.indexOf(`id="delivery-${seq}"`));
  expect(row).toMatch(/<td>consent\.requested<\/td><td>failed<\/td><td>503<\/td>/);

  receiver.down = false;
  const forged = await h.app.request(`/console/webhooks/deliveries/${seq}/replay`, { method: 'POST' });
  expect(forged.status).not.toBe(303);
  const replayed = await c.post(`/console/webhooks/deliveries/${seq}/replay`, {});
  expect(replayed.status).toBe(303);
  expect(replayed.headers.get('location')).toBe('/console/webhooks?replayed=1');
  await h.flush();
  expect(receiver.accepted().map((p) => p.type)).toEqual(['consent.requested']);
  const after = await (await c.get('/console/webhooks?replayed=1')).text();
  expect(after).toMatch(/<td>consent\.requested<\/td><td>delivered<\/td><td>204<\/td>/);
});

it('shows the Brevo connector as such, without its API key', async () => {
  const apiKey = 'xkeysib-console-0123456789abcdef';
  const res = await h.app.request(
    '/v1/sites/demo/webhooks',
    json({ kind: 'brevo', apiKey, url: receiver.url }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
  expect(res.status).toBe(201);
  const c = await signIn(h);
  const html = await (await c.get('/console/webhooks')).text();
  expect(html).toContain('Brevo');
  expect(html).toContain('consent.confirmed, consent.withdrawn, subscriber.erased');
  expect(html).not.toContain(apiKey);
});
