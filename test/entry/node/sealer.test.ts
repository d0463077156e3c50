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
      // A new subject's key comes with its texts sealed under it, each with its own nonce; nothing seals for another id.
      const {
        wrappedKey: wrapped,
        sealed: [phone, body, again],
      } = await writer.newSubject('subject-1', ['+33612345678', 'é€😀', 'é€😀']);
      expect(await reader.open(wrapped, 'subject-1', phone!)).toBe('+33612345678');
      expect(await reader.open(wrapped, 'subject-1', body!)).toBe('é€😀');
      expect(again).not.toBe(body);
      await expect(reader.open(wrapped, 'subject-2', body!)).rejects.toThrow();
      const sealed = await writer.seal(wrapped, 'subject-1', 'Demo Shop: confirmez https://x/c/abc é€😀');
      expect(await reader.open(wrapped, 'subject-1', sealed)).toBe('Demo Shop: confirmez https://x/c/abc é€😀');
      await expect(reader.open(wrapped, 'subject-2', sealed)).rejects.toThrow();
      // openAll is open of each, the key unwrapped once; one bad text or another id fails it whole.
      expect(await reader.openAll(wrapped, 'subject-1', [phone!, sealed, body!])).toEqual([
        '+33612345678',
        'Demo Shop: confirmez https://x/c/abc é€😀',
        'é€😀',
      ]);
      expect(await reader.openAll(wrapped, 'subject-1', [])).toEqual([]);
      await expect(reader.openAll(wrapped, 'subject-2', [phone!])).rejects.toThrow();
      const other = await writer.newSubject('subject-3', ['x']);
      await expect(reader.openAll(wrapped, 'subject-1', [phone!, other.sealed[0]!])).rejects.toThrow();
      await expect(reader.open(other.wrappedKey, 'subject-1', other.sealed[0]!)).rejects.toThrow();
    }
  });

  it('fails on a tampered ciphertext or another master key', async () => {
    const node = createNodeSealer({ masterKey, random });
    const made = await node.newSubject('s', ['+33612345678']);
    const [wrapped, sealed] = [made.wrappedKey, made.sealed[0]!];
    const bytes = Buffer.from(sealed, 'base64');
    bytes[20] = bytes[20]! ^ 1;
    await expect(node.open(wrapped, 's', bytes.toString('base64'))).rejects.toThrow();
    const other = createNodeSealer({ masterKey: crypto.getRandomValues(new Uint8Array(32)), random });
    await expect(other.open(wrapped, 's', sealed)).rejects.toThrow();
  });
});
