// C2SP tlog-cosignature `cosignature/v1` (Ed25519, signature type 0x04): a witness's timestamped statement that a
// checkpoint is the largest consistent tree it has seen for that log. Signing, verifying, vkeys, and adding the
// cosignature lines a witness returned to a signed note. WebCrypto only: the standalone verifier bundles this file.
import { bytesEqual, concatBytes, fromBase64, fromBase64Url, sha256, toBase64, toHex, utf8 } from './encoding.ts';
import { NoteError, parseNote } from './note.ts';

/** signed-note §"Signature types": 0x04, timestamped Ed25519 checkpoint cosignatures. */
export const ALG_COSIGNATURE_V1 = 0x04;
const DASH = '\u2014';
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
/** tlog-cosignature §Format: u64 timestamp MUST NOT exceed 2^63 - 1; we also keep it a safe integer (seconds). */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export interface CosignatureKey {
  name: string;
  publicKey: Uint8Array;
  /** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4] (tlog-cosignature §Format). */
  keyId: Uint8Array;
}

export interface Cosigner extends CosignatureKey {
  /** The signature line (`— name base64(keyId ‖ u64 timestamp ‖ sig)`, newline-terminated) over a checkpoint body. */
  cosign(body: string, timestamp: number): Promise<string>;
}

export interface CosignatureVerifier extends CosignatureKey {
  vkey: string;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

function assertName(name: string): void {
  // signed-note §Format: non-empty, no Unicode spaces, no "+".
  if (name.length === 0 || /[\s+]/u.test(name) || /\p{Cc}/u.test(name))
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

export async function cosignatureKeyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concatBytes(utf8(`${name}\n`), new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))).slice(0, 4);
}

