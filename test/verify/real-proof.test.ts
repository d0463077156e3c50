// The verifier CLI against a real server: a real opt-in, confirmation and link unsubscribe, checked over HTTP by
// `node bin/assent.mjs verify` as a child process; tampering with the downloaded proof fails the named check.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../worker/crypto/encoding.ts';
import { parseCheckpoint } from '../../worker/crypto/note.ts';
import { json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { flipBase64 } from './fixture.ts';

const BIN = join(import.meta.dirname, '../../bin/assent.mjs');

interface Proof {
  receipt: Record<string, unknown> & { consentId: string; status: string; collection: { at: string } };
  jws: string;
  log: { checkpoint: string; entries: { index: number; leaf: Record<string, unknown>; inclusion: string[] }[] };
}

let h: Harness;
let server: ServerType;
let base: string;
let dir: string;
let consentId: string;

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

async function save(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const getProof = async (): Promise<Proof> =>
  (await (await fetch(`${base}/proofs/${consentId}`, { headers: { accept: 'application/json' } })).json()) as Proof;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-real-proof-'));
  // The server is bound first so the app can be built with its real origin as the public URL.
  server = serve({ fetch: (req) => h.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await makeHarness({ publicUrl: base });

  const res = await optIn(h);
  expect(res.status).toBe(202);
  const created = (await res.json()) as { consentId: string; proofUrl: string };
  consentId = created.consentId;
  expect(created.proofUrl).toBe(`${base}/proofs/${consentId}`);
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  h.advance(60_000);
  expect((await h.app.request(`/u/${linkToken(h, 'u')}`, { method: 'POST' })).status).toBe(200);
  expect((await h.ctx.consents.byId(consentId))!.status).toBe('withdrawn');
  await h.flush(); // the jobs put the withdrawal into a signed checkpoint
}, 30_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe('assent verify on a proof served by the real app', () => {
  it('passes every check, saves the checkpoint, then proves the log only grew after more events', {
    timeout: 60_000,
  }, async () => {
    const first = await run(['verify', `${base}/proofs/${consentId}`, '--save-checkpoint', 'saved.txt']);
    expect(first.err).toBe('');
    // requested, its SMS, confirmed, its SMS, withdrawn: the leaves of this consent, each with its inclusion path.
    const proof = await getProof();
    expect(proof.log.entries.map((e) => e.leaf.type)).toEqual([
      'requested',
      'sms-sent',
      'confirmed',
      'sms-sent',
      'withdrawn',
    ]);
    for (const e of proof.log.entries) expect(first.out).toContain(`✓ inclusion[${e.index}]`);
    expect(first.out).toContain('✓ receipt-signature: EdDSA signature by key');
    expect(first.out).toContain('✓ receipt-payload');
    expect(first.out).toContain('✓ checkpoint-signature');
    expect(first.out).toContain(`✓ checkpoint-origin: 127.0.0.1:${new URL(base).port}/log/demo`);
    expect(first.out).not.toContain('✗');
    expect(first.out).toMatch(/VALID: all \d+ checks passed/);
    expect(first.code).toBe(0);
    const saved = await readFile(join(dir, 'saved.txt'), 'utf8');
    const savedSize = parseCheckpoint(saved).size;
    expect(saved).toBe(proof.log.checkpoint);

    // Other subscribers keep the log growing after the auditor's visit.
    for (const phone of ['06 11 22 33 44', '06 55 66 77 88']) expect((await optIn(h, phone)).status).toBe(202);
    await h.flush();
    const again = await run(['verify', `${base}/proofs/${consentId}`, '--checkpoint', 'saved.txt']);
    expect(again.out).toContain('✓ saved-checkpoint');
    expect(again.out).toContain(`✓ consistency: log of ${savedSize} leaves`);
    // Two opt-ins, each with its confirmation SMS logged once the jobs sent it.
    expect(again.out).toContain(`is a prefix of the log of ${savedSize + 4}`);
    expect(again.out).not.toContain('✗');
    expect(again.code).toBe(0);
  });

  describe('a downloaded proof file that was altered fails with exit 1 and names the check', () => {
    let proof: Proof;
    let keys: string[];
    beforeAll(async () => {
      proof = await getProof();
      const jwks = await save('jwks.json', await (await fetch(`${base}/.well-known/jwks.json`)).json());
      const log = (await (await fetch(`${base}/v1/sites/demo/log`)).json()) as { verifierKey: string };
      keys = ['--jwks', jwks, '--log-key', log.verifierKey];
    });
    const verifyFile = async (name: string, doc: unknown) => run(['verify', await save(name, doc), ...keys]);

    it('the untouched file passes offline', async () => {
      const { code, out } = await verifyFile('untouched.json', proof);
      expect(out).not.toContain('✗');
      expect(code).toBe(0);
    });

    it('one field of the receipt', async () => {
      const receipt = { ...proof.receipt, collection: { ...proof.receipt.collection, at: '2026-01-01T00:00:00.000Z' } };
      const { code, out } = await verifyFile('field.json', { ...proof, receipt });
      expect(out).toContain('✗ receipt-payload: the receipt shown differs from the signed one');
      expect(out).toContain('✓ receipt-signature');
      expect(code).toBe(1);
    });

    it('one byte of an inclusion hash', async () => {
      const tampered = structuredClone(proof);
      const entry = tampered.log.entries[1]!;
      expect(entry.inclusion.length).toBeGreaterThan(0);
      entry.inclusion[0] = flipBase64(entry.inclusion[0]!, 5);
      const { code, out } = await verifyFile('path.json', tampered);
      expect(out).toContain(
        `✗ inclusion[${entry.index}]: path for leaf ${entry.index} does not lead to the checkpoint root`,
      );
      expect(out).toContain(`✓ inclusion[${tampered.log.entries[0]!.index}]`);
      expect(code).toBe(1);
    });

    it('the checkpoint root', async () => {
      const root = toBase64(parseCheckpoint(proof.log.checkpoint).rootHash);
      const checkpoint = proof.log.checkpoint.replace(root, flipBase64(root, 0));
      expect(checkpoint).not.toBe(proof.log.checkpoint);
      const { code, out } = await verifyFile('root.json', { ...proof, log: { ...proof.log, checkpoint } });
      expect(out).toMatch(/✗ checkpoint-signature: invalid signature/);
      for (const e of proof.log.entries) expect(out).toContain(`✗ inclusion[${e.index}]`);
      expect(code).toBe(1);
    });
  });
});

describe('POST /proofs/{id}/match', () => {
  const match = (phone: string) => h.app.request(`/proofs/${consentId}/match`, json({ phone }));

  it('answers true for the subject in any format, false for another number, then 429 after the limit', async () => {
    // A fresh window for this proof: the limits are hourly.
    h.advance(3_600_000);
    const answers: unknown[] = [];
    for (const phone of [
      '06 12 34 56 78',
      '+33612345678',
      '+33 6 12 34 56 78',
      '0612345678',
      '06 12 34 56 79',
      '+447700900123',
      'not a number',
    ]) {
      const res = await match(phone);
      expect(res.status).toBe(200);
      answers.push(((await res.json()) as { match: boolean }).match);
    }
    expect(answers).toEqual([true, true, true, true, false, false, false]);
    for (let i = answers.length; i < 10; i++) expect((await match('06 12 34 56 78')).status).toBe(200);
    const limited = await match('06 12 34 56 78');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ status: 429 });
    // The limit is per proof: another proof id is still answered.
    const other = (await (await optIn(h, '06 99 88 77 66')).json()) as { consentId: string };
    const res = await h.app.request(`/proofs/${other.consentId}/match`, json({ phone: '06 99 88 77 66' }));
    expect(await res.json()).toEqual({ match: true });
  });
});
