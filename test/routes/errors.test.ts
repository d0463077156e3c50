// Bad input on every route: a 4xx RFC 9457 problem naming the field, never a 5xx or a stack, nothing stored.
// Keys and site configuration errors are in sites.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { count, expectNoStack, expectProblem } from '../assertions.ts';

const CONSENTS = '/v1/sites/demo/consents';
const LOOKUP = '/v1/sites/demo/subscribers/lookup';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

let h: Harness;
let w: { textSha256: string; policyVersion: number; locale: string };
beforeEach(async () => {
  h = await makeHarness();
  w = await widgetFor(h);
});
afterEach(async () => h.close());

const consent = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.app.request(CONSENTS, json(body, headers));
const valid = () => ({ phone: '06 12 34 56 78', choice: 'yes', ...w });
const raw = (path: string, method: string, body: string | undefined, headers: Record<string, string>) =>
  h.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });

async function nothingStored() {
  expect(await count(h, 'SELECT COUNT(*) FROM subjects')).toBe(0);
  expect(await count(h, 'SELECT COUNT(*) FROM consents')).toBe(0);
  expect(await count(h, 'SELECT COUNT(*) FROM outbox')).toBe(0);
}

describe('POST /v1/sites/{site}/consents', () => {
  it('names every missing field', async () => {
    const body = await expectProblem(await consent({}), 422);
    const paths = body.errors!.map((e) => e.path).sort();
    expect(paths).toEqual(['choice', 'locale', 'phone', 'policyVersion', 'textSha256']);
    expect(body.detail).toContain('phone');
    await nothingStored();
  });

  it.each([
    ['phone', 612345678],
    ['phone', '0'.repeat(41)],
    ['choice', 'maybe'],
    ['choice', true],
    ['locale', 5],
    ['locale', 'french'],
    ['textSha256', 'abc'],
    ['textSha256', 'G'.repeat(64)],
    ['policyVersion', '1'],
    ['policyVersion', 0],
    ['policyVersion', 1.5],
    ['pageUrl', 'not a url'],
    ['pageUrl', `https://shop.example/${'a'.repeat(1990)}`],
    ['country', 'fr'],
  ])('a wrong %s (%s) is a 422 naming it', async (field, value) => {
    await expectProblem(await consent({ ...valid(), [field]: value }), 422, field);
    await nothingStored();
  });

  it.each(['null', '[]', '"yes"', '42'])('a JSON body that is not an object (%s) is a 422', async (text) => {
    await expectProblem(await raw(CONSENTS, 'POST', text, { 'content-type': 'application/json' }), 422, '(body)');
  });

  it.each(['{"phone":', '{phone: "06"}', '', "{'a':1}", '{"a":1}}'])('malformed JSON %j is a 400', async (text) => {
    const body = await expectProblem(
      await raw(CONSENTS, 'POST', text, { 'content-type': 'application/json' }),
      400,
      '(body)',
    );
    expect(body.type).toBe('https://assent.dev/problems/malformed-json');
    await nothingStored();
  });

  it.each([
    ['text/plain', JSON.stringify({ phone: '0612345678' })],
    ['application/x-www-form-urlencoded', 'phone=0612345678&choice=yes'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('content type %s is a 415', async (type, text) => {
    await expectProblem(await raw(CONSENTS, 'POST', text, { 'content-type': type }), 415, '(body)');
    await nothingStored();
  });

  it('a body without a content type is a 415', async () => {
    await expectProblem(await raw(CONSENTS, 'POST', JSON.stringify(valid()), {}), 415);
  });

  it('a body over 16 KiB is a 413, with or without Content-Length; just under is read and judged', async () => {
    const big = JSON.stringify({ ...valid(), pageUrl: `https://shop.example/${'a'.repeat(16 * 1024)}` });
    await expectProblem(await raw(CONSENTS, 'POST', big, { 'content-type': 'application/json' }), 413, '(body)');
    await expectProblem(
      await raw(CONSENTS, 'POST', big, { 'content-type': 'application/json', 'content-length': String(big.length) }),
      413,
    );
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
        controller.close();
      },
    });
    await expectProblem(
      await h.app.request(CONSENTS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamed,
        duplex: 'half',
      } as RequestInit),
      413,
    );
    const under = JSON.stringify({ ...valid(), pageUrl: `https://shop.example/${'a'.repeat(15 * 1024)}` });
    await expectProblem(await raw(CONSENTS, 'POST', under, { 'content-type': 'application/json' }), 422, 'pageUrl');
    await nothingStored();
  });

  it.each([
    ['a landline', '01 23 45 67 89'],
    ['letters', '06 12 AB 56 78'],
    ['letters only', 'call me maybe'],
    ['too short', '06'],
    ['too few digits', '06 12 34'],
    ['too many digits', '06 12 34 56 78 90 12'],
    ['a premium-rate number', '08 99 12 34 56'],
    ['an empty string', ''],
    ['a UK mobile (country not allowed)', '+44 7911 123456'],
    ['a UK mobile given with its country', '07911 123456'],
  ])('%s is a 422 naming phone', async (_label, phone) => {
    const extra = phone === '07911 123456' ? { country: 'GB' } : {};
    const body = await expectProblem(await consent({ ...valid(), phone, ...extra }), 422, 'phone');
    const digits = phone.replace(/\D/g, '');
    if (digits.length >= 6) expect(body.detail).not.toContain(digits.slice(-6));
    await nothingStored();
  });

  it.each(['ZZ', 'XX', 'AQ'])(
    'a country code no numbering plan knows (%s) is a 422 naming country, not phone',
    async (country) => {
      for (const phone of ['06 12 34 56 78', '+33612345678']) {
        const body = await expectProblem(await consent({ ...valid(), phone, country }), 422, 'country');
        expect(body.errors!.map((e) => e.path)).toEqual(['country']);
        expect((body as unknown as { code: string }).code).toBe('validation_failed');
      }
      await nothingStored();
      // A real one is read as before.
      expect((await consent({ ...valid(), country: 'FR' })).status).toBe(202);
    },
  );

  it('an unknown site is a 404, before anything else is read', async () => {
    const body = await expectProblem(await h.app.request('/v1/sites/nope/consents', json(valid())), 404);
    expect(body.detail).toContain('nope');
    await expectProblem(await h.app.request('/v1/sites/NOT_A_SITE/consents', json(valid())), 404);
    await nothingStored();
  });

  it('a textSha256 the server never served is a 409 naming textSha256; a wrong policy version names policyVersion', async () => {
    await expectProblem(await consent({ ...valid(), textSha256: 'f'.repeat(64) }), 409, 'textSha256');
    await expectProblem(await consent({ ...valid(), locale: 'en' }), 409, 'textSha256');
    await expectProblem(await consent({ ...valid(), policyVersion: 2 }), 409, 'policyVersion');
    await nothingStored();
  });
});

