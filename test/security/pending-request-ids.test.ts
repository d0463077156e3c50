// Someone who types another person's number while that person's sign-up is pending must learn nothing of it:
// a request is answered with its own consent, never the pending one's id or proof URL (which show when, from
// which page, address prefix and browser the victim asked, and later whether they confirmed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appWithTestIp, json, linkToken, makeHarness, widgetFor, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const PHONE = '+33612345678';

async function ask(app: ReturnType<typeof appWithTestIp>, ip: string, userAgent: string, pageUrl: string) {
  const w = await widgetFor(h);
  const res = await app.request(
    '/v1/sites/demo/consents',
    json({ phone: '06 12 34 56 78', choice: 'yes', ...w, pageUrl }, { 'x-test-ip': ip, 'user-agent': userAgent }),
  );
  expect(res.status).toBe(202);
  return (await res.json()) as { consentId: string; proofUrl: string; status: string; maskedPhone: string };
}

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

describe('a second request for a number with a pending sign-up', () => {
  it("never answers the victim's consent id or proof URL, and its proof says nothing of the victim's request", async () => {
    const app = appWithTestIp(h);
    const victim = await ask(app, '198.51.100.23', FIREFOX, 'https://shop.example/newsletter?ref=victim');
    await h.flush();
    h.advance(60_000);
    const attacker = await ask(app, '203.0.113.99', CHROME, 'https://evil.example/probe');

    expect(attacker.consentId).not.toBe(victim.consentId);
    expect(attacker.proofUrl).not.toContain(victim.consentId);
    expect(JSON.stringify(attacker)).not.toContain(victim.consentId);

    // What the attacker can open describes the attacker's own request only.
    const proof = await h.app.request(new URL(attacker.proofUrl).pathname, { headers: { accept: 'application/json' } });
    expect(proof.status).toBe(200);
    const text = await proof.text();
    expect(text).not.toContain(victim.consentId);
    expect(text).not.toContain('198.51.100');
    expect(text).not.toContain('shop.example');
    expect(text).not.toContain('Firefox');
  });

  it("keeps the double opt-in: each SMS link confirms the request that sent it, the victim's own one included", async () => {
    const app = appWithTestIp(h);
    const victim = await ask(app, '198.51.100.23', FIREFOX, 'https://shop.example/newsletter');
    await h.flush();
    const victimLink = linkToken(h, 'c', PHONE);
    h.advance(60_000);
    const other = await ask(app, '203.0.113.99', CHROME, 'https://evil.example/probe');
    await h.flush();
    const otherLink = linkToken(h, 'c', PHONE);
    expect(otherLink).not.toBe(victimLink);

    expect((await h.app.request(`/c/${victimLink}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(victim.consentId))?.status).toBe('confirmed');
    expect((await h.ctx.consents.byId(other.consentId))?.status).toBe('pending');
    expect((await h.app.request(`/c/${otherLink}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(other.consentId))?.status).toBe('confirmed');
  });

  it("the same visitor asking again (the widget's resend) gets a fresh consent whose link works", async () => {
    const first = await ask(appWithTestIp(h), '198.51.100.23', FIREFOX, 'https://shop.example/');
    await h.flush();
    h.advance(60_000);
    const again = await ask(appWithTestIp(h), '198.51.100.23', FIREFOX, 'https://shop.example/');
    expect(again.consentId).not.toBe(first.consentId);
    expect(again.status).toBe('pending');
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c', PHONE)}`, { method: 'POST' })).status).toBe(200);
    expect((await h.ctx.consents.byId(again.consentId))?.status).toBe('confirmed');
  });
});
