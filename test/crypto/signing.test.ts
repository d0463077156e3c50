import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../../worker/crypto/encoding.ts';
import { canonicalize, jcsBytes } from '../../worker/crypto/jcs.ts';
import {
  createKeyRing,
  generateSigningKey,
  importSigningKey,
  publicJwks,
  ReceiptSignatureError,
  rotateKeyRing,
  signReceipt,
} from '../../worker/crypto/signing.ts';
import { verifyReceipt } from './verify-receipt.ts';

const RECEIPT = {
  schemaVersion: '1',
  receiptId: 'r_01',
  consentId: 'c_01',
  site: 'demo',
  controller: { name: 'Demo Shop', email: 'privacy@demo.example' },
  purposes: [{ id: 'sms-marketing', legalBasis: 'consent' }],
  notice: { policyVersion: 3, policySha256: 'ab'.repeat(32), textSha256: 'cd'.repeat(32), locale: 'fr' },
  collection: { method: 'web-widget', at: '2026-01-02T03:04:05.000Z', ip: '203.0.113.0/24' },
  subject: { phone: '+33 6•• •• •• 78' },
  status: 'confirmed',
  retentionDays: 1095,
};

/** Every path to a primitive value, so each can be altered in turn. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
  }
  return [path];
}

function alter(value: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const old = node[last];
  node[last] = typeof old === 'number' ? old + 1 : typeof old === 'string' ? `${old}x` : !old;
  return copy;
}

describe('receipt signatures', () => {
  it('derives x and the RFC 7638 kid from the RFC 8037 example key', async () => {
    const key = await importSigningKey({
      kty: 'OKP',
      crv: 'Ed25519',
      d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
    });
    expect(key.x).toBe('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo');
    expect(key.kid).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    await expect(importSigningKey({ ...key, x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).rejects.toThrow(
      /does not match/,
    );
    await expect(importSigningKey({ kty: 'EC', crv: 'P-256', d: 'x' })).rejects.toThrow(ReceiptSignatureError);
  });

  it('signs the JCS bytes with EdDSA and the key thumbprint as kid', async () => {
    const ring = createKeyRing({ current: await generateSigningKey() });
    const jws = await signReceipt(RECEIPT, ring);
    const [head, body] = jws.split('.');
    expect(JSON.parse(atob(head!.replace(/-/g, '+').replace(/_/g, '/')))).toEqual({
      alg: 'EdDSA',
      kid: ring.current.kid,
    });
    expect(body).toBe(toBase64Url(jcsBytes(RECEIPT)));
    const verified = await verifyReceipt(jws, publicJwks(ring));
    expect(verified.receipt).toEqual(RECEIPT);
    expect(verified.kid).toBe(ring.current.kid);
    expect(publicJwks(ring).keys[0]).not.toHaveProperty('d');
  });

  it('fails when any field of the receipt is altered', async () => {
    const ring = createKeyRing({ current: await generateSigningKey() });
    const [head, , sig] = (await signReceipt(RECEIPT, ring)).split('.');
    const paths = leaves(RECEIPT);
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const altered = alter(RECEIPT, path);
      expect(canonicalize(altered)).not.toBe(canonicalize(RECEIPT));
      const forged = `${head}.${toBase64Url(jcsBytes(altered))}.${sig}`;
      await expect(verifyReceipt(forged, publicJwks(ring)), path.join('.')).rejects.toMatchObject({
        code: 'bad_signature',
      });
    }
  });

  it('refuses alg none, HS256 keyed with the public key, and unknown kids', async () => {
    const ring = createKeyRing({ current: await generateSigningKey() });
    const jwks = publicJwks(ring);
    const payload = toBase64Url(jcsBytes(RECEIPT));
    const none = `${toBase64Url(utf8(JSON.stringify({ alg: 'none', kid: ring.current.kid })))}.${payload}.`;
    await expect(verifyReceipt(none, jwks)).rejects.toMatchObject({ code: 'alg_not_allowed' });
    const hs256 = await new CompactSign(jcsBytes(RECEIPT) as Uint8Array<ArrayBuffer>)
      .setProtectedHeader({ alg: 'HS256', kid: ring.current.kid })
      .sign(utf8(ring.current.x) as Uint8Array<ArrayBuffer>);
    await expect(verifyReceipt(hs256, jwks)).rejects.toMatchObject({ code: 'alg_not_allowed' });
    const other = createKeyRing({ current: await generateSigningKey() });
    await expect(verifyReceipt(await signReceipt(RECEIPT, other), jwks)).rejects.toMatchObject({ code: 'unknown_kid' });
    await expect(verifyReceipt('a.b', jwks)).rejects.toMatchObject({ code: 'malformed' });
  });

  it('keeps old receipts valid after a rotation', async () => {
    const a = createKeyRing({ current: await generateSigningKey() });
    const oldJws = await signReceipt(RECEIPT, a);
    const b = rotateKeyRing(a, await generateSigningKey());
    const newJws = await signReceipt({ ...RECEIPT, receiptId: 'r_02' }, b);
    const jwks = publicJwks(b);
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([a.current.kid, b.current.kid].sort());
    expect((await verifyReceipt(oldJws, jwks)).kid).toBe(a.current.kid);
    expect((await verifyReceipt(newJws, jwks)).kid).toBe(b.current.kid);
    // Dropping A from the JWKS would orphan every receipt it signed.
    const onlyB = { keys: jwks.keys.filter((k) => k.kid === b.current.kid) };
    await expect(verifyReceipt(oldJws, onlyB)).rejects.toMatchObject({ code: 'unknown_kid' });
    // Rotating again keeps both earlier keys.
    const c = rotateKeyRing(b, await generateSigningKey());
    expect(publicJwks(c).keys).toHaveLength(3);
  });
});
