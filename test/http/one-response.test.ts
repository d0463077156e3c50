// Every answer is the Response its route made. A middleware that reads `c.res` before the route has answered (to set
// a CORS header, to read the Vary so far) makes Hono rebuild the route's answer as a second Web Response around its
// body; on Node, @hono/node-server then streams that body through Web streams instead of writing the string it had
// at once (a fifth of a proof GET's event loop). Counted here: the Responses one request constructs.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confirmedConsent, json, makeHarness, widgetFor, type Harness } from '../harness.ts';

let h: Harness;
let consentId: string;
let doc: Awaited<ReturnType<typeof widgetFor>>;
beforeAll(async () => {
  h = await makeHarness();
  ({ consentId } = await confirmedConsent(h));
  doc = await widgetFor(h);
  return () => h.close();
});

const Original = globalThis.Response;
afterEach(() => {
  globalThis.Response = Original;
});

/** The Responses constructed while `request` is answered, and its status. */
async function responsesMade(request: () => Response | Promise<Response>): Promise<{ made: number; status: number }> {
  let made = 0;
  globalThis.Response = class Counted extends Original {
    constructor(...args: ConstructorParameters<typeof Response>) {
      super(...args);
      made++;
    }
  } as typeof Response;
  let res: Response;
  try {
    res = await request();
  } finally {
    globalThis.Response = Original; // work the request left in the background is not its answer
  }
  await res.arrayBuffer();
  return { made, status: res.status };
}

describe('an answer', () => {
  const from = 'https://shop.example';
  const cases: [string, () => Response | Promise<Response>, number][] = [
    [
      'a proof as JSON (CORS for any origin, Accept negotiated)',
      () => h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json', origin: from } }),
      200,
    ],
    ['a proof page', () => h.app.request(`/proofs/${consentId}`, { headers: { accept: 'text/html' } }), 200],
    ['the log key set', () => h.app.request('/.well-known/jwks.json', { headers: { origin: from } }), 200],
    [
      'the widget document (Vary on origin and language)',
      () => h.app.request('/v1/sites/demo/widget?locale=fr', { headers: { origin: from } }),
      200,
    ],
    [
      'a consent POST',
      () => h.app.request('/v1/sites/demo/consents', json({ phone: '06 12 34 56 79', choice: 'yes', ...doc })),
      202,
    ],
  ];
  for (const [name, request, status] of cases)
    it(`is the one its route made: ${name}`, async () => {
      expect(await responsesMade(request)).toEqual({ made: 1, status });
    });

  it('still names every header it varies on, once', async () => {
    const res = await h.app.request('/v1/sites/demo/widget?locale=fr', { headers: { origin: from } });
    expect(res.headers.get('vary')).toBe('Origin, Accept-Language');
    const proof = await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
    expect(proof.headers.get('vary')).toBe('Accept');
    expect(proof.headers.get('access-control-allow-origin')).toBe('*');
  });
});