describe('GET /v1/sites/{site}/widget', () => {
  it('an unknown site is a 404 and an absurd locale a 422 naming locale', async () => {
    await expectProblem(await h.app.request('/v1/sites/nope/widget'), 404);
    await expectProblem(await h.app.request(`/v1/sites/demo/widget?locale=${'x'.repeat(30)}`), 422, 'locale');
  });
});

describe('the send gate', () => {
  it.each([
    ['letters', 'abc'],
    ['a landline', '0123456789'],
    ['too short', '06'],
  ])('%s is a 422 naming phone', async (_label, phone) => {
    await expectProblem(await h.app.request(LOOKUP, json({ phone }, admin)), 422, 'phone');
  });

  it('an unknown number answers 200 none with no subscriberId, masked the same whatever the form given', async () => {
    for (const form of ['0612345678', '+33612345678', '06 12 34 56 78', '+33 6 12 34 56 78']) {
      const res = await h.app.request(LOOKUP, json({ phone: form }, admin));
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({
        subscriberId: null,
        maskedPhone: '+33 6 •• •• •• 78',
        status: 'none',
        canSend: false,
        reason: 'no-consent',
        proofUrl: null,
        renewalRequired: false,
        suppressed: false,
        retainedUntil: null,
      });
    }
  });

  it('a missing, non-string or oversized phone is a 422 naming it; a subscriberId that is no id is a 404', async () => {
    for (const body of [{}, { phone: 612345678 }, { phone: '' }, { phone: '6'.repeat(41) }]) {
      await expectProblem(await h.app.request(LOOKUP, json(body, admin)), 422, 'phone');
    }
    for (const id of ['%E0%A4%A', '%25E0', '0612345678', '%2B33612345678', 'A'.repeat(23)]) {
      await expectProblem(await h.app.request(`/v1/sites/demo/subscribers/${id}`, { headers: admin }), 404);
    }
  });
});

