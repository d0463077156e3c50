// The public proof (receipt JSON, proof page, evidence file) shows the page's origin and path and a browser family
// only: a number typed into the page URL's query or fragment, or into the user agent, never appears in it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../worker/app.ts';
import { consents } from '../../worker/db/schema.ts';
import { browserFamily, pageOriginAndPath } from '../../worker/domain/consent/client-info.ts';
import { eq } from 'drizzle-orm';
import { json, linkToken, makeHarness, widgetFor, type Harness, appWithTestIp } from '../harness.ts';

const TYPED = '06 12 34 56 78';
const E164 = '+33612345678';
/** Every way the number could show up in text: E.164, national, the significant digits, with separators. */
const TRACES = ['612345678', '0612345678', '6 12 34 56 78', '12 34 56 78', '%2B336', '06.12.34', '06-12-34'];
const PAGE = `https://shop.example/promo/spring?phone=0612345678&tel=${encodeURIComponent(E164)}#06-12-34-56-78`;
const UA =
  'Mozilla/5.0 (Linux; Android 14; SM-A546B Build/0612345678) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36 tel:+33612345678';
const UA_CONFIRM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1 06.12.34.56.78';

let h: Harness;
let app: App;
beforeEach(async () => {
  h = await makeHarness();
  app = appWithTestIp(h, '203.0.113.9');
});
afterEach(async () => h.close());

async function confirmedWithTraces(): Promise<string> {
  const w = await widgetFor(h);
  const res = await app.request(
    '/v1/sites/demo/consents',
    json({ phone: TYPED, choice: 'yes', pageUrl: PAGE, ...w }, { 'user-agent': UA }),
  );
  expect(res.status).toBe(202);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  const confirm = await app.request(`/c/${linkToken(h, 'c', E164)}`, {
    method: 'POST',
    headers: { 'user-agent': UA_CONFIRM },
  });
  expect(confirm.status).toBe(200);
  await h.flush();
  return consentId;
}

async function publicViews(consentId: string) {
  const html = await (await app.request(`/proofs/${consentId}`, { headers: { accept: 'text/html' } })).text();
  const proofRes = await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
  expect(proofRes.status).toBe(200);
  const proofText = await proofRes.text();
  const evidence = await app.request(`/proofs/${consentId}/evidence`);
  expect(evidence.status).toBe(200);
  const jws = (JSON.parse(proofText) as { jws: string }).jws;
  const payload = Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8');
  return { html, proofText, evidenceText: await evidence.text(), payload };
}

function expectNoTrace(label: string, text: string) {
  for (const trace of TRACES) expect(text.includes(trace), `${label} holds ${trace}`).toBe(false);
  expect(text, label).not.toContain('SM-A546B');
  expect(text, label).not.toContain('131.0.6778');
  expect(text, label).not.toContain('?phone=');
}

describe('the public proof', () => {
  it('holds no number typed into the page URL or the user agent, in JSON, HTML, JWS or evidence', async () => {
    const consentId = await confirmedWithTraces();
    const views = await publicViews(consentId);
    for (const [label, text] of Object.entries(views)) expectNoTrace(label, text);
    const { receipt } = JSON.parse(views.proofText) as { receipt: Record<string, any> };
    expect(receipt.collection).toMatchObject({
      pageUrl: 'https://shop.example/promo/spring',
      browser: 'Chrome, Android',
      ipPrefix: '203.0.113.0/24',
    });
    expect(receipt.collection).not.toHaveProperty('userAgent');
    expect(receipt.confirmation).toMatchObject({
      method: 'link',
      browser: 'Safari, iOS',
      ipPrefix: '203.0.113.0/24',
      sameDeviceAsRequest: false,
    });
    expect(views.html).toContain('https://shop.example/promo/spring');
  });

  it('keeps nothing more in storage either: the full URL and user agent are never stored', async () => {
    const consentId = await confirmedWithTraces();
    const row = (await h.ctx.consents.byId(consentId))!;
    expect(row).toMatchObject({
      pageUrl: 'https://shop.example/promo/spring',
      userAgent: 'Chrome, Android',
      confirmBrowser: 'Safari, iOS',
    });
    expectNoTrace('stored row', JSON.stringify(row));
  });

  it('reduces consents stored whole before this release when it shows them', async () => {
    const consentId = await confirmedWithTraces();
    await h.ctx.store.batch([
      h.ctx.store.db.update(consents).set({ pageUrl: PAGE, userAgent: UA }).where(eq(consents.id, consentId)),
    ]);
    const views = await publicViews(consentId);
    for (const [label, text] of Object.entries(views)) expectNoTrace(label, text);
  });
});

describe('the reductions', () => {
  it('keep the origin and path only, and a family from a fixed list', () => {
    expect(pageOriginAndPath('https://a.example:8443/x/y?q=1#f')).toBe('https://a.example:8443/x/y');
    expect(pageOriginAndPath('javascript:alert(1)')).toBeNull();
    expect(pageOriginAndPath('not a url')).toBeNull();
    expect(
      browserFamily(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
    ).toBe('Edge, Windows');
    expect(browserFamily('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0')).toBe(
      'Firefox, macOS',
    );
    expect(browserFamily('curl/8.5.0 0612345678')).toBe('Other, Other');
    expect(browserFamily('Chrome, Android')).toBe('Chrome, Android');
    expect(browserFamily('0612345678, 0612345678')).toBe('Other, Other');
  });
});
