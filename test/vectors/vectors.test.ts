// The committed test vectors (docs/vectors/): they are exactly what test/vectors/generate.ts makes from a real run
// of the app today, and every verifier of the project (the TypeScript verifier, `assent verify` in-process, the
// committed verify.mjs and bin/assent.mjs as child processes) gives each one the verdict and the first failing check
// its manifest states.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDocument, verifyEvidenceText } from '../../worker/verify/evidence.ts';
import type { KeySet } from '../../worker/verify/jws.ts';
import { runCli } from '../../worker/verify/cli.ts';
import { verdict, type Check } from '../../worker/verify/verify-proof.ts';
import { generateVectors, VECTORS_DIR, type VectorCase } from './generate.ts';

const ROOT = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(VECTORS_DIR, 'manifest.json'), 'utf8')) as { cases: VectorCase[] };
const at = (name: string) => join(VECTORS_DIR, name);

function args(c: VectorCase): string[] {
  return [
    '--offline',
    at(c.file),
    ...(c.pins.jwks ? ['--jwks', at(c.pins.jwks)] : []),
    ...(c.pins.logKey ? ['--log-key', at(c.pins.logKey)] : []),
  ];
}

/** The verdict an exit status means, and the first check the output marks failed (✗) or, failing none, waiting (…). */
function readOutput(code: number, out: string): { verdict: string; check: string | null } {
  const names = (mark: string) =>
    out
      .split('\n')
      .filter((l) => l.startsWith(`${mark} `))
      .map((l) => l.slice(2, l.indexOf(':')));
  const result = code === 0 ? 'VALID' : code === 1 ? 'INVALID' : code === 3 ? 'PENDING' : `exit ${code}`;
  return { verdict: result, check: names('✗')[0] ?? names('…')[0] ?? null };
}

function fromChecks(checks: Check[]): { verdict: string; check: string | null } {
  return {
    verdict: verdict(checks),
    check: (checks.find((c) => !c.ok && !c.pending) ?? checks.find((c) => c.pending))?.name ?? null,
  };
}

function child(script: string, argv: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...argv], { cwd: ROOT, timeout: 30_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout });
    });
  });
}

const expected = (c: VectorCase) => ({ verdict: c.verdict, check: c.check });

describe('docs/vectors', () => {
  it('holds exactly what the generator makes now (regenerate: npx tsx test/vectors/generate.ts)', {
    timeout: 60_000,
  }, async () => {
    const files = await generateVectors();
    expect(readdirSync(VECTORS_DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, content] of files) expect(readFileSync(at(name), 'utf8'), name).toBe(content);
  });

  it("online, the left-out withdrawal is refused: the log holds a leaf of the consent under the file's own checkpoint", {
    timeout: 60_000,
  }, async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'assent-vectors-online-'));
    await generateVectors(async (h, files) => {
      for (const [name, content] of files) await writeFile(join(tmp, name), content);
      const online = async (file: string) => {
        const lines: string[] = [];
        const code = await runCli(
          ['verify', join(tmp, file), '--jwks', join(tmp, 'jwks.json'), '--log-key', join(tmp, 'log-key.txt')],
          {
            // The files name https://assent.example: answered by the very app that made them.
            fetch: async (input, init) => {
              const url = new URL(input instanceof Request ? input.url : String(input));
              return h.app.request(`${url.pathname}${url.search}`, init);
            },
            readFile: (path) => readFile(path, 'utf8'),
            writeFile: (path, text) => writeFile(path, text),
            stdout: (line) => lines.push(line),
            stderr: (line) => lines.push(line),
          },
        );
        return { code, out: lines.join('\n') };
      };
      const omitted = await online('forged-withdrawal-omitted.json');
      expect(omitted.out).toMatch(
        /✗ log-now: the file leaves out leaf \d+ \(withdrawn\) of this consent, logged before its own checkpoint/,
      );
      expect(omitted.code).toBe(1);
      // The genuine file made before the withdrawal still verifies, and says what happened since.
      const genuine = await online('genuine-confirmed.json');
      expect(genuine.out).toMatch(/✓ status-now: withdrawn since 2026-03-05T09:02:30.000Z/);
      expect(genuine.code).toBe(0);
    });
  });

  it('covers genuine files before and after withdrawal and erasure, and every forgery of issue 18', () => {
    const files = manifest.cases.map((c) => c.file);
    for (const name of [
      'genuine-confirmed',
      'genuine-withdrawn',
      'genuine-erased',
      'genuine-pending',
      'forged-backdated',
      'forged-withdrawal-omitted',
      'forged-withdrawal-kept',
      'forged-english-notice',
      'forged-same-device-flipped',
      'forged-kid-kept-key-swapped',
      'forged-duplicate-keys',
      'forged-format-renamed',
      'forged-log-status',
      'forged-policy-version',
      'forged-noncanonical-base64url',
    ]) {
      expect(files).toContain(`${name}.json`);
    }
  });

  describe.each(manifest.cases)('$file', (c) => {
    let pins: { jwks?: KeySet; verifierKey?: string } = {};
    beforeAll(() => {
      const jwks = c.pins.jwks ? readDocument(readFileSync(at(c.pins.jwks), 'utf8')) : undefined;
      pins = {
        ...(jwks && 'value' in jwks && { jwks: jwks.value as KeySet }),
        ...(c.pins.logKey && { verifierKey: readFileSync(at(c.pins.logKey), 'utf8').trim() }),
      };
    });

    it(`the TypeScript verifier says ${c.verdict}${c.check ? `, naming ${c.check}` : ''}`, async () => {
      expect(fromChecks(await verifyEvidenceText(readFileSync(at(c.file), 'utf8'), pins))).toEqual(expected(c));
    });

    it('assent verify (runCli) says the same', async () => {
      const lines: string[] = [];
      const code = await runCli(['verify', ...args(c)], {
        fetch: () => Promise.reject(new Error('no network in this test')),
        readFile: (path) => readFile(path, 'utf8'),
        writeFile: (path, text) => writeFile(path, text),
        stdout: (line) => lines.push(line),
        stderr: (line) => lines.push(line),
      });
      expect(readOutput(code, lines.join('\n'))).toEqual(expected(c));
    });

    it('node verify.mjs and node bin/assent.mjs verify say the same', { timeout: 30_000 }, async () => {
      const [standalone, bin] = await Promise.all([
        child(join(ROOT, 'verify.mjs'), args(c)),
        child(join(ROOT, 'bin/assent.mjs'), ['verify', ...args(c)]),
      ]);
      expect(readOutput(standalone.code, standalone.out)).toEqual(expected(c));
      expect(readOutput(bin.code, bin.out)).toEqual(expected(c));
    });
  });
});
