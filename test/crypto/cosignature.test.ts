import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendSignatureLines,
  checkCosignature,
  createCosigner,
  generateCosignerKey,
  makeCosignatureVerifierKey,
  parseCosignatureVerifierKey,
  parseCosignerKey,
  parseSignatureLines,
} from '../../worker/crypto/cosignature.ts';
import {
  createNoteSigner,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  makeVerifierKey,
} from '../../worker/crypto/note.ts';

// Independent of the code under test: node:crypto over the bytes tlog-cosignature §"Ed25519 signed message" names.
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const nodeKey = (seed: Uint8Array) =>
  createPrivateKey({ key: Buffer.concat([PKCS8, Buffer.from(seed)]), format: 'der', type: 'pkcs8' });
const rawPublic = (seed: Uint8Array) =>
  Buffer.from(createPublicKey(nodeKey(seed)).export({ format: 'jwk' }).x!, 'base64url');
const keyId = (name: string, pub: Buffer) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([4]), pub]))
    .digest()
    .subarray(0, 4);

const SEED = new Uint8Array(32).map((_, i) => i + 32);
const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('cosignature/v1 (tlog-cosignature, Ed25519)', () => {
  it('signs exactly "cosignature/v1\\ntime T\\n" + body with key ID SHA-256(name ‖ 0x0A ‖ 0x04 ‖ pub)[:4] and a big-endian u64 time', async () => {
    const cosigner = await createCosigner({ name: 'witness.example.com/w1', seed: SEED });
    const line = await cosigner.cosign(BODY, 1679315147);
    const match = /^\u2014 witness\.example\.com\/w1 ([A-Za-z0-9+/=]+)\n$/.exec(line);
    expect(match).not.toBeNull();
    const raw = Buffer.from(match![1]!, 'base64');
    expect(raw.length).toBe(76);
    const pub = rawPublic(SEED);
    expect(raw.subarray(0, 4)).toEqual(keyId('witness.example.com/w1', pub));
    expect(raw.readBigUInt64BE(4)).toBe(1679315147n);
    const message = Buffer.from(`cosignature/v1\ntime 1679315147\n${BODY}`);
    expect(nodeVerify(null, message, createPublicKey(nodeKey(SEED)), raw.subarray(12))).toBe(true);
    // Ed25519 is deterministic: node:crypto's own signature is the same bytes.
    expect(raw.subarray(12)).toEqual(nodeSign(null, message, nodeKey(SEED)));
    expect(await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey)).toBe(
      `witness.example.com/w1+${keyId('witness.example.com/w1', pub).toString('hex')}+${Buffer.concat([Buffer.from([4]), pub]).toString('base64')}`,
    );
  });

  it('verifies a cosignature made by node:crypto, and refuses a changed body, time or key', async () => {
    const name = 'w.example/a';
    const pub = rawPublic(SEED);
    const t = 1700000000;
    const sig = nodeSign(null, Buffer.from(`cosignature/v1\ntime ${t}\n${BODY}`), nodeKey(SEED));
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(t));
    const line = `\u2014 ${name} ${Buffer.concat([keyId(name, pub), ts, sig]).toString('base64')}\n`;
    const logSigner = await createNoteSigner({ name: 'example.com/behind-the-sofa', seed: new Uint8Array(32).fill(9) });
    const note = `${await signCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64') }, logSigner)}${line}`;
    const verifier = await parseCosignatureVerifierKey(await makeCosignatureVerifierKey(name, new Uint8Array(pub)));
    expect(await checkCosignature(note, verifier)).toEqual({ status: 'valid', timestamp: t });
    // The log's own signature still verifies with the cosignature line beside it.
    await verifyCheckpoint(note, await makeVerifierKey(logSigner.name, logSigner.publicKey));
    expect(parseCheckpoint(note).signatures).toHaveLength(2);
    expect((await checkCosignature(note.replace('20852163', '20852164'), verifier)).status).toBe('invalid');
    const otherTime = Buffer.from(line.split(' ')[2]!, 'base64');
    otherTime.writeBigUInt64BE(BigInt(t + 1), 4);
    expect(
      (await checkCosignature(note.replace(line, `\u2014 ${name} ${otherTime.toString('base64')}\n`), verifier)).status,
    ).toBe('invalid');
    const stranger = await parseCosignatureVerifierKey((await generateCosignerKey(name)).verifierKey);
    expect(await checkCosignature(note, stranger)).toEqual({ status: 'absent' });
    expect((await checkCosignature(note, verifier, { now: (t - 3600) * 1000 })).status).toBe('invalid'); // dated in the future
  });

  it('round-trips any body, name and time (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z0-9.\-/]{1,30}$/),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 1e9 }),
        async (name, t, seed, size) => {
          const cosigner = await createCosigner({ name, seed });
          const body = `log.example/x\n${size}\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n`;
          const note = `${body}\n\u2014 log.example/x AAAAAAAA\n`;
          const signed = appendSignatureLines(note, [await cosigner.cosign(body, t)]);
          const verifier = await parseCosignatureVerifierKey(
            await makeCosignatureVerifierKey(name, cosigner.publicKey),
          );
          expect(await checkCosignature(signed, verifier)).toEqual({ status: 'valid', timestamp: t });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('parses and generates the PRIVATE+KEY form with type 0x04', async () => {
    const { signerKey, verifierKey } = await generateCosignerKey('assent.example/witness');
    const cosigner = await parseCosignerKey(signerKey);
    expect(await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey)).toBe(verifierKey);
    await expect(parseCosignerKey(signerKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).rejects.toThrow(
      /does not match/,
    );
    // A log key (type 0x01) is not a witness key.
    await expect(
      parseCosignatureVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).rejects.toThrow(/0x04/);
  });

  it('appends signature lines once, and refuses what is not one', async () => {
    const note = `a\n1\nb\n\n\u2014 a AAAAAAAA\n`;
    const line = '\u2014 w BBBBBBBB\n';
    expect(appendSignatureLines(appendSignatureLines(note, [line]), [line])).toBe(`${note}${line}`);
    expect(() => appendSignatureLines(note, ['\u2014 w B B\n'])).toThrow();
    expect(parseSignatureLines(`${line}${line}`)).toEqual([line, line]);
    expect(() => parseSignatureLines('nope\n')).toThrow();
    expect(() => parseSignatureLines(line.repeat(17))).toThrow(/more than 16/);
  });
});
