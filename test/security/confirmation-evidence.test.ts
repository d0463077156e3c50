// The confirmation says how and from where it came, in the signed receipt and in the logged event, so an auditor
// can tell a confirmation from the visitor's own device (or a reply from the number) from one that was not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../worker/app.ts';
import { receiptSchema } from '../../worker/domain/proof-log/receipt-schema.ts';
import { receiptShapeProblem } from '../../worker/verify/receipt-shape.ts';
import {
  genericInbound,
  INBOUND_SECRET,
  startFakeTwilio,
  twilioInbound,
  updateDemo,
  useTwilio,
} from '../sms/fixtures.ts';
import { json, linkToken, makeHarness, widgetFor, type Harness, appWithTestIp } from '../harness.ts';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const ANDROID_CHROME_NEXT =
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Mobile Safari/537.36';
const SERVER = 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)';
const E164 = '+33612345678';

let h: Harness;
let app: App;
beforeEach(async () => {
  h = await makeHarness();
  app = appWithTestIp(h, '203.0.113.9');
});
afterEach(async () => h.close());

async function requested(ip: string, userAgent: string): Promise<string> {
  const w = await widgetFor(h);
  const res = await app.request(
    '/v1/sites/demo/consents',
    json({ phone: '06 12 34 56 78', choice: 'yes', ...w }, { 'x-test-ip': ip, 'user-agent': userAgent }),
  );
  expect(res.status).toBe(202);
  await h.flush();
  return ((await res.json()) as { consentId: string }).consentId;
}

async function proof(consentId: string) {
  await h.flush();
  const res = await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
  return documented(
    (await res.json()) as { receipt: Record<string, any>; log: { entries: { leaf: Record<string, unknown> }[] } },
  );
}

/** Every receipt the tests see must match the published schema exactly (no field more, none less). */
function documented<T extends { receipt: unknown }>(p: T): T {
  const parsed = receiptSchema.safeParse(p.receipt);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  // And to the verifier's own reading of the format (no library: the one verify.mjs runs).
  expect(receiptShapeProblem(p.receipt)).toBeNull();
  return p;
}

const confirmedLeaf = (p: Awaited<ReturnType<typeof proof>>) =>
  p.log.entries.map((e) => e.leaf).find((l) => l.type === 'confirmed');

describe('link confirmations', () => {
  it('from the device that asked (same prefix, same browser family): sameDeviceAsRequest true', async () => {
    const id = await requested('192.0.2.10', ANDROID_CHROME);
    // A later visit from the same phone: another address in the same /24, a newer Chrome.
    const res = await app.request(`/c/${linkToken(h, 'c', E164)}`, {
      method: 'POST',
      headers: { 'x-test-ip': '192.0.2.200', 'user-agent': ANDROID_CHROME_NEXT },
    });
    expect(res.status).toBe(200);
    const p = await proof(id);
    expect(p.receipt.confirmation).toEqual({
      method: 'link',
      at: expect.any(String),
      ipPrefix: '192.0.2.0/24',
      browser: 'Chrome, Android',
      sameDeviceAsRequest: true,
    });
    expect(confirmedLeaf(p)).toMatchObject({ method: 'link', sameDeviceAsRequest: true });
  });

  it('from elsewhere (e.g. a webhook endpoint that saw the link): sameDeviceAsRequest false, and where from', async () => {
    const id = await requested('192.0.2.10', ANDROID_CHROME);
    const res = await app.request(`/c/${linkToken(h, 'c', E164)}`, {
      method: 'POST',
      headers: { 'x-test-ip': '198.51.100.7', 'user-agent': SERVER },
    });
    expect(res.status).toBe(200);
    const p = await proof(id);
    expect(p.receipt.confirmation).toMatchObject({
      method: 'link',
      ipPrefix: '198.51.100.0/24',
      browser: 'Other, Other',
      sameDeviceAsRequest: false,
    });
    expect(confirmedLeaf(p)).toMatchObject({ method: 'link', sameDeviceAsRequest: false });
    // The leaf itself carries no address or browser: erasure cannot reach the log, so they stay in the row only.
    expect(JSON.stringify(confirmedLeaf(p))).not.toMatch(/198\.51|Other/);
  });

  it('erasure clears where it came from; the method and the verdict stay', async () => {
    const id = await requested('192.0.2.10', ANDROID_CHROME);
    await app.request(`/c/${linkToken(h, 'c', E164)}`, {
      method: 'POST',
      headers: { 'x-test-ip': '192.0.2.10', 'user-agent': ANDROID_CHROME },
    });
    const lookup = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: E164 }, { authorization: `Bearer ${h.demoKey}` }),
    );
    const { subscriberId } = (await lookup.json()) as { subscriberId: string };
    expect(
      (
        await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${h.demoKey}` },
        })
      ).status,
    ).toBe(200);
    const p = await proof(id);
    expect(p.receipt.confirmation).toMatchObject({ method: 'link', ipPrefix: null, browser: null });
    expect(confirmedLeaf(p)).toMatchObject({ method: 'link', sameDeviceAsRequest: true });
  });
});

describe('reply confirmations', () => {
  it('record the inbound channel the reply from the number came through', async () => {
    await updateDemo(h, (config) => {
      config.inboundSecret = INBOUND_SECRET;
    });
    const id = await requested('192.0.2.10', ANDROID_CHROME);
    const res = await genericInbound(h, { from: E164, body: 'OUI' });
    expect(res.status).toBe(200);
    const p = await proof(id);
    expect(p.receipt.confirmation).toEqual({ method: 'reply', at: expect.any(String), channel: 'generic' });
    expect(confirmedLeaf(p)).toMatchObject({ method: 'reply', channel: 'generic' });
  });
});

describe('reply confirmations through Twilio', () => {
  it('record the twilio channel', async () => {
    const twilio = await startFakeTwilio(() => h.now());
    try {
      await useTwilio(h, twilio.baseUrl);
      const w = await widgetFor(h);
      const res = await h.app.request(
        '/v1/sites/demo/consents',
        json({ phone: '06 12 34 56 78', choice: 'yes', ...w }),
      );
      expect(res.status).toBe(202);
      const { consentId } = (await res.json()) as { consentId: string };
      expect((await twilioInbound(h, E164, 'Oui')).status).toBe(200);
      const p = await proof(consentId);
      expect(p.receipt.confirmation).toEqual({ method: 'reply', at: expect.any(String), channel: 'twilio' });
      expect(confirmedLeaf(p)).toMatchObject({ method: 'reply', channel: 'twilio' });
    } finally {
      await twilio.close();
    }
  });
});

describe('the receipt schema', () => {
  it('documents the confirmation fields in /openapi.json, and a pending receipt matches it too', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, unknown> };
    };
    const text = JSON.stringify(doc.components.schemas.Receipt);
    for (const field of ['sameDeviceAsRequest', 'ipPrefix', 'browser', 'channel', 'pageUrl'])
      expect(text).toContain(field);
    expect(text).not.toContain('userAgent');
    await proof(await requested('192.0.2.10', ANDROID_CHROME));
  });
});
