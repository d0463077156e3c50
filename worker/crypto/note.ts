// C2SP signed notes (Ed25519) and tlog-checkpoint bodies: how a log commits to its size
// and root so auditors can hold it to that statement later.

import { bytesEqual, concatBytes, fromBase64, fromBase64Url, sha256, toBase64, toHex, utf8 } from './encoding.ts';

const ALG_ED25519 = 0x01;
const DASH = '\u2014';
// PKCS#8 prefix for a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export class NoteError extends Error {
  override name = 'NoteError';
}

export interface NoteSigner {
  name: string;
  publicKey: Uint8Array;
  /** First 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ pubkey). */
  keyHash: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface NoteVerifier {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export interface NoteSignature {
  name: string;
  keyHash: Uint8Array;
  signature: Uint8Array;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Optional extension lines after the root, without their newlines. */
  extensions: string[];
}

export interface ParsedCheckpoint extends Checkpoint {
  /** The signed text (the checkpoint body). */
  body: string;
  signatures: NoteSignature[];
}

function assertName(name: string): void {
  // signed-note: non-empty, no Unicode spaces, no "+".
  if (name.length === 0 || /[\s+]/u.test(name) || /\p{Cc}/u.test(name)) {
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  }
}

async function keyHashOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const digest = await sha256(concatBytes(utf8(`${name}\n`), new Uint8Array([ALG_ED25519]), publicKey));
  return digest.slice(0, 4);
}

/** `name+hex8(keyhash)+base64(0x01 ‖ pubkey)`. */
export async function makeVerifierKey(name: string, publicKey: Uint8Array): Promise<string> {
  assertName(name);
  if (publicKey.length !== 32) throw new NoteError('Ed25519 public keys are 32 bytes');
  const hash = await keyHashOf(name, publicKey);
  return `${name}+${toHex(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`;
}

/** Splits on the first `count - 1` plus signs: the base64 key itself may contain "+". */
function splitPlus(text: string, count: number): string[] {
  const parts = text.split('+');
  if (parts.length < count) return parts;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('+')];
}

export async function parseVerifierKey(vkey: string): Promise<NoteVerifier> {
  const parts = splitPlus(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoteError('malformed verifier key');
  const [name, hashHex, keyB64] = parts as [string, string, string];
  assertName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new NoteError('malformed verifier key hash');
  let raw: Uint8Array;
  try {
    raw = fromBase64(keyB64);
  } catch {
    throw new NoteError('malformed verifier key encoding');
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError('unsupported verifier key algorithm');
  const publicKey = raw.slice(1);
  const keyHash = await keyHashOf(name, publicKey);
  if (toHex(keyHash) !== hashHex) throw new NoteError('verifier key hash does not match the key');
  const key = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  return {
    name,
    keyHash,
    publicKey,
    verify: (message, signature) =>
      crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource),
  };
}

/** A signer from a raw 32-byte Ed25519 seed (the JWK `d`, or the seed in a Go note private key). */
export async function createNoteSigner(options: { name: string; seed: Uint8Array }): Promise<NoteSigner> {
  const { name, seed } = options;
  assertName(name);
  if (seed.length !== 32) throw new NoteError('Ed25519 seeds are 32 bytes');
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, seed);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8 as BufferSource, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = fromBase64Url(jwk.x ?? '');
  const keyHash = await keyHashOf(name, publicKey);
  return {
    name,
    publicKey,
    keyHash,
    async sign(message) {
      return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, message as BufferSource));
    },
  };
}

