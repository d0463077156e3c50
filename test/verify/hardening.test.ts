// Issue 18, item 6: each file below was VALID for the verifier before (with the keys pinned) and is now INVALID,
// naming its check. Every case goes through `assent verify` (runCli, the code verify.mjs and bin/assent.mjs run) on
// the file's text, so the JSON reader, the format decision and the printed facts are the ones an auditor gets.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64, toBase64Url } from '../../worker/crypto/encoding.ts';
import {
  generateNoteKeys,
  parseCheckpoint,
  parseSignerKey,
  signCheckpoint,
  signNote,
} from '../../worker/crypto/note.ts';
import {
  createKeyRing,
  generateSigningKey,
  publicJwks,
  signReceipt,
  toPublicJwk,
} from '../../worker/crypto/signing.ts';
import {
  checkReceiptJwk,
  ed25519Thumbprint,
  fromCanonicalBase64,
  fromCanonicalBase64Url,
  splitVerifierKey,
} from '../../worker/verify/canonical.ts';
import { runCli } from '../../worker/verify/cli.ts';
import { verifyJws } from '../../worker/verify/jws.ts';
import { buildFixture, evidenceFile, ORIGIN, SHOWN, type Fixture } from './fixture.ts';

let fx: Fixture;
let dir: string;
let pins: string[];

const evidenceOf = (proof: Fixture['proof'] = fx.proof) => evidenceFile(fx, proof);

async function verify(doc: unknown, extra: string[] = pins): Promise<{ code: number; out: string; failed: string[] }> {
  const path = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  const lines: string[] = [];
  const code = await runCli(['verify', '--offline', path, ...extra], {
    fetch: () => Promise.reject(new Error('offline')),
    readFile: (p) => readFile(p, 'utf8'),
    writeFile: (p, t) => writeFile(p, t),
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
  });
  const out = lines.join('\n');
  return { code, out, failed: lines.filter((l) => l.startsWith('✗ ')).map((l) => l.slice(2, l.indexOf(':'))) };
}

/** The same bytes spelled with the last character's unused bits set: another text for the same value. */
function bumpUnusedBits(encoded: string): string {
  const padded = encoded.endsWith('=');
  const body = encoded.replace(/=+$/, '');
  const alphabet =
    /[-_]/.test(encoded) || !padded
      ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  return `${body.slice(0, -1)}${alphabet[alphabet.indexOf(body.at(-1)!) + 1]}${encoded.slice(body.length)}`;
}

beforeAll(async () => {
  fx = await buildFixture();
  dir = await mkdtemp(join(tmpdir(), 'assent-hardening-'));
  const jwks = join(dir, 'jwks.json');
  await writeFile(jwks, JSON.stringify(fx.jwks));
  pins = ['--jwks', jwks, '--log-key', fx.verifierKey];
});

describe('the untouched files', () => {
  it('an evidence file and a plain proof (no format, recognised by its shape) are VALID, with the facts printed after the checks', async () => {
    const evidence = await verify(evidenceOf());
    expect(evidence.failed).toEqual([]);
    expect(evidence.code).toBe(0);
    const heading = 'Facts verified (proven by the log):';
    const facts = evidence.out.slice(evidence.out.indexOf(heading));
    expect(evidence.out.indexOf(heading)).toBeGreaterThan(evidence.out.indexOf('✓ notice-policy'));
    // What the log does not hold is listed apart, as resting on the service's signature alone.
    const [proven, stated] = facts.split("Stated by the receipt only, resting on the service's signature alone");
    for (const own of [/subject +\+33/, /controller +Demo Shop/, /purpose +sms-marketing/, /page +https:\/\/demo/])
      expect(stated).toMatch(own);
    for (const own of [/subject/, /controller/, /purpose/, /demo\.example\/offres/, /Safari/])
      expect(proven).not.toMatch(own);
    expect(proven).toMatch(/confirmed +2026-03-01T10:02:00\.000Z by SMS link/);
    for (const line of [
      /subject +\+33 6•• •• •• 78/,
      /controller +Demo Shop, 1 rue de la Paix, Paris, privacy@demo\.example/,
      /purpose +sms-marketing \(consent\)/,
      /policy +version 1 \(fr\), SHA-256 [0-9a-f]{64}/,
      new RegExp(`widget texts +SHA-256 ${fx.proof.receipt.notice.widgetTextSha256}`),
      /requested +2026-03-01T10:00:00\.000Z by widget/,
      /confirmed +2026-03-01T10:02:00\.000Z by SMS link, on another device/,
      /withdrawn +not withdrawn/,
      /status +confirmed, not withdrawn as of checkpoint 10 \(assent\.test\/log\/demo, size 10\)/,
    ]) {
      expect(facts).toMatch(line);
    }
    // Nothing but the service's key vouches for the history here: the caveat says so, and what to check outside.
    expect(evidence.out).toContain("! the log's history rests on the service's key alone");
    expect(evidence.out).toMatch(/a checkpoint you saved earlier or a witness quorum/);
    const plain = await verify(fx.proof);
    expect(plain.failed).toEqual([]);
    expect(plain.out).toContain(heading);
    expect(plain.code).toBe(0);
  });

  it('prints no facts for an INVALID file', async () => {
    const { code, out } = await verify({ ...evidenceOf(), receipt: { ...fx.proof.receipt, status: 'withdrawn' } });
    expect(code).toBe(1);
    expect(out).not.toContain('Facts verified');
  });
});