/** tlog-cosignature §"Ed25519 signed message": "cosignature/v1\n" "time <t>\n" then the whole note body. */
export function cosignatureMessage(body: string, timestamp: number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${body}`);
}

/** signed-note §"Verifier keys": `name+hex(keyId)+base64(0x04 ‖ public key)`. */
export async function makeCosignatureVerifierKey(name: string, publicKey: Uint8Array): Promise<string> {
  assertName(name);
  if (publicKey.length !== 32) throw new NoteError('Ed25519 public keys are 32 bytes');
  return `${name}+${toHex(await cosignatureKeyId(name, publicKey))}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`;
}

/** Splits `a+b+c…` on the first count-1 plus signs (base64 may hold "+"). */
function splitPlus(text: string, count: number): string[] {
  const parts = text.split('+');
  return parts.length < count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join('+')];
}

export async function parseCosignatureVerifierKey(vkey: string): Promise<CosignatureVerifier> {
  const parts = splitPlus(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoteError('malformed verifier key');
  const [name, idHex, keyB64] = parts as [string, string, string];
  assertName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('malformed verifier key id');
  let raw: Uint8Array;
  try {
    raw = fromBase64(keyB64);
  } catch {
    throw new NoteError('malformed verifier key encoding');
  }
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteError('not a cosignature/v1 (0x04) Ed25519 verifier key');
  const publicKey = raw.slice(1);
  const keyId = await cosignatureKeyId(name, publicKey);
  if (toHex(keyId) !== idHex) throw new NoteError('verifier key id does not match the key');
  const key = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  return {
    name,
    publicKey,
    keyId,
    vkey: `${name}+${idHex}+${keyB64}`,
    verify: (message, signature) =>
      crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource),
  };
}

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** A cosigner from a raw 32-byte Ed25519 seed. */
export async function createCosigner(options: { name: string; seed: Uint8Array }): Promise<Cosigner> {
  const { name, seed } = options;
  assertName(name);
  if (seed.length !== 32) throw new NoteError('Ed25519 seeds are 32 bytes');
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    concatBytes(PKCS8_ED25519_PREFIX, seed) as BufferSource,
    { name: 'Ed25519' },
    true,
    ['sign'],
  );
  const publicKey = fromBase64Url((await crypto.subtle.exportKey('jwk', privateKey)).x ?? '');
  const keyId = await cosignatureKeyId(name, publicKey);
  return {
    name,
    publicKey,
    keyId,
    async cosign(body, timestamp) {
      // tlog-witness §add-checkpoint: the timestamp MUST NOT be zero.
      if (!Number.isSafeInteger(timestamp) || timestamp <= 0)
        throw new NoteError('cosignature timestamp must be a positive integer');
      const signature = new Uint8Array(
        await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, cosignatureMessage(body, timestamp) as BufferSource),
      );
      return `${DASH} ${name} ${toBase64(concatBytes(keyId, u64(timestamp), signature))}\n`;
    },
  };
}

/** The private key form `PRIVATE+KEY+name+hex(keyId)+base64(0x04 ‖ seed)` (as Go's note keys, with type 0x04). */
export async function parseCosignerKey(skey: string): Promise<Cosigner> {
  const parts = splitPlus(skey.trim(), 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw new NoteError('malformed witness key: expected PRIVATE+KEY+<name>+<id>+<base64>');
  let raw: Uint8Array;
  try {
    raw = fromBase64(parts[4]!);
  } catch {
    throw new NoteError('malformed witness key encoding');
  }
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteError('witness key must be type 0x04 (cosignature/v1) with a 32-byte seed');
  const cosigner = await createCosigner({ name: parts[2]!, seed: raw.slice(1) });
  if (toHex(cosigner.keyId) !== parts[3]) throw new NoteError('witness key id does not match the key');
  return cosigner;
}

/** A fresh witness key: the private form to keep secret and the vkey to publish. */
export async function generateCosignerKey(name: string): Promise<{ signerKey: string; verifierKey: string }> {
  assertName(name);
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const cosigner = await createCosigner({ name, seed });
  return {
    signerKey: `PRIVATE+KEY+${name}+${toHex(cosigner.keyId)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), seed))}`,
    verifierKey: await makeCosignatureVerifierKey(name, cosigner.publicKey),
  };
}

export type CosignatureCheck =
  | { status: 'valid'; timestamp: number }
  | { status: 'absent' }
  | { status: 'invalid'; reason: string };

/**
 * The cosignature of `verifier` on a signed note. signed-note §Signatures: lines whose name and key ID do not both
 * match are ignored; a matching line MUST verify, so one that does not makes the whole answer invalid.
 */
export async function checkCosignature(
  note: string,
  verifier: CosignatureVerifier,
  options: { now?: number } = {},
): Promise<CosignatureCheck> {
  const { text, signatures } = parseNote(note);
  let found: number | null = null;
  for (const sig of signatures) {
    if (sig.name !== verifier.name || !bytesEqual(sig.keyHash, verifier.keyId)) continue;
    if (sig.signature.length !== 8 + 64)
      return { status: 'invalid', reason: `cosignature by ${verifier.name} is not 76 bytes` };
    const timestamp = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0);
    if (timestamp === 0n || timestamp > BigInt(MAX_TIMESTAMP))
      return { status: 'invalid', reason: `cosignature by ${verifier.name} has timestamp ${timestamp}` };
    const seconds = Number(timestamp);
    // tlog-cosignature §Format: verifiers MAY reject timestamps in the future (allowing ten minutes of clock skew).
    if (options.now !== undefined && seconds > options.now / 1000 + 600)
      return { status: 'invalid', reason: `cosignature by ${verifier.name} is dated in the future` };
    if (!(await verifier.verify(cosignatureMessage(text, seconds), sig.signature.slice(8)))) {
      return { status: 'invalid', reason: `cosignature by ${verifier.name} does not verify` };
    }
    found = Math.max(found ?? 0, seconds);
  }
  return found === null ? { status: 'absent' } : { status: 'valid', timestamp: found };
}

const SIGNATURE_LINE = /^\u2014 [^\s+]+ [A-Za-z0-9+/]+={0,2}$/u;

/**
 * Parses signature lines a witness answered (tlog-witness §add-checkpoint, 200 body): at most `max`, each
 * `— name base64` and newline-terminated. Throws NoteError on anything else.
 */
export function parseSignatureLines(body: string, max = 16): string[] {
  if (body.length === 0 || !body.endsWith('\n')) throw new NoteError('signature lines must end in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length > max) throw new NoteError(`more than ${max} signature lines`);
  for (const line of lines)
    if (line.length > 512 || !SIGNATURE_LINE.test(line)) throw new NoteError('malformed signature line');
  return lines.map((line) => `${line}\n`);
}

/** The note with extra signature lines appended after its own (a line it already has is not added twice). */
export function appendSignatureLines(note: string, lines: readonly string[]): string {
  parseNote(note); // a well-formed note to begin with
  const have = new Set(
    note
      .slice(note.lastIndexOf('\n\n') + 2)
      .split('\n')
      .filter(Boolean)
      .map((l) => `${l}\n`),
  );
  let out = note;
  for (const line of lines) {
    if (!SIGNATURE_LINE.test(line.replace(/\n$/, '')) || !line.endsWith('\n'))
      throw new NoteError('malformed signature line');
    if (!have.has(line)) {
      have.add(line);
      out += line;
    }
  }
  return out;
}
