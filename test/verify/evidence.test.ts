// The evidence file of a real consent, checked by the committed verify.mjs as a child process with the network
// gone (a network namespace when the machine allows one, and fetch/net/dns poisoned by a preload in any case):
// VALID untouched, PENDING before the log covers the events, and each tampering fails naming its check.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../worker/crypto/encoding.ts';
import { canonicalize } from '../../worker/crypto/jcs.ts';
import { generateNoteKeys, makeVerifierKey, parseCheckpoint, parseSignerKey } from '../../worker/crypto/note.ts';
import { createKeyRing, generateSigningKey, publicJwks, signReceipt } from '../../worker/crypto/signing.ts';
import type { Evidence } from '../../worker/verify/evidence.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';
import { flipBase64 } from './fixture.ts';

const VERIFY = join(import.meta.dirname, '../../verify.mjs');
const sha256hex = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let h: Harness;
let server: ServerType;
let base: string;
let dir: string;
let poison: string;
let consentId: string;
let evidence: Evidence;

/** `unshare -n` gives the child a network namespace with no interface at all, when the machine lets us. */
const isolate = (() => {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return ['unshare', '-n'];
  } catch {
    try {
      execFileSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
      return ['unshare', '-rn'];
    } catch {
      return [];
    }
  }
})();