describe('the kid is the RFC 7638 thumbprint of the key, recomputed', () => {
  it('computes the thumbprint of RFC 7638 §3.1 over crv, kty and x only', async () => {
    // RFC 8037 §A.3: the Ed25519 key of its examples and its thumbprint.
    expect(await ed25519Thumbprint('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo')).toBe(
      'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    );
    expect(await ed25519Thumbprint(fx.jwks.keys[0]!.x)).toBe(fx.jwks.keys[0]!.kid);
  });

  it("refuses the server's kid kept over a swapped key (only the log key pinned), and says which thumbprint it found", async () => {
    const other = await generateSigningKey();
    const forged = evidenceOf();
    forged.receipt = {
      ...forged.receipt,
      collection: { ...forged.receipt.collection, at: '2026-01-20T10:00:00.000Z' },
    } as typeof forged.receipt;
    forged.jws = await signReceipt(forged.receipt, createKeyRing({ current: { ...other, kid: fx.jwks.keys[0]!.kid } }));
    forged.keys.jwks = { keys: [{ ...toPublicJwk(other), kid: fx.jwks.keys[0]!.kid }] };
    const { code, out, failed } = await verify(forged, ['--log-key', fx.verifierKey]);
    expect(failed[0]).toBe('jwks');
    expect(out).toContain(`its RFC 7638 thumbprint is ${other.kid}, not its kid`);
    expect(failed).toContain('receipt-signature');
    expect(code).toBe(1);
  });

  it('refuses a pinned JWKS file holding a key under another kid, and prints kid and thumbprint when they agree', async () => {
    const jwks = join(dir, 'bad-jwks.json');
    await writeFile(jwks, JSON.stringify({ keys: [{ ...fx.jwks.keys[0], kid: 'not-the-thumbprint' }] }));
    const { code, failed } = await verify(evidenceOf(), ['--jwks', jwks, '--log-key', fx.verifierKey]);
    expect(failed[0]).toBe('jwks');
    expect(code).toBe(1);
    const good = await verify(evidenceOf());
    expect(good.out).toContain(
      `✓ receipt-signature: EdDSA signature by key ${fx.jwks.keys[0]!.kid} (RFC 7638 thumbprint recomputed: ${fx.jwks.keys[0]!.kid})`,
    );
    await expect(
      verifyJws(fx.proof.jws, { keys: [{ ...fx.jwks.keys[0]!, kid: fx.jwks.keys[0]!.kid }] }),
    ).resolves.toMatchObject({ thumbprint: fx.jwks.keys[0]!.kid });
  });
});

describe('duplicate JSON keys are refused, whichever one a reader would keep', () => {
  it('in the evidence file: "status" twice in the receipt', async () => {
    const text = JSON.stringify(evidenceOf(), null, 2).replace(
      '"receipt": {\n',
      '"receipt": {\n    "status": "withdrawn",\n',
    );
    const { code, out, failed } = await verify(text);
    expect(failed).toEqual(['duplicate-keys']);
    expect(out).toContain('duplicate JSON key "status" in $.receipt');
    expect(code).toBe(1);
  });

  it('in a plain proof, at any depth, escaped or not', async () => {
    const text = JSON.stringify(fx.proof).replace(
      '"sameDeviceAsRequest":false',
      '"sameDeviceAsRequest":false,"sameDevice\\u0041sRequest":true',
    );
    const { code, failed } = await verify(text);
    expect(failed).toEqual(['duplicate-keys']);
    expect(code).toBe(1);
  });

  it('in a pinned JWKS file', async () => {
    const jwks = join(dir, 'dup-jwks.json');
    await writeFile(jwks, JSON.stringify(fx.jwks).replace('"kty":"OKP"', '"kty":"OKP","kty":"OKP"'));
    const { code, failed } = await verify(evidenceOf(), ['--jwks', jwks, '--log-key', fx.verifierKey]);
    expect(failed).toEqual(['duplicate-keys']);
    expect(code).toBe(1);
  });

  it('in the JWS payload and header, even signed by the right key', async () => {
    const ring = createKeyRing({ current: await generateSigningKey() });
    const jwks = publicJwks(ring);
    const sign = async (header: string, payload: string) => {
      const h = toBase64Url(new TextEncoder().encode(header));
      const p = toBase64Url(new TextEncoder().encode(payload));
      const key = await crypto.subtle.importKey(
        'jwk',
        { kty: 'OKP', crv: 'Ed25519', d: ring.current.d, x: ring.current.x },
        { name: 'Ed25519' },
        false,
        ['sign'],
      );
      const s = new Uint8Array(
        await crypto.subtle.sign({ name: 'Ed25519' }, key, new TextEncoder().encode(`${h}.${p}`)),
      );
      return `${h}.${p}.${toBase64Url(s)}`;
    };
    const header = JSON.stringify({ alg: 'EdDSA', kid: ring.current.kid });
    await expect(verifyJws(await sign(header, '{"status":"confirmed","status":"withdrawn"}'), jwks)).rejects.toThrow(
      'JWS payload is not JSON with unique keys: duplicate JSON key "status"',
    );
    await expect(verifyJws(await sign(header.replace('{', '{"alg":"EdDSA",'), '{}'), jwks)).rejects.toThrow(
      'JWS header is not JSON with unique keys',
    );
    await expect(verifyJws(await sign(header, '{"status":"confirmed"}'), jwks)).resolves.toMatchObject({
      kid: ring.current.kid,
    });
  });
});

describe('format', () => {
  it('another format is INVALID (exit 1), never verified as a plain proof without its texts and policy', async () => {
    const renamed = { ...evidenceOf(), format: 'assent-evidence/2' };
    renamed.notice.widgetTexts.texts = { ...SHOWN.texts, intro: 'Texts nobody saw' };
    const { code, out, failed } = await verify(renamed);
    expect(failed).toEqual(['proof-format']);
    expect(out).toContain('format "assent-evidence/2" is not assent-evidence/1');
    expect(code).toBe(1);
  });

  it('an evidence file stripped of its format is INVALID too; a plain proof has none of its members', async () => {
    const { format: _, ...stripped } = evidenceOf();
    const { code, out, failed } = await verify(stripped);
    expect(failed).toEqual(['proof-format']);
    expect(out).toContain('no "format", yet it holds keys, notice, generatedAt, proofUrl');
    expect(code).toBe(1);
    expect((await verify({ ...fx.proof, format: null })).failed).toEqual(['proof-format']);
  });
});

describe('canonical base64url and base64 only', () => {
  it('decoders accept only the text an encoder writes', () => {
    expect(fromCanonicalBase64Url('AQ')).toEqual(new Uint8Array([1]));
    expect(() => fromCanonicalBase64Url('AR')).toThrow('not canonical base64url');
    expect(() => fromCanonicalBase64Url('AQ==')).toThrow('padding or a character outside the URL alphabet');
    expect(() => fromCanonicalBase64Url('A+')).toThrow('outside the URL alphabet');
    expect(fromCanonicalBase64('AQ==')).toEqual(new Uint8Array([1]));
    expect(() => fromCanonicalBase64('AR==')).toThrow('not canonical base64');
    expect(() => fromCanonicalBase64('AQ')).toThrow('not base64');
  });

  for (const part of [0, 1, 2] as const) {
    it(`refuses JWS part ${['header', 'payload', 'signature'][part]} spelled with non-zero unused bits`, async () => {
      const parts = fx.proof.jws.split('.');
      const bumped = bumpUnusedBits(parts[part]!);
      if (bumped.length % 4 === 0) return; // this part has no unused bits for this key and receipt
      parts[part] = bumped;
      const { code, out, failed } = await verify({ ...evidenceOf(), jws: parts.join('.') });
      expect(failed[0]).toBe('receipt-signature');
      expect(out).toContain('is not canonical base64url');
      expect(code).toBe(1);
    });
  }

  it('refuses a JWK whose x is not canonical (the thumbprint of another spelling of the same key)', async () => {
    const x = bumpUnusedBits(fx.jwks.keys[0]!.x);
    expect(await checkReceiptJwk({ ...fx.jwks.keys[0], x })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('x is not canonical base64url'),
    });
    const forged = evidenceOf();
    forged.keys.jwks = { keys: [{ ...fx.jwks.keys[0]!, x, kid: await ed25519Thumbprint(x) }] };
    const { code, failed } = await verify(forged, ['--log-key', fx.verifierKey]);
    expect(failed[0]).toBe('jwks');
    expect(code).toBe(1);
  });

  it('refuses an inclusion hash, the checkpoint root or a signature line spelled otherwise', async () => {
    const path = evidenceOf();
    path.log.entries[0]!.inclusion[0] = bumpUnusedBits(path.log.entries[0]!.inclusion[0]!);
    expect(fromBase64(path.log.entries[0]!.inclusion[0]!)).toEqual(fromBase64(fx.proof.log.entries[0]!.inclusion[0]!));
    const a = await verify(path);
    expect(a.failed).toEqual(['inclusion[3]']);
    expect(a.out).toContain('is not canonical base64');

    const cp = parseCheckpoint(fx.proof.log.checkpoint);
    const root = bumpUnusedBits(toBase64(cp.rootHash));
    const rooted = evidenceOf();
    rooted.log.checkpoint = await signNote(`${cp.origin}\n${cp.size}\n${root}\n`, fx.signer);
    const b = await verify(rooted);
    expect(b.failed[0]).toBe('checkpoint-signature');
    expect(b.out).toContain('the checkpoint root is not canonical base64');

    const line = evidenceOf();
    const sig = fx.proof.log.checkpoint.trimEnd().split(' ').at(-1)!;
    line.log.checkpoint = fx.proof.log.checkpoint.replace(sig, bumpUnusedBits(sig));
    const c = await verify(line);
    expect(c.failed[0]).toBe('checkpoint-signature');
    expect(c.out).toContain('a checkpoint signature line is not canonical base64');
  });
});

