import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../worker/crypto/encoding.ts';
import { generateNoteKeys, parseCheckpoint, parseSignerKey, signCheckpoint } from '../../worker/crypto/note.ts';
import { buildFixture, flipBase64, ORIGIN, POLICY_MD, SHOWN, type Fixture } from './fixture.ts';

const BIN = join(import.meta.dirname, '../../bin/assent.mjs');

let fx: Fixture;
let dir: string;
let server: Server;
let base: string;
const proofs = new Map<string, unknown>();

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  fx = await buildFixture();
  dir = await mkdtemp(join(tmpdir(), 'assent-verify-'));
  proofs.set('good', fx.proof);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/jwks.json') return send(200, fx.jwks);
    if (url.pathname === '/v1/sites/demo/log') {
      return send(200, { origin: ORIGIN, size: 10, verifierKey: fx.verifierKey });
    }
    if (url.pathname === `/v1/sites/demo/widget/texts/${fx.proof.receipt.notice.widgetTextSha256}`)
      return send(200, SHOWN);
    if (url.pathname === '/p/demo/1' && url.searchParams.get('format') === 'md') {
      res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
      return res.end(POLICY_MD);
    }
    if (url.pathname === '/v1/sites/demo/log/consistency') {
      void fx
        .consistency(Number(url.searchParams.get('from')), Number(url.searchParams.get('to')))
        .then((hashes) => send(200, { hashes }));
      return;
    }
    const proof = url.pathname.startsWith('/proofs/') && proofs.get(url.pathname.slice(8));
    if (proof && req.headers.accept === 'application/json') return send(200, proof);
    send(404, { title: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('assent verify', () => {
  it('passes a genuine proof from a URL, checks a saved checkpoint and saves the new one', async () => {
    const saved = await file('saved.txt', fx.earlier);
    const { code, out } = await run([
      'verify',
      `${base}/proofs/good`,
      '--checkpoint',
      saved,
      '--save-checkpoint',
      'new.txt',
    ]);
    expect(out).toContain('✓ receipt-signature: EdDSA signature by key');
    expect(out).toContain('✓ inclusion[3]');
    expect(out).toContain('✓ inclusion[7]');
    expect(out).toContain('✓ checkpoint-origin');
    expect(out).toContain('✓ consistency: log of 5 leaves');
    expect(out).not.toContain('✗');
    expect(out).toContain('✓ notice-texts');
    expect(out).toContain('✓ notice-policy');
    expect(out).toContain('VALID: all 17 checks passed');
    // The saved checkpoint constrained the history: no caveat.
    expect(out).not.toContain("rests on the service's key alone");
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'new.txt'), 'utf8')).toBe(fx.proof.log.checkpoint);
  });

  it('passes a proof file with local keys, without any network', async () => {
    const proof = await file('proof.json', fx.proof);
    const jwks = await file('jwks.json', fx.jwks);
    const key = await file('log.key', `${fx.verifierKey}\n`);
    const { code, out } = await run(['verify', proof, '--jwks', jwks, '--log-key', key]);
    expect(out).toContain('VALID: all 13 checks passed');
    expect(out).toContain("! the log's history rests on the service's key alone");
    expect(code).toBe(0);
    const inline = await run(['verify', proof, '--jwks', jwks, `--log-key=${fx.verifierKey}`]);
    expect(inline.code).toBe(0);
  });

  describe('fails with exit 1 and names the check', () => {
    async function verifyTampered(name: string, proof: unknown, extra: string[] = []) {
      const path = await file(`${name}.json`, proof);
      const jwks = await file('jwks.json', fx.jwks);
      return run(['verify', path, '--jwks', jwks, '--log-key', fx.verifierKey, ...extra]);
    }

    it('when a receipt field is altered', async () => {
      const { code, out } = await verifyTampered('field', {
        ...fx.proof,
        receipt: { ...fx.proof.receipt, status: 'withdrawn' },
      });
      expect(out).toContain('✗ receipt-payload: the receipt shown differs from the signed one');
      expect(code).toBe(1);
    });

    it('when the JWS signature is altered', async () => {
      const [h, p, s] = fx.proof.jws.split('.');
      const sig = s!.startsWith('A') ? `B${s!.slice(1)}` : `A${s!.slice(1)}`;
      const { code, out } = await verifyTampered('jws', { ...fx.proof, jws: `${h}.${p}.${sig}` });
      expect(out).toMatch(/✗ receipt-signature: signature check failed/);
      expect(code).toBe(1);
    });

    it('when a byte of an inclusion path is flipped', async () => {
      const proof = structuredClone(fx.proof);
      proof.log.entries[0]!.inclusion[1] = flipBase64(proof.log.entries[0]!.inclusion[1]!, 7);
      const { code, out } = await verifyTampered('path', proof);
      expect(out).toContain('✗ inclusion[3]: path for leaf 3 does not lead to the checkpoint root');
      expect(out).toContain('✓ inclusion[7]');
      expect(code).toBe(1);
    });

    it('when the checkpoint root is altered', async () => {
      const cp = parseCheckpoint(fx.proof.log.checkpoint);
      const root = toBase64(cp.rootHash);
      const checkpoint = fx.proof.log.checkpoint.replace(root, flipBase64(root, 3));
      const { code, out } = await verifyTampered('root', { ...fx.proof, log: { ...fx.proof.log, checkpoint } });
      expect(out).toMatch(/✗ checkpoint-signature: invalid signature/);
      expect(out).toContain('✗ inclusion[3]');
      expect(code).toBe(1);
    });

    it('when the checkpoint is signed by another key', async () => {
      const impostor = await parseSignerKey((await generateNoteKeys(ORIGIN)).signerKey);
      const cp = parseCheckpoint(fx.proof.log.checkpoint);
      const checkpoint = await signCheckpoint(cp, impostor);
      const { code, out } = await verifyTampered('impostor', { ...fx.proof, log: { ...fx.proof.log, checkpoint } });
      expect(out).toMatch(/✗ checkpoint-signature: no signature by assent\.test\/log\/demo\+[0-9a-f]{8}/);
      expect(out).toContain('✓ inclusion[3]');
      expect(code).toBe(1);
    });

    it('when the saved checkpoint is inconsistent with the current log', async () => {
      const saved = await file('forked.txt', fx.forked);
      const { code, out } = await run([
        'verify',
        `${base}/proofs/good`,
        '--checkpoint',
        saved,
        '--save-checkpoint',
        'kept.txt',
      ]);
      expect(out).toContain('✗ consistency: the log of 10 leaves does not extend the saved log of 5');
      expect(out).toContain('i checkpoint not saved');
      expect(code).toBe(1);
      await expect(readFile(join(dir, 'kept.txt'), 'utf8')).rejects.toThrow();
    });

    it('when the proof cannot be fetched', async () => {
      const { code, out } = await run(['verify', `${base}/proofs/missing`]);
      expect(out).toContain('✗ fetch-proof: GET');
      expect(code).toBe(1);
    });
  });

  // Six processes in a row: a loaded machine needs more than the default 20 s.
  it('exits 2 on usage errors', { timeout: 90_000 }, async () => {
    await file('proof.json', fx.proof); // a proof file without keys is a usage error, whichever test ran before
    for (const args of [
      [],
      ['check', 'x'],
      ['verify'],
      ['verify', 'proof.json'],
      ['verify', 'a', '--bogus', 'b'],
      ['verify', 'a', '--jwks'],
    ]) {
      const { code, err } = await run(args);
      expect([args.join(' '), code]).toEqual([args.join(' '), 2]);
      expect(err).toContain('assent');
    }
  });
});
