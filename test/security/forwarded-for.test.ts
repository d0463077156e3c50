// Behind N proxies (ASSENT_TRUST_PROXY=N) the client is the N-th X-Forwarded-For entry from the right: entries a
// client writes to the left never move a rate limit nor land in a signed receipt.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { clientIpResolver } from '../../worker/runtime/build-deps.ts';
import { ADMIN_TOKEN, json, makeHarness, widgetFor, type Harness } from '../harness.ts';

const SOCKET = '10.1.2.3'; // the nearest proxy, as the socket sees it
const LIMIT = 3;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(hops: number) {
  h = await makeHarness();
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const { config } = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
    config: Record<string, unknown>;
  };
  config.limits = { perNumberPerDay: 3, perIpPerHour: LIMIT, perSitePerDay: 10_000 };
  const put = await h.app.request('/v1/sites/demo', { ...json(config, admin), method: 'PUT' });
  expect(put.status, await put.clone().text()).toBe(200);
  const app = createApp({ ...h.deps, clientIp: clientIpResolver({ ASSENT_TRUST_PROXY: hops }, () => SOCKET) });
  const notice = await widgetFor(h);
  let n = 10;
  const submit = (forwardedFor?: string) =>
    app.request(
      '/v1/sites/demo/consents',
      json(
        { phone: `06 12 34 56 ${n++}`, choice: 'yes', ...notice },
        forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      ),
    );
  const ipPrefixOf = async (res: Response) => {
    expect(res.status).toBe(202);
    const { consentId } = (await res.json()) as { consentId: string };
    const proof = await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
    const { receipt } = (await proof.json()) as { receipt: { collection: { ipPrefix: string | null } } };
    return receipt.collection.ipPrefix;
  };
  return { submit, ipPrefixOf };
}

describe('ASSENT_TRUST_PROXY=1: the right-most entry (what our proxy saw)', () => {
  it('spoofed left-most entries neither spread the per-IP limit nor reach the receipt', async () => {
    const { submit, ipPrefixOf } = await setUp(1);
    expect(await ipPrefixOf(await submit('9.9.9.1, 198.51.100.23'))).toBe('198.51.100.0/24');
    for (let i = 2; i <= LIMIT; i++) expect((await submit(`9.9.9.${i}, 198.51.100.23`)).status).toBe(202);
    // A fresh spoofed address each time does not open a fresh allowance.
    const limited = await submit('9.9.9.99, 8.8.8.8, 198.51.100.23');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Another real client, claiming to be the limited one on the left, is counted as itself.
    expect(await ipPrefixOf(await submit('198.51.100.23, 203.0.113.50'))).toBe('203.0.113.0/24');
  });

  it('a right-most value that is not an address falls back to the socket', async () => {
    const { submit, ipPrefixOf } = await setUp(1);
    expect(await ipPrefixOf(await submit('198.51.100.23, not-an-ip'))).toBe('10.1.2.0/24');
    expect(await ipPrefixOf(await submit('198.51.100.23, 203.0.113.5<script>'))).toBe('10.1.2.0/24');
    expect(await ipPrefixOf(await submit(''))).toBe('10.1.2.0/24');
  });
});

describe('ASSENT_TRUST_PROXY=2: the second entry from the right (the outer proxy saw the client)', () => {
  it('uses the client the outer proxy saw; entries to its left are ignored', async () => {
    const { submit, ipPrefixOf } = await setUp(2);
    // client-written, outer proxy's view of the client, inner proxy's view of the outer proxy
    expect(await ipPrefixOf(await submit('9.9.9.1, 198.51.100.23, 10.0.0.2'))).toBe('198.51.100.0/24');
    for (let i = 2; i <= LIMIT; i++) expect((await submit(`9.9.9.${i}, 198.51.100.23, 10.0.0.2`)).status).toBe(202);
    expect((await submit('7.7.7.7, 198.51.100.23, 10.0.0.2')).status).toBe(429);
    expect(await ipPrefixOf(await submit('198.51.100.23, [2001:db8:abcd:12::7], 10.0.0.2'))).toBe('2001:db8:abcd::/48');
  });

  it('a header shorter than the proxy chain falls back to the socket', async () => {
    const { submit, ipPrefixOf } = await setUp(2);
    expect(await ipPrefixOf(await submit('198.51.100.23'))).toBe('10.1.2.0/24');
  });
});

describe('ASSENT_TRUST_PROXY=0 (the default)', () => {
  it('X-Forwarded-For is ignored: every request counts against the socket address', async () => {
    const { submit, ipPrefixOf } = await setUp(0);
    expect(await ipPrefixOf(await submit('198.51.100.23'))).toBe('10.1.2.0/24');
    for (let i = 2; i <= LIMIT; i++) expect((await submit(`198.51.100.${i}`)).status).toBe(202);
    expect((await submit('203.0.113.9')).status).toBe(429);
  });
});