describe('log.status and the notice agree with the rest of the file', () => {
  it('log.status other than included or pending, or contradicting the entries, is INVALID', async () => {
    const unknown = evidenceOf();
    (unknown.log as { status: string }).status = 'complete';
    expect((await verify(unknown)).failed).toEqual(['log-status']);
    const contradicts = evidenceOf();
    contradicts.log.status = 'pending';
    const r = await verify(contradicts);
    expect(r.failed).toEqual(['log-status']);
    expect(r.out).toContain(
      'log.status says pending, but 0 event(s) wait for a signed checkpoint: it must say included',
    );
    expect(r.code).toBe(1);
  });

  it("the file's policy version and locale, and its texts' locale and version, are the receipt's", async () => {
    const version = evidenceOf();
    version.notice.policy.version = 2;
    const v = await verify(version);
    expect(v.failed).toEqual(['notice-policy']);
    expect(v.out).toContain("the file's policy says version 2 (fr), the receipt cites version 1 (fr)");
    const locale = evidenceOf();
    locale.notice.policy.locale = 'en';
    expect((await verify(locale)).failed).toEqual(['notice-policy']);
    const texts = evidenceOf();
    texts.notice.widgetTexts.locale = 'en';
    expect((await verify(texts)).failed).toEqual(['notice-texts']);
  });
});

