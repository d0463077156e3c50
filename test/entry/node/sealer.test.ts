import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../../worker/crypto/sealing.ts';
import { createNodeSealer } from '../../../worker/entry/node/sealer.ts';

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const masterKey = crypto.getRandomValues(new Uint8Array(32));

describe('Node sealer', () => {
  it('reads and writes exactly what the WebCrypto sealer does', async () => {
    const web = await createSealer({ masterKey, random });
    const node = createNodeSealer({ masterKey, random });
    expect(await node.blindIndex('demo', '+33612345678')).toBe(await web.blindIndex('demo', '+33612345678'));
    // Both are HMAC-SHA-256 under HKDF(master, "assent/v1", "blind-index") as node:crypto computes it: the Node
    // sealer's own HMAC finds the numbers indexed before it, by createHmac or by WebCrypto's sign.
    const indexKey = Buffer.from(hkdfSync('sha256', masterKey, 'assent/v1', 'blind-index', 32));
    const reference = createHmac('sha256', indexKey).update('demo\n+33612345678', 'utf8').digest('hex');
    expect(await web.blindIndex('demo', '+33612345678')).toBe(reference);
    expect(await node.blindIndex('demo', '+33612345678')).toBe(reference);
    expect(await node.blindIndex('other', '+33612345678')).not.toBe(await node.blindIndex('demo', '+33612345678'));
    // blindIndexes is blindIndex of each, in order, on both.
    // Beyond the ASCII numbers: text in several scripts, and longer than the index's 256-byte buffer (its fallback).
    const values = ['+33612345678', '+33698765432', 'sale-reference\nA-1', '+33612345678', 'é€😀', 'é'.repeat(200)];
    const one = await Promise.all(values.map((value) => web.blindIndex('demo', value)));
    expect(new Set(one).size).toBe(5);
    expect(await node.blindIndexes('demo', values)).toEqual(one);
    expect(await web.blindIndexes('demo', values)).toEqual(one);
    expect(await node.blindIndexes('demo', [])).toEqual([]);
    for (const [writer, reader] of [
      [web, node],
      [node, web],
    ] as const) {
      const wrapped = await writer.newSubjectKey('subject-1');
      const sealed = await writer.seal(wrapped, 'subject-1', 'Demo Shop: confirmez https://x/c/abc é€😀');
      expect(await reader.open(wrapped, 'subject-1', sealed)).toBe('Demo Shop: confirmez https://x/c/abc é€😀');
      await expect(reader.open(wrapped, 'subject-2', sealed)).rejects.toThrow();
      // sealAll is seal of each, under the one subject key, each with its own nonce.
      const [phone, body, again] = await writer.sealAll(wrapped, 'subject-1', ['+33612345678', 'é€😀', 'é€😀']);
      expect(await reader.open(wrapped, 'subject-1', phone!)).toBe('+33612345678');
      expect(await reader.open(wrapped, 'subject-1', body!)).toBe('é€😀');
      expect(again).not.toBe(body);
      await expect(reader.open(wrapped, 'subject-2', body!)).rejects.toThrow();
      await expect(writer.sealAll(await writer.newSubjectKey('subject-1'), 'subject-2', ['x'])).rejects.toThrow();
    }
  });

  it('fails on a tampered ciphertext or another master key', async () => {
    const node = createNodeSealer({ masterKey, random });
    const wrapped = await node.newSubjectKey('s');
    const sealed = await node.seal(wrapped, 's', '+33612345678');
    const bytes = Buffer.from(sealed, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    await expect(node.open(wrapped, 's', bytes.toString('base64'))).rejects.toThrow();
    const other = createNodeSealer({ masterKey: crypto.getRandomValues(new Uint8Array(32)), random });
    await expect(other.open(wrapped, 's', sealed)).rejects.toThrow();
  });
});
