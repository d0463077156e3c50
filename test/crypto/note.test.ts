import { describe, expect, it } from 'vitest';
import { toBase64, toHex } from '../../worker/crypto/encoding.ts';
import {
  generateNoteKeys,
  makeVerifierKey,
  NoteError,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
} from '../../worker/crypto/note.ts';

// The example key and note from golang.org/x/mod/sumdb/note.
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (Go reference vector)', () => {
  it('derives the published verifier key and signature from the private key', async () => {
    const signer = await parseSignerKey(SKEY);
    expect(toHex(signer.keyHash)).toBe('c74f20a3');
    expect(await makeVerifierKey(signer.name, signer.publicKey)).toBe(VKEY);
    // Ed25519 is deterministic, so the note must match byte for byte.
    expect(await signNote(TEXT, signer)).toBe(SIGNED);
  });

  it('opens the published note and refuses a tampered one', async () => {
    const verifier = await parseVerifierKey(VKEY);
    expect(await openNote(SIGNED, verifier)).toBe(TEXT);
    await expect(openNote(SIGNED.replace('cryptography', 'cryptographY'), verifier)).rejects.toThrow(NoteError);
    const other = await parseVerifierKey((await generateNoteKeys('PeterNeumann')).verifierKey);
    await expect(openNote(SIGNED, other)).rejects.toThrow(/no signature/);
  });

  it('rejects malformed verifier keys', async () => {
    await expect(
      parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).rejects.toThrow(/does not match/);
    await expect(parseVerifierKey('Peter+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).rejects.toThrow();
    await expect(parseVerifierKey('PeterNeumann+c74f20a3+AhpcEgXJ')).rejects.toThrow(/algorithm/);
    await expect(parseVerifierKey('no-plus-signs')).rejects.toThrow(/malformed/);
  });
});

describe('checkpoints', () => {
  const root = new Uint8Array(32).map((_, i) => i);

  it('formats the tlog-checkpoint body and round-trips through verification', async () => {
    const { signerKey, verifierKey } = await generateNoteKeys('assent.example/log/demo');
    const signer = await parseSignerKey(signerKey);
    const note = await signCheckpoint({ origin: 'assent.example/log/demo', size: 42, rootHash: root }, signer);
    expect(note.startsWith(`assent.example/log/demo\n42\n${toBase64(root)}\n\n— assent.example/log/demo `)).toBe(true);
    const parsed = await verifyCheckpoint(note, verifierKey);
    expect(parsed.origin).toBe('assent.example/log/demo');
    expect(parsed.size).toBe(42);
    expect([...parsed.rootHash]).toEqual([...root]);
    expect(parsed.signatures).toHaveLength(1);
    expect(parseCheckpoint(note).size).toBe(42);
  });

  it('fails on any change to origin, size, root or signature, and on another key', async () => {
    const { signerKey, verifierKey } = await generateNoteKeys('log');
    const signer = await parseSignerKey(signerKey);
    const note = await signCheckpoint({ origin: 'log', size: 7, rootHash: root }, signer);
    const lines = note.split('\n');
    const tampered = [
      note.replace('log\n7\n', 'log\n8\n'),
      note.replace('log\n7\n', 'lag\n7\n'),
      note.replace(toBase64(root), toBase64(root.map((b, i) => (i === 5 ? b ^ 1 : b)))),
      [...lines.slice(0, 4), lines[4]!.slice(0, -3) + (lines[4]!.endsWith('A==') ? 'B==' : 'A=='), ''].join('\n'),
    ];
    for (const bad of tampered) {
      expect(bad).not.toBe(note);
      await expect(verifyCheckpoint(bad, verifierKey)).rejects.toThrow(NoteError);
    }
    const stranger = await generateNoteKeys('log');
    await expect(verifyCheckpoint(note, stranger.verifierKey)).rejects.toThrow(NoteError);
  });

  it('refuses malformed bodies', async () => {
    const signer = await parseSignerKey((await generateNoteKeys('log')).signerKey);
    const sign = (text: string) => signNote(text, signer);
    expect(() => parseCheckpoint('log\n1\n')).toThrow(NoteError);
    expect(() => parseCheckpoint(`${`log\n01\n${toBase64(root)}`}\n\n`)).toThrow(NoteError);
    expect(() => parseCheckpoint(`log\n1\n${toBase64(root)}\n\n— log AAAA\n`)).toThrow(/too short/);
    await expect(sign('no newline')).rejects.toThrow(/newline/);
    const note = await sign(`log\n-1\n${toBase64(root)}\n`);
    expect(() => parseCheckpoint(note)).toThrow(/size/);
    const short = await sign(`log\n1\n${toBase64(root.slice(1))}\n`);
    expect(() => parseCheckpoint(short)).toThrow(/32 bytes/);
  });
});
