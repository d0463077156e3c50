// The Vonage JWT check and the path-token comparison, on their own: what each refuses, with tokens made by node:crypto.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pathTokenMatches, verifyVonageJwt } from '../../worker/sms/webhook-auth.ts';

const SECRET = 'signature-secret-0123456789abcdef';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const body = new TextEncoder().encode('{"channel":"sms","text":"OUI"}');

function token(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
  secret = SECRET,
) {
  const signing = `${b64(header)}.${b64(claims)}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}
const good = {
  iat: NOW / 1000,
  jti: 'j-1',
  iss: 'Vonage',
  api_key: 'abcd1234',
  payload_hash: createHash('sha256').update(body).digest('hex'),
};
const check = (authorization: string | undefined, bytes: Uint8Array = body) =>
  verifyVonageJwt({ signatureSecret: SECRET, apiKey: 'abcd1234', authorization, body: bytes, now: new Date(NOW) });

describe('verifyVonageJwt', () => {
  it('accepts a token signed with the secret over this body, and names its jti', async () => {
    expect(await check(`Bearer ${token(good)}`)).toEqual({ ok: true, jti: 'j-1', iat: NOW / 1000 });
  });

  it('refuses each way a token can be wrong', async () => {
    const cases: [string, string | undefined, Uint8Array?][] = [
      ['missing-token', undefined],
      ['malformed-token', 'Bearer abc'],
      ['malformed-token', `Bearer ${token(good, { alg: 'none' })}`],
      ['malformed-token', `Bearer ${token(good, { alg: 'HS512' })}`],
      ['bad-signature', `Bearer ${token(good, undefined, 'another-secret-0123456789abcdef')}`],
      ['stale-token', `Bearer ${token({ ...good, iat: NOW / 1000 - 301 })}`],
      ['stale-token', `Bearer ${token({ ...good, iat: NOW / 1000 + 301 })}`],
      ['stale-token', `Bearer ${token({ ...good, exp: NOW / 1000 - 400 })}`],
      ['malformed-token', `Bearer ${token({ ...good, jti: undefined })}`],
      ['payload-hash', `Bearer ${token(good)}`, new TextEncoder().encode('{"channel":"sms","text":"STOP"}')],
      ['payload-hash', `Bearer ${token({ ...good, payload_hash: undefined })}`],
      ['wrong-api-key', `Bearer ${token({ ...good, api_key: 'zzzz9999' })}`],
    ];
    for (const [reason, authorization, bytes] of cases) {
      expect(await check(authorization, bytes), `${reason}: ${authorization?.slice(0, 30)}`).toEqual({
        ok: false,
        reason,
      });
    }
  });

  it('a token whose signature was cut or padded does not verify', async () => {
    const t = token(good);
    expect((await check(`Bearer ${t.slice(0, -2)}`)).ok).toBe(false);
    expect((await check(`Bearer ${t}AA`)).ok).toBe(false);
  });
});

describe('pathTokenMatches', () => {
  it('matches the stored token only', async () => {
    const stored = 'Zk3v9Q-wP0_aLr7Ts2Xy8Bn4Hc6Jd1Me5Fg0Ki2Lo3';
    expect(await pathTokenMatches(stored, stored)).toBe(true);
    for (const given of [stored.slice(0, -1), `${stored}x`, stored.toLowerCase(), '', undefined, 'x'.repeat(300)]) {
      expect(await pathTokenMatches(stored, given)).toBe(false);
    }
    expect(await pathTokenMatches(undefined, stored)).toBe(false);
  });
});
