// docs/formats.md's worked example, recomputed from the page itself with Node's own crypto (not the project's
// Merkle, note or JWS code), and held equal to what the project's code produces from the same fixed key.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExample, exampleBlocks } from './formats-example.ts';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/formats.md'), 'utf8');
const blocks = Object.fromEntries(
  [...DOC.matchAll(/<!-- example:(\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g)].map((m) => [m[1]!, m[2]!]),
);
const block = (name: string) => {
  const text = blocks[name];
  if (text === undefined) throw new Error(`docs/formats.md has no example block ${name}`);
  return text;
};

const sha256 = (...parts: (Buffer | string)[]) =>
  createHash('sha256')
    .update(Buffer.concat(parts.map((p) => Buffer.from(p))))
    .digest();
const hex = (name: string) => Buffer.from(block(name), 'hex');

/** `name+hash+base64key`: the base64 key may itself hold "+", so split on the first two only. */
function verifierKeyParts(vkey: string): { name: string; keyHashHex: string; publicKey: Buffer } {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const raw = Buffer.from(vkey.slice(second + 1), 'base64');
  expect(raw[0]).toBe(0x01);
  return { name: vkey.slice(0, first), keyHashHex: vkey.slice(first + 1, second), publicKey: raw.subarray(1) };
}

/** RFC 8785 for these values (strings, small integers, nested objects): keys sorted, no whitespace. */
function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jcs(v)}`).join(',')}}`;
}

describe('docs/formats.md worked example', () => {
  it('is exactly what the project’s code produces from the fixed key', async () => {
    const expected = exampleBlocks(await buildExample());
    expect(Object.keys(blocks).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) expect([name, block(name)]).toEqual([name, text]);
  });

  it('leaf hash = SHA-256(0x00 ‖ JCS(leaf)), for each leaf', () => {
    for (const i of [0, 1, 2]) {
      const canonical = jcs(JSON.parse(block(`leaf${i}`)));
      expect(canonical).toBe(block(`leaf${i}-jcs`));
      expect(sha256(Buffer.from([0x00]), canonical).toString('hex')).toBe(block(`leaf${i}-hash`));
    }
  });

  it('node hash = SHA-256(0x01 ‖ left ‖ right); the root splits at the largest power of two below the size', () => {
    const node = sha256(Buffer.from([0x01]), hex('leaf0-hash'), hex('leaf1-hash'));
    expect(node.toString('hex')).toBe(block('node01'));
    const root = sha256(Buffer.from([0x01]), node, hex('leaf2-hash'));
    const [rootHex, rootB64] = block('root').split('\n');
    expect(root.toString('hex')).toBe(rootHex);
    expect(root.toString('base64')).toBe(rootB64);
    // Inclusion paths: leaf 0 → [h1, h2]; leaf 2 → [node01].
    expect(JSON.parse(block('inclusion0'))).toEqual([
      hex('leaf1-hash').toString('base64'),
      hex('leaf2-hash').toString('base64'),
    ]);
    expect(JSON.parse(block('inclusion2'))).toEqual([node.toString('base64')]);
  });

  it('the checkpoint body names the root, and its signature verifies with the verifier key', () => {
    const note = `${block('checkpoint')}\n`;
    const split = note.indexOf('\n\n');
    const body = note.slice(0, split + 1);
    expect(body).toBe(`assent.example/log/demo\n3\n${block('root').split('\n')[1]}\n`);
    const { name, keyHashHex, publicKey } = verifierKeyParts(block('verifier-key'));
    expect(
      sha256(`${name}\n`, Buffer.from([0x01]), publicKey)
        .subarray(0, 4)
        .toString('hex'),
    ).toBe(keyHashHex);
    expect(keyHashHex).toBe(block('key-hash'));
    const line = /^\u2014 (\S+) (\S+)$/.exec(note.slice(split + 2, -1))!;
    expect(line[1]).toBe(name);
    const sig = Buffer.from(line[2]!, 'base64');
    expect(sig.subarray(0, 4).toString('hex')).toBe(keyHashHex);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
      format: 'jwk',
    });
    expect(verify(null, Buffer.from(body), key, sig.subarray(4))).toBe(true);
    expect(verify(null, Buffer.from(body.replace('\n3\n', '\n4\n')), key, sig.subarray(4))).toBe(false);
  });

  it('the JWS payload is the receipt’s JCS bytes, signed by the JWK (whose x is the log key)', () => {
    const [head, payload, signature] = block('jws').split('.') as [string, string, string];
    const jwk = JSON.parse(block('jwk')) as { x: string; kid: string };
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: jwk.kid });
    expect(Buffer.from(payload, 'base64url').toString()).toBe(block('receipt-jcs'));
    expect(jcs(JSON.parse(block('receipt-jcs')))).toBe(block('receipt-jcs'));
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
    expect(verify(null, Buffer.from(`${head}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    // RFC 7638 thumbprint.
    expect(sha256(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).toString('base64url')).toBe(jwk.kid);
    expect(Buffer.from(jwk.x, 'base64url').equals(verifierKeyParts(block('verifier-key')).publicKey)).toBe(true);
  });
});