describe('everything else', () => {
  it('an unknown path is a 404 problem that does not echo tokens', async () => {
    const body = await expectProblem(await h.app.request('/v1/nothing-here'), 404);
    expect(body.detail).toContain('/v1/nothing-here');
    await expectProblem(await h.app.request('/v1/sites/demo/consents', { method: 'DELETE' }), 404);
  });

  it('/dev/outbox is a 404 problem in production', async () => {
    const prod = await makeHarness({ mode: 'production' });
    try {
      await expectProblem(await prod.app.request('/dev/outbox'), 404);
      await expectProblem(await prod.app.request('/demo'), 404);
    } finally {
      await prod.close();
    }
  });

  it('a volley of hostile input never gets a 5xx or a stack trace', async () => {
    const hostile: [string, string, string | undefined, Record<string, string>][] = [];
    const bodies = [
      '{',
      '[]',
      'null',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      JSON.stringify({ phone: '\u0000' }),
      JSON.stringify({ ...valid(), phone: '+33 6 12 34 56 78'.repeat(2) }),
      JSON.stringify({ ...valid(), phone: '٠٦١٢٣٤٥٦٧٨' }),
      JSON.stringify({ ...valid(), phone: { $gt: '' } }),
      JSON.stringify({ ...valid(), locale: '__proto__' }),
      '\uFEFF{}',
      '"\\ud800"',
    ];
    for (const body of bodies) {
      hostile.push(['POST', CONSENTS, body, { 'content-type': 'application/json' }]);
      hostile.push(['POST', '/v1/sites', body, { ...admin, 'content-type': 'application/json' }]);
      hostile.push(['PUT', '/v1/sites/demo', body, { ...admin, 'content-type': 'application/json' }]);
    }
    for (const path of [
      '/c/..%2F..%2Fetc',
      '/u/%00',
      `/c/${'A'.repeat(5000)}`,
      '/v1/sites/%00/widget',
      '/v1/sites/demo/subscribers/%00',
      '/v1/sites/demo/subscribers/+33%206',
      '/v1/sites/demo/widget?locale=%00',
      '/v1/sites/demo/widget?locale=fr&locale=en',
    ]) {
      hostile.push(['GET', path, undefined, admin]);
      hostile.push(['POST', path, undefined, admin]);
    }
    hostile.push(['POST', CONSENTS, JSON.stringify(valid()), { 'content-type': 'application/json; charset=utf-16' }]);
    hostile.push([
      'POST',
      CONSENTS,
      JSON.stringify(valid()),
      { 'content-type': 'application/json', authorization: 'Bearer \u00ff' },
    ]);
    for (const [method, path, body, headers] of hostile) {
      const res = await raw(path, method, body, headers);
      const text = await res.text();
      expect(res.status, `${method} ${path} ${body ?? ''} → ${text.slice(0, 200)}`).toBeLessThan(500);
      expectNoStack(text);
    }
  });
});
