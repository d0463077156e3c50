// What pins the log's history, through `assent verify` (runCli, what verify.mjs runs): a saved checkpoint older or
// newer than the proof's, offline and online; a receipt key the log never announced; cosignatures dated ahead.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSignatureLines, createCosigner, makeCosignatureVerifierKey } from '../../worker/crypto/cosignature.ts';
import { parseNote } from '../../worker/crypto/note.ts';
import { runCli } from '../../worker/verify/cli.ts';
import { verdict, verifyProof } from '../../worker/verify/verify-proof.ts';
import { buildFixture, evidenceFile, type Fixture } from './fixture.ts';

let fx: Fixture;
let dir: string;
beforeAll(async () => {
  fx = await buildFixture();
  dir = await mkdtemp(join(tmpdir(), 'assent-history-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const evidenceOf = (proof: Fixture['proof'] = fx.proof) => evidenceFile(fx, proof);

async function run(args: string[], options: { fetch?: typeof fetch; now?: number } = {}) {
  const lines: string[] = [];
  const code = await runCli(['verify', ...args], {
    fetch: options.fetch ?? (() => Promise.reject(new Error('no network in this test'))),
    readFile: (p) => readFile(p, 'utf8'),
    writeFile: (p, t) => writeFile(p, t),
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    ...(options.now !== undefined && { now: () => options.now! }),
  });
  return { code, out: lines.join('\n') };
}
const save = async (name: string, value: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

/** The fixture's proof at size 10, as the server would answer it, and its consistency proofs. */
const server = (): typeof fetch =>
  (async (input: RequestInfo | URL) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.pathname === '/proofs/cns_1') return Response.json(fx.proof);
    if (url.pathname === '/v1/sites/demo/log/consistency') {
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      return Response.json({ from, to, hashes: await fx.consistency(from, to) });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;

describe('a saved checkpoint newer than the evidence file', () => {
  it('offline: not INVALID, says it cannot be checked offline and what to run', async () => {
    const evidence = await save('e10.json', evidenceOf());
    const saved = await save('saved19.txt', fx.later);
    const { code, out } = await run(['--offline', evidence, '--checkpoint', saved]);
    expect(out).not.toContain('✗');
    expect(out).toContain('consistency: cannot be checked offline');
    expect(out).toContain('run it online');
    expect(code).toBe(0);
  });

  it('online: the file (size 10) is a prefix of the saved checkpoint (size 19), proven in that direction', async () => {
    const evidence = await save('e10-b.json', evidenceOf());
    const saved = await save('saved19b.txt', fx.later);
    const { code, out } = await run([evidence, '--checkpoint', saved], { fetch: server() });
    expect(out).toContain('✓ consistency: log of 10 leaves');
    expect(out).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('verifyProof with the proof from 10 to 19: a prefix; a forged later root fails', async () => {
    const hashes = await fx.consistency(10, 19);
    const ok = await verifyProof({
      proof: fx.proof,
      jwks: fx.jwks,
      verifierKey: fx.verifierKey,
      savedCheckpoint: fx.later,
      consistency: hashes,
    });
    expect(ok.find((c) => c.name === 'consistency')).toMatchObject({ ok: true });
    const bad = await verifyProof({
      proof: fx.proof,
      jwks: fx.jwks,
      verifierKey: fx.verifierKey,
      savedCheckpoint: fx.later,
      consistency: hashes.slice(1),
    });
    expect(bad.find((c) => c.name === 'consistency')).toMatchObject({ ok: false });
  });
});

describe('a saved checkpoint older than the evidence file, online', () => {
  it('fetches the consistency proof from the proof URL, without --base', async () => {
    const saved = await save('saved5.txt', fx.earlier);
    const evidence = await save('e10-online.json', evidenceOf());
    const { code, out } = await run([evidence, '--checkpoint', saved], { fetch: server() });
    expect(out).toContain('✓ consistency: log of 5 leaves');
    expect(out).not.toContain("rests on the service's key alone");
    expect(code).toBe(0);
  });

  it('offline: cannot be checked offline, not INVALID, and the history caveat stays', async () => {
    const saved = await save('saved5-off.txt', fx.earlier);
    const evidence = await save('e10-off.json', evidenceOf());
    const { code, out } = await run(['--offline', evidence, '--checkpoint', saved]);
    expect(out).toContain('consistency: cannot be checked offline');
    expect(out).toContain("rests on the service's key alone");
    expect(code).toBe(0);
  });

  it('a forked saved checkpoint is still INVALID online', async () => {
    const saved = await save('forked.txt', fx.forked);
    const evidence = await save('e10-fork.json', evidenceOf());
    const { code, out } = await run([evidence, '--checkpoint', saved], { fetch: server() });
    expect(out).toMatch(/✗ consistency: .*history was rewritten/);
    expect(code).toBe(1);
  });
});

describe('a receipt key the log never announced', () => {
  it('is INVALID once the checkpoint covers every entry of the consent, PENDING while one waits', async () => {
    const bare = { ...fx.proof, log: { ...fx.proof.log, keys: [] } };
    const covered = await verifyProof({ proof: bare, jwks: fx.jwks, verifierKey: fx.verifierKey });
    expect(verdict(covered)).toBe('INVALID');
    expect(covered.find((c) => c.name === 'receipt-key-logged')?.detail).toMatch(/never announced/);
    const waiting = structuredClone(bare) as typeof bare & { log: { pending: unknown[] } };
    const last = waiting.log.entries.pop()!;
    waiting.log.pending = [{ index: last.index, leaf: last.leaf }];
    (waiting.log as { status: string }).status = 'pending';
    const later = await verifyProof({ proof: waiting, jwks: fx.jwks, verifierKey: fx.verifierKey });
    expect(later.find((c) => c.name === 'receipt-key-logged')).toMatchObject({ ok: false, pending: true });
  });
});

describe('cosignatures dated ahead', () => {
  it('are refused by --policy (more than ten minutes ahead of the clock)', async () => {
    const witness = await createCosigner({ name: 'w.example', seed: new Uint8Array(32).fill(7) });
    const vkey = await makeCosignatureVerifierKey(witness.name, witness.publicKey);
    const policy = await save('w.policy', `witness W ${vkey}\nquorum W\n`);
    const now = Date.parse('2026-03-01T12:00:00Z');
    const cosigned = (seconds: number) =>
      witness
        .cosign(parseNote(fx.proof.log.checkpoint).text, seconds)
        .then((line) => appendSignatureLines(fx.proof.log.checkpoint, [line]));
    const ahead = await save(
      'ahead.json',
      evidenceOf({ ...fx.proof, log: { ...fx.proof.log, checkpoint: await cosigned(now / 1000 + 3600) } }),
    );
    const refused = await run(['--offline', ahead, '--policy', policy], { now });
    expect(refused.out).toMatch(/✗ witness-quorum: quorum W not met/);
    expect(refused.code).toBe(1);
    const inTime = await save(
      'in-time.json',
      evidenceOf({ ...fx.proof, log: { ...fx.proof.log, checkpoint: await cosigned(now / 1000 + 60) } }),
    );
    const accepted = await run(['--offline', inTime, '--policy', policy], { now });
    expect(accepted.out).toContain('✓ witness-quorum');
    expect(accepted.code).toBe(0);
  });
});
