// Finding 6 of the third hardening round: failed sign-ins are limited. An attacker guessing API keys or the admin
// token, through the API's Bearer authentication or the console's sign-in form, from one address or spread over
// many, gets 429 problem+json with Retry-After — and then even a right guess is refused until the window ends.
// Production refuses to start with a short or low-variety ASSENT_ADMIN_TOKEN.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../worker/env.ts';
import { FAILED_PER_ADDRESS, FAILED_PER_PREFIX } from '../../worker/domain/limits/sign-in.ts';
import { appWithTestIp, ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';
import { postForm, signInForm } from '../console/helpers.ts';

let h: Harness;
let app: ReturnType<typeof appWithTestIp>;
beforeEach(async () => {
  h = await makeHarness();
  app = appWithTestIp(h);
});
afterEach(async () => h.close());

const guess = (n: number, prefix = 'ask_') => `${prefix}${String(n).padStart(4, '0')}${'x'.repeat(39)}`;
const api = (key: string, ip: string, path = '/v1/sites/demo/keys') =>
  app.request(path, { headers: { authorization: `Bearer ${key}`, 'x-test-ip': ip } });

async function expectLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  expect(((await res.json()) as { code: string }).code).toBe('rate_limited');
}

describe('Bearer authentication', () => {
  it(`per address: after ${FAILED_PER_ADDRESS} wrong keys, 429 — even for the right key, from that address only, until the window ends`, async () => {
    for (let i = 0; i < FAILED_PER_ADDRESS; i++)
      expect((await api(guess(i, `ask_${i}`), '198.51.100.7')).status).toBe(403);
    await expectLimited(await api(guess(99, 'ask_z'), '198.51.100.7'));
    await expectLimited(await api(h.demoKey, '198.51.100.7'));
    expect((await api(h.demoKey, '198.51.100.8')).status).toBe(200);
    h.advance(15 * 60_000);
    expect((await api(h.demoKey, '198.51.100.7')).status).toBe(200);
  });

  it(`per key prefix: ${FAILED_PER_PREFIX} wrong keys sharing a prefix from as many addresses, then 429`, async () => {
    for (let i = 0; i < FAILED_PER_PREFIX; i++)
      expect((await api(guess(i, 'ask_AbCdEfGh'), `203.0.113.${i + 1}`)).status).toBe(403);
    await expectLimited(await api(guess(77, 'ask_AbCdEfGh'), '203.0.113.200'));
  });

  it('guessing the platform admin token on POST /v1/sites is limited the same way', async () => {
    const create = (token: string, ip: string) =>
      app.request('/v1/sites', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-test-ip': ip, 'content-type': 'application/json' },
        body: '{}',
      });
    for (let i = 0; i < FAILED_PER_PREFIX; i++)
      expect((await create(`test-admin-t${i}-guess-0123456789`, `192.0.2.${i + 1}`)).status).toBe(403);
    await expectLimited(await create(ADMIN_TOKEN, '192.0.2.99'));
    // A site's own key is not a failed sign-in: only not enough for this route.
    expect((await create(h.demoKey, '192.0.2.100')).status).toBe(403);
  });
});

describe('console sign-in', () => {
  it(`after ${FAILED_PER_PREFIX} wrong keys with one prefix: 429 problem+json with Retry-After, the right key refused too`, async () => {
    const { jar, csrf } = await signInForm(h);
    for (let i = 0; i < FAILED_PER_PREFIX; i++)
      expect((await postForm(h, '/console/sign-in', { csrf, key: guess(i, h.demoKey.slice(0, 12)) }, jar)).status).toBe(
        401,
      );
    await expectLimited(await postForm(h, '/console/sign-in', { csrf, key: guess(50, h.demoKey.slice(0, 12)) }, jar));
    await expectLimited(await postForm(h, '/console/sign-in', { csrf, key: h.demoKey }, jar));
  });
});

describe('ASSENT_ADMIN_TOKEN in production', () => {
  const production = {
    ASSENT_MODE: 'production',
    ASSENT_PUBLIC_URL: 'https://consent.example',
    ASSENT_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
    ASSENT_SIGNING_KEY: JSON.stringify({
      kty: 'OKP',
      crv: 'Ed25519',
      d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    }),
  };
  it.each([
    ['shorter than 32 characters', 'Xk9-pQ2_vL7#mN4@wR8!tY1$'],
    ['of one character', 'x'.repeat(32)],
    ['of few characters', '0101010110101010011010100101011001'],
    ['a short run repeated', 'abcdefghij12abcdefghij12abcdefghij12'],
  ])('refuses one %s, naming the variable', (_, token) => {
    expect(() => parseEnv({ ...production, ASSENT_ADMIN_TOKEN: token })).toThrow(EnvError);
    expect(() => parseEnv({ ...production, ASSENT_ADMIN_TOKEN: token })).toThrow(/ASSENT_ADMIN_TOKEN/);
  });
  it('accepts a random one (openssl rand -base64 32, -hex 32); dev mode keeps its generated token', () => {
    expect(() =>
      parseEnv({
        ...production,
        ASSENT_ADMIN_TOKEN: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
      }),
    ).not.toThrow();
    expect(() =>
      parseEnv({
        ...production,
        ASSENT_ADMIN_TOKEN: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex'),
      }),
    ).not.toThrow();
    expect(() => parseEnv({ ASSENT_ADMIN_TOKEN: 'x'.repeat(32) })).not.toThrow();
  });
});