/** Signer from the Go note private key form `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)`. */
export async function parseSignerKey(skey: string): Promise<NoteSigner> {
  const parts = splitPlus(skey.trim(), 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteError('malformed signer key');
  const raw = fromBase64(parts[4]!);
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError('unsupported signer key algorithm');
  const signer = await createNoteSigner({ name: parts[2]!, seed: raw.slice(1) });
  if (toHex(signer.keyHash) !== parts[3]) throw new NoteError('signer key hash does not match the key');
  return signer;
}

/** A fresh log key: the private form to keep secret and the verifier key to publish. */
export async function generateNoteKeys(name: string): Promise<{ signerKey: string; verifierKey: string }> {
  assertName(name);
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const signer = await createNoteSigner({ name, seed });
  const signerKey = `PRIVATE+KEY+${name}+${toHex(signer.keyHash)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`;
  return { signerKey, verifierKey: await makeVerifierKey(name, signer.publicKey) };
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  if (text.includes('\n\n') || text.startsWith('\n')) throw new NoteError('note text must not contain blank lines');
  // Only printable text and newlines are allowed in a note (no other controls).
  if (/[^\P{Cc}\n]/u.test(text)) throw new NoteError('note text contains control characters');
}

/** Signs `text` and returns the full note: text, blank line, one signature line. */
export async function signNote(text: string, signer: NoteSigner): Promise<string> {
  assertNoteText(text);
  const signature = await signer.sign(utf8(text));
  return `${text}\n${DASH} ${signer.name} ${toBase64(concatBytes(signer.keyHash, signature))}\n`;
}

/** Splits a signed note into its text and signature lines without checking any signature. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note');
  const text = note.slice(0, split + 1);
  assertNoteText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) throw new NoteError('malformed signature line');
    const raw = fromBase64(match[2]!);
    if (raw.length < 5) throw new NoteError('signature too short');
    return { name: match[1]!, keyHash: raw.slice(0, 4), signature: raw.slice(4) };
  });
  if (signatures.length === 0) throw new NoteError('note has no signatures');
  return { text, signatures };
}

/** Returns the note text when a signature by `verifier` is present and valid; throws otherwise. */
export async function openNote(note: string, verifier: NoteVerifier): Promise<string> {
  const { text, signatures } = parseNote(note);
  const mine = signatures.filter((s) => s.name === verifier.name && bytesEqual(s.keyHash, verifier.keyHash));
  if (mine.length === 0) throw new NoteError(`no signature by ${verifier.name}+${toHex(verifier.keyHash)}`);
  for (const sig of mine) {
    if (sig.signature.length === 64 && (await verifier.verify(utf8(text), sig.signature))) return text;
  }
  throw new NoteError(`invalid signature by ${verifier.name}`);
}

export function formatCheckpoint(checkpoint: Omit<Checkpoint, 'extensions'> & { extensions?: string[] }): string {
  const { origin, size, rootHash } = checkpoint;
  if (origin.length === 0 || origin.includes('\n')) throw new NoteError('invalid origin');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError('invalid size');
  if (rootHash.length !== 32) throw new NoteError('root hash must be 32 bytes');
  const ext = (checkpoint.extensions ?? []).map((line) => `${line}\n`).join('');
  return `${origin}\n${size}\n${toBase64(rootHash)}\n${ext}`;
}

function parseCheckpointBody(body: string): Checkpoint {
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('checkpoint needs origin, size and root lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new NoteError('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError('checkpoint size is not a decimal integer');
  }
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    throw new NoteError('checkpoint root is not base64');
  }
  if (rootHash.length !== 32) throw new NoteError('checkpoint root is not 32 bytes');
  return { origin, size: Number(sizeText), rootHash, extensions };
}

export async function signCheckpoint(
  checkpoint: { origin: string; size: number; rootHash: Uint8Array },
  signer: NoteSigner,
): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), signer);
}

/** Parses a signed checkpoint without verifying it. */
export function parseCheckpoint(note: string): ParsedCheckpoint {
  const { text, signatures } = parseNote(note);
  return { ...parseCheckpointBody(text), body: text, signatures };
}

/** Verifies the checkpoint's signature against a verifier key string and returns its contents. */
export async function verifyCheckpoint(note: string, verifierKey: string | NoteVerifier): Promise<ParsedCheckpoint> {
  const verifier = typeof verifierKey === 'string' ? await parseVerifierKey(verifierKey) : verifierKey;
  await openNote(note, verifier);
  return parseCheckpoint(note);
}