function run(
  args: string[],
  options: { offline?: boolean; cwd?: string; script?: string } = {},
): Promise<{ code: number; out: string; err: string }> {
  const node = [...(options.offline ? ['--import', poison] : []), options.script ?? VERIFY, ...args];
  const [cmd, ...rest] =
    options.offline && isolate.length ? [...isolate, process.execPath, ...node] : [process.execPath, ...node];
  return new Promise((resolve) => {
    execFile(cmd!, rest, { cwd: options.cwd ?? dir, timeout: 30_000 }, (error, stdout, stderr) => {
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

const offline = async (name: string, doc: unknown, extra: string[] = []) =>
  run(['--offline', await save(name, doc), ...extra], { offline: true });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-evidence-'));
  poison = join(dir, 'no-network.mjs');
  await writeFile(
    poison,
    `import net from 'node:net'; import dns from 'node:dns'; import http from 'node:http'; import https from 'node:https';
const refuse = (what) => () => { throw new Error('network disabled by the test (' + what + ')'); };
globalThis.fetch = refuse('fetch');
net.connect = net.createConnection = refuse('net.connect');
net.Socket.prototype.connect = refuse('socket.connect');
dns.lookup = refuse('dns.lookup');
http.request = http.get = https.request = https.get = refuse('http');
`,
  );
  server = serve({ fetch: (req) => h.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await makeHarness({ publicUrl: base });
  // Other subscribers first, so the inclusion paths have several hashes.
  for (const phone of ['06 11 22 33 44', '06 55 66 77 88', '06 22 33 44 55'])
    expect((await optIn(h, phone)).status).toBe(202);
  const res = await optIn(h);
  expect(res.status).toBe(202);
  consentId = ((await res.json()) as { consentId: string }).consentId;
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  const got = await fetch(`${base}/proofs/${consentId}/evidence`);
  evidence = (await got.json()) as Evidence;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /proofs/{id}/evidence', () => {
  it('is an attachment holding the proof, the keys used, the policy bytes and the texts shown', async () => {
    const res = await fetch(`${base}/proofs/${consentId}/evidence`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="assent-proof-${consentId}.json"`);
    expect(evidence.format).toBe('assent-evidence/1');
    expect(evidence.receipt.consentId).toBe(consentId);
    expect(evidence.receipt.status).toBe('confirmed');
    expect(evidence.log.entries.map((e) => (e as { leaf: { type: string } }).leaf.type)).toEqual([
      'requested',
      'sms-sent',
      'confirmed',
      'sms-sent',
    ]);
    // The key named by the JWS header, and only it; the log key as the log route publishes it.
    const kid = (JSON.parse(Buffer.from(evidence.jws.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    expect(evidence.keys.jwks.keys.map((k) => k.kid)).toEqual([kid]);
    const info = (await (await fetch(`${base}/v1/sites/demo/log`)).json()) as { verifierKey: string; origin: string };
    expect(evidence.keys.log).toMatchObject({ verifierKey: info.verifierKey, origin: info.origin });
    // The policy bytes are exactly those served, and hash to the receipt's value.
    const notice = evidence.receipt.notice as { policySha256: string; widgetTextSha256: string };
    const served = await (await fetch(`${base}/p/demo/1?format=md&locale=fr`)).text();
    expect(evidence.notice.policy!.markdown).toBe(served);
    expect(sha256hex(evidence.notice.policy!.markdown)).toBe(notice.policySha256);
    expect(sha256hex(canonicalize(evidence.notice.widgetTexts))).toBe(notice.widgetTextSha256);
  });

  it('answers 404 problem+json for an unknown proof', async () => {
    const res = await fetch(`${base}/proofs/AAAAAAAAAAAAAAAAAAAAAA/evidence`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('node verify.mjs --offline evidence.json, with no network', () => {
  it('the network really is gone for the child', async () => {
    const probe = await save(
      'probe.mjs',
      `Promise.resolve().then(() => fetch('${base}/healthz')).then(() => console.log('reached'), (e) => console.log('refused', e.message));`,
    );
    const { out } = await run([], { offline: true, script: probe });
    expect(out).toContain('refused');
  });

  it('prints VALID for the untouched file of a confirmed consent', async () => {
    const { code, out, err } = await offline('untouched.json', evidence);
    expect(err).toBe('');
    for (const name of [
      'receipt-signature',
      'receipt-payload',
      'checkpoint-signature',
      'checkpoint-origin',
      'notice-texts',
      'notice-policy',
    ]) {
      expect(out).toContain(`✓ ${name}`);
    }
    for (const e of evidence.log.entries as { index: number }[]) expect(out).toContain(`✓ inclusion[${e.index}]`);
    expect(out).toContain(`i log key ${evidence.keys.log.verifierKey} (from the evidence file)`);
    expect(out).toMatch(/VALID: all \d+ checks passed/);
    expect(out).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('prints exactly what `assent verify` prints for the same file', async () => {
    const path = await save('same.json', evidence);
    const standalone = await run([path]);
    const cli = await run(['verify', path], { script: join(import.meta.dirname, '../../bin/assent.mjs') });
    expect(standalone.out).toMatch(/VALID: all \d+ checks passed/);
    expect(cli.out).toBe(standalone.out);
    expect(cli.code).toBe(standalone.code);
  });

  const flipChar = (text: string, at: number) =>
    text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

  const cases: [string, (e: Evidence) => void, RegExp][] = [
    [
      'a receipt byte',
      (e) =>
        void ((e.receipt.subject as { phone: string }).phone = flipChar(
          (e.receipt.subject as { phone: string }).phone,
          0,
        )),
      /✗ receipt-payload: the receipt shown differs/,
    ],
    [
      'a JWS byte',
      (e) => void (e.jws = flipChar(e.jws, e.jws.length - 10)),
      /✗ receipt-signature: signature check failed/,
    ],
    [
      'an inclusion hash',
      (e) => {
        const entry = e.log.entries[1] as { index: number; inclusion: string[] };
        entry.inclusion[0] = flipBase64(entry.inclusion[0]!, 9);
      },
      /✗ inclusion\[\d+\]: path for leaf \d+ does not lead to the checkpoint root/,
    ],
    [
      'the checkpoint root',
      (e) => {
        const root = toBase64(parseCheckpoint(e.log.checkpoint!).rootHash);
        e.log.checkpoint = e.log.checkpoint!.replace(root, flipBase64(root, 0));
      },
      /✗ checkpoint-signature: invalid signature/,
    ],
    [
      'a policy byte',
      (e) => void (e.notice.policy!.markdown = e.notice.policy!.markdown.replace('.', ',')),
      /✗ notice-policy: policy bytes hash to/,
    ],
    [
      'a widget text byte',
      (e) => {
        const texts = e.notice.widgetTexts!.texts as Record<string, string>;
        texts.yes = `${texts.yes} `;
      },
      /✗ notice-texts: texts hash to/,
    ],
  ];
  for (const [what, tamper, expected] of cases) {
    it(`fails, naming the check, after changing ${what}`, async () => {
      const tampered = structuredClone(evidence);
      tamper(tampered);
      const { code, out } = await offline(`${what.replace(/\W+/g, '-')}.json`, tampered);
      expect(out).toMatch(expected);
      expect(out).toMatch(/INVALID: \d+ of \d+ checks failed/);
      expect(code).toBe(1);
    });
  }

  it('fails when a key is swapped: the receipt key, or the log key', async () => {
    const other = createKeyRing({ current: await generateSigningKey() });
    const swapped = structuredClone(evidence);
    swapped.keys.jwks.keys[0] = { ...publicJwks(other).keys[0]!, kid: swapped.keys.jwks.keys[0]!.kid };
    const receiptKey = await offline('swapped-jwks.json', swapped);
    // The kid is not the swapped key's RFC 7638 thumbprint: refused when the key set is read, and at the signature.
    expect(receiptKey.out).toMatch(/✗ jwks: key \S+: its RFC 7638 thumbprint is \S+, not its kid/);
    expect(receiptKey.out).toMatch(/✗ receipt-signature: key \S+: its RFC 7638 thumbprint is/);
    expect(receiptKey.code).toBe(1);

    const impostor = await parseSignerKey((await generateNoteKeys(evidence.keys.log.origin)).signerKey);
    const swappedLog = structuredClone(evidence);
    swappedLog.keys.log.verifierKey = await makeVerifierKey(impostor.name, impostor.publicKey);
    const logKey = await offline('swapped-log-key.json', swappedLog);
    expect(logKey.out).toMatch(/✗ checkpoint-signature: no signature by/);
    expect(logKey.code).toBe(1);
  });

  it('a file re-signed with a forger’s own keys passes alone, but not with the real keys pinned', async () => {
    const forger = createKeyRing({ current: await generateSigningKey() });
    const forged = structuredClone(evidence);
    (forged.receipt as { status: string }).status = 'confirmed';
    (forged.receipt.collection as { at: string }).at = '2020-01-01T00:00:00.000Z';
    forged.jws = await signReceipt(forged.receipt, forger);
    forged.keys.jwks = publicJwks(forger);
    const alone = await offline('forged.json', forged);
    // Self-consistent, and the verifier says whose key it is so the auditor can compare it with the published one.
    expect(alone.out).toContain(`i receipt key kid ${forger.current.kid} (from the evidence file)`);
    const realJwks = await save('real-jwks.json', await (await fetch(`${base}/.well-known/jwks.json`)).json());
    const pinned = await offline('forged-pinned.json', forged, [
      '--jwks',
      realJwks,
      '--log-key',
      evidence.keys.log.verifierKey,
    ]);
    expect(pinned.out).toMatch(/✗ receipt-signature: no key \S+ in the JWKS/);
    expect(pinned.code).toBe(1);
  });

  it('says PENDING, not VALID, while no signed checkpoint covers the newest event', async () => {
    const phone = '06 44 55 66 77';
    const res = await optIn(h, phone);
    const id = ((await res.json()) as { consentId: string }).consentId;
    const fresh = (await (await fetch(`${base}/proofs/${id}/evidence`)).json()) as Evidence;
    const { code, out } = await offline('pending.json', fresh);
    expect(out).toMatch(/… inclusion\[\d+\]: requested leaf \d+ is logged but no signed checkpoint covers it yet/);
    expect(out).toMatch(/PENDING: \d+ of \d+ checks passed; 1 wait for the log's next signed checkpoint/);
    expect(out).not.toContain('VALID');
    expect(out).not.toContain('✗');
    expect(code).toBe(3);
    await h.flush();
  });

  it('refuses a URL with --offline (usage error, nothing fetched)', async () => {
    const { code, err } = await run(['--offline', `${base}/proofs/${consentId}`], { offline: true });
    expect(err).toContain('--offline cannot fetch');
    expect(code).toBe(2);
  });
});

describe('verify.mjs copied alone into an empty directory', () => {
  it('verifies a proof URL from a local server', async () => {
    const alone = await mkdtemp(join(tmpdir(), 'assent-alone-'));
    try {
      await copyFile(VERIFY, join(alone, 'verify.mjs'));
      const { code, out, err } = await run([`${base}/proofs/${consentId}`], {
        cwd: alone,
        script: join(alone, 'verify.mjs'),
      });
      expect(err).toBe('');
      expect(out).toContain('✓ receipt-signature');
      expect(out).toContain('✓ notice-texts');
      expect(out).toContain('✓ notice-policy');
      expect(out).toMatch(/VALID: all \d+ checks passed/);
      expect(code).toBe(0);
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });
});
