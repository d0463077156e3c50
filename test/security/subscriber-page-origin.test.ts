// Finding 8 of the third hardening round: the subscriber's page (/u/{token}) unsubscribes and erases only from
// itself. Another site's form — from a sandboxed iframe or a no-referrer page (`Origin: null`), or naming its own
// origin — changes nothing, as on the hosted form; our own page (no-referrer, so `Origin: null` with same-origin
// fetch metadata, or an older browser returning the page's token) and a scripted client holding the link still act.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmedConsent, consentStatus, makeHarness, type Harness } from '../harness.ts';

let h: Harness;
let consentId: string;
let token: string;
beforeEach(async () => {
  h = await makeHarness();
  ({ consentId, unsubscribe: token } = await confirmedConsent(h));
});
afterEach(async () => h.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  h.app.request(`/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
const erased = async () =>
  (await h.ctx.subjects.byId((await h.ctx.consents.byId(consentId))!.subjectId))!.erasedAt !== null;

/** What a browser keeps from our page: the token in its forms and the nonce cookie it is bound to. */
async function ownPage(query = '') {
  const res = await h.app.request(`/u/${token}${query}`);
  const html = await res.text();
  const formToken = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { formToken, cookie, setCookie: res.headers.get('set-cookie') ?? '' };
}

const FOREIGN: [string, Record<string, string>][] = [
  ['a sandboxed frame (Origin: null, cross-site)', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
  ['a no-referrer page of an older browser (Origin: null, no fetch metadata)', { origin: 'null' }],
  ['another site naming itself', { origin: 'https://evil.example' }],
  ['another site, fetch metadata only', { 'sec-fetch-site': 'cross-site' }],
  ['a sibling subdomain', { 'sec-fetch-site': 'same-site' }],
];

describe('POST /u/{token} from another page', () => {
  it.each(FOREIGN)('refuses to unsubscribe from %s', async (_, headers) => {
    const res = await post('action=unsubscribe', headers);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Ce formulaire ne peut être envoyé que depuis sa propre page.');
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it.each(FOREIGN)('refuses to erase from %s', async (_, headers) => {
    const res = await post('action=erase', headers);
    expect(res.status).toBe(403);
    expect(await erased()).toBe(false);
  });

  it("refuses a token another server fetched (its nonce, not this browser's)", async () => {
    const theirs = await ownPage('?erase=confirm');
    const res = await post(`action=erase&formToken=${encodeURIComponent(theirs.formToken!)}`, { origin: 'null' });
    expect(res.status).toBe(403);
    expect(await erased()).toBe(false);
  });
});

describe('POST /u/{token} from the page itself', () => {
  it('a browser with fetch metadata (our no-referrer page sends Origin: null) unsubscribes', async () => {
    const res = await post('action=unsubscribe', { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
  });

  it('an older browser returns the token rendered into the page with its cookie, and erases', async () => {
    const mine = await ownPage('?erase=confirm');
    expect(mine.formToken).toBeTruthy();
    expect(mine.setCookie).toMatch(
      /^assent_form=[A-Za-z0-9_-]{22}; Max-Age=7200; Path=\/u\/; HttpOnly; SameSite=Strict$/,
    );
    const res = await post(`action=erase&formToken=${encodeURIComponent(mine.formToken!)}`, {
      origin: 'null',
      cookie: mine.cookie,
    });
    expect(res.status).toBe(200);
    expect(await erased()).toBe(true);
  });

  it('our public origin, and a client with the link that names no origin at all, still act', async () => {
    expect((await post('action=unsubscribe', { origin: 'https://assent.test' })).status).toBe(200);
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect((await post('action=erase')).status).toBe(200);
    expect(await erased()).toBe(true);
  });
});
