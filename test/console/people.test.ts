// People, not a shared key: invitations by link (single use, expiring, stored hashed), a passkey sign-in (a replayed
// or foreign answer refused), the one-time recovery code, and the sign-in limits on both.
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../worker/crypto/tokens.ts';
import { FAILED_PER_PREFIX } from '../../worker/domain/limits/sign-in.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { softAuthenticator } from './authenticator.ts';
import { signIn } from './helpers.ts';
import { acceptInvite, cookieHeader, inviteToken, passkeySignIn, postJson, type Jar } from './people-helpers.ts';
import { cookiesOf, csrfOf, postForm } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

const rows = (sql: string) => h.deps.store.queryColumn(sql) as Promise<unknown[]>;

describe('invitations', () => {
  it('a link opens one account with the role it names, once; only its hash is stored', async () => {
    h = await makeHarness();
    const owner = await signIn(h);
    const token = await inviteToken(owner, 'Marie Curie', 'editor');
    expect(await rows('SELECT token_hash FROM console_invitations')).toEqual([await sha256Hex(token)]);
    const marie = await acceptInvite(h, token);
    expect(marie.recoveryCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    const page = await (await marie.get('/console/account')).text();
    expect(page).toContain('Marie Curie, Editor');
    // The same link again: gone, and nothing more was written.
    await expect(acceptInvite(h, token)).rejects.toThrow();
    expect(await rows('SELECT count(*) FROM console_accounts')).toEqual([1]);
    expect((await h.app.request(`/console/invite/${token}`)).status).toBe(404);
  });

  it('an expired link (72 h) opens nothing', async () => {
    h = await makeHarness();
    const owner = await signIn(h);
    const token = await inviteToken(owner, 'Late Larry', 'viewer');
    h.advance(72 * 3600_000 + 1);
    expect((await h.app.request(`/console/invite/${token}`)).status).toBe(404);
    await expect(acceptInvite(h, token)).rejects.toThrow();
    expect(await rows('SELECT count(*) FROM console_accounts')).toEqual([0]);
  });

  it('refuses a passkey made for another origin (a phishing page relaying the link)', async () => {
    h = await makeHarness();
    const token = await inviteToken(await signIn(h), 'Paul', 'viewer');
    const jar: Jar = {};
    const page = await h.app.request(`/console/invite/${token}`);
    Object.assign(jar, cookiesOf(page));
    const csrf = /data-csrf="([^"]+)"/.exec(await page.text())![1]!;
    const options = (await (await postJson(h, `/console/invite/${token}/options`, {}, jar, csrf)).json()) as {
      challenge: string;
    };
    const auth = await softAuthenticator();
    const res = await postJson(
      h,
      `/console/invite/${token}/register`,
      await auth.register(options, 'https://assent-test.evil'),
      jar,
      csrf,
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('credential');
    expect(await rows('SELECT count(*) FROM console_accounts')).toEqual([0]);
  });
});

describe('passkey sign-in', () => {
  it('signs the person in; the same answer replayed, or from another origin, is refused', async () => {
    h = await makeHarness();
    const person = await acceptInvite(h, await inviteToken(await signIn(h), 'Ada', 'viewer'));
    const { res, jar, csrf, answer } = await passkeySignIn(h, person.authenticator);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ redirect: '/console' });
    const home = await h.app.request('/console', { headers: { cookie: cookieHeader(jar) } });
    expect(home.status).toBe(200);
    // The challenge was used up: replaying the exact answer opens nothing.
    const replay = await postJson(h, '/console/passkey/sign-in', answer, {}, csrf);
    expect(replay.status).toBe(403); // no pre-session cookie: refused as CSRF before anything
    const replayed = await postJson(h, '/console/passkey/sign-in', answer, jar, csrf);
    expect(replayed.status).toBe(401);
    // Another origin's answer to a live challenge is refused too.
    const options = (await (await postJson(h, '/console/passkey/options', {}, jar, csrf)).json()) as {
      challenge: string;
    };
    const foreign = await postJson(
      h,
      '/console/passkey/sign-in',
      await person.authenticator.sign(options, 'https://evil.test'),
      jar,
      csrf,
    );
    expect(foreign.status).toBe(401);
  });

  it('refuses an answer whose signature counter went backwards (a cloned authenticator)', async () => {
    h = await makeHarness();
    const person = await acceptInvite(h, await inviteToken(await signIn(h), 'Ada', 'viewer'));
    expect((await passkeySignIn(h, person.authenticator)).res.status).toBe(200);
    person.authenticator.counter = 0;
    expect((await passkeySignIn(h, person.authenticator)).res.status).toBe(401);
  });

  it(`is rate limited: after ${FAILED_PER_PREFIX} failures with one credential, 429 with Retry-After`, async () => {
    h = await makeHarness();
    const stranger = await softAuthenticator();
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_PER_PREFIX; i++) statuses.push((await passkeySignIn(h, stranger)).res.status);
    expect(statuses).toEqual(Array(FAILED_PER_PREFIX).fill(401));
    const last = await passkeySignIn(h, stranger);
    expect(last.res.status).toBe(429);
    expect(Number(last.res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('recovery code', () => {
  it('signs in once, is stored only hashed, and then is used up', async () => {
    h = await makeHarness();
    const person = await acceptInvite(h, await inviteToken(await signIn(h), 'Grace', 'editor'));
    const stored = (await rows('SELECT recovery_hash FROM console_accounts')) as string[];
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await rows('SELECT * FROM console_accounts'))).not.toContain(person.recoveryCode);
    const use = async (code: string) => {
      const page = await h.app.request('/console/sign-in');
      const jar = cookiesOf(page);
      return postForm(h, '/console/recovery', { csrf: csrfOf(await page.text()), code }, jar);
    };
    // Typed loosely (lower case, spaces for dashes) it still matches.
    const first = await use(person.recoveryCode.toLowerCase().replace(/-/g, ' '));
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/account');
    expect(await rows('SELECT recovery_hash FROM console_accounts')).toEqual([null]);
    const again = await use(person.recoveryCode);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('unknown or was already used');
  });
});