describe('the log has one name: the pinned key names the origin', () => {
  it('a checkpoint signed by a key of another name, or a file naming another origin, is INVALID', async () => {
    const other = await parseSignerKey((await generateNoteKeys('other.example/log/demo')).signerKey);
    const cp = parseCheckpoint(fx.proof.log.checkpoint);
    const foreign = evidenceOf();
    foreign.log.checkpoint = await signCheckpoint({ origin: cp.origin, size: cp.size, rootHash: cp.rootHash }, other);
    const otherKey = `${other.name}+${Buffer.from(other.keyHash).toString('hex')}+${toBase64(new Uint8Array([1, ...other.publicKey]))}`;
    const { code, out, failed } = await verify(foreign, ['--jwks', pins[1]!, '--log-key', otherKey]);
    expect(out).toContain('✓ checkpoint-signature');
    expect(failed[0]).toBe('checkpoint-origin');
    expect(out).toContain(
      'the log key is named "other.example/log/demo", but the receipt\'s log.origin is "assent.test/log/demo"',
    );
    expect(code).toBe(1);

    const named = evidenceOf();
    named.keys.log.origin = 'assent.test/logs/demo';
    expect((await verify(named)).failed).toEqual(['checkpoint-origin']);
  });

  it('splits a verifier key on its first two + only: a key whose base64 holds + is read whole', async () => {
    let key = '';
    let signer: Awaited<ReturnType<typeof parseSignerKey>> | undefined;
    for (let i = 0; i < 200 && !key.split('+').slice(2).join('+').includes('+'); i++) {
      const keys = await generateNoteKeys(ORIGIN);
      key = keys.verifierKey;
      signer = await parseSignerKey(keys.signerKey);
    }
    expect(key.split('+').length).toBeGreaterThan(3);
    expect(splitVerifierKey(key)).toEqual([ORIGIN, key.split('+')[1], key.split('+').slice(2).join('+')]);
    const resigned = evidenceOf();
    resigned.log.checkpoint = await signNote(parseCheckpoint(fx.proof.log.checkpoint).body, signer!);
    const { out } = await verify(resigned, ['--jwks', pins[1]!, `--log-key=${key}`]);
    expect(out).toContain('✓ checkpoint-signature');
    expect(out).toContain(`✓ checkpoint-origin: ${ORIGIN}`);
  });
});
