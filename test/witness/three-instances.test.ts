// Three Assent instances in one process, each on its own in-memory (or file) database and 127.0.0.1 port: A logs,
// B and C witness A. A's checkpoints end up cosigned by both; a witness that hangs delays no opt-in and no proof, and
// catches up once back; A restored from an older database (another root at a size already cosigned) gets no cosignature.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { createCosigner, makeCosignatureVerifierKey } from '../../worker/crypto/cosignature.ts';
import { parseCheckpoint } from '../../worker/crypto/note.ts';
import { createJobs } from '../../worker/jobs.ts';
import { evaluateQuorum, parsePolicy, type Policy } from '../../worker/witness/policy.ts';
import { makeHarness, optIn, testKeys, type Harness } from '../harness.ts';

type Handler = (req: Request) => Response | Promise<Response>;
interface Node {
  server: ServerType;
  base: string;
  handler: Handler;
}

async function listen(): Promise<Node> {
  const node = { handler: (() => new Response('not yet', { status: 503 })) as Handler } as Node;
  node.server = serve({ fetch: (req) => node.handler(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => node.server.once('listening', () => resolve()));
  node.base = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
  return node;
}

let dir: string;
let nodes: Record<'A' | 'B' | 'C', Node>;
let a: Harness;
let b: Harness;
let c: Harness;
let policy: Policy;
let policyText: string;
let jobsA: ReturnType<typeof createJobs>;

async function witness(h: Harness, node: Node, seed: number, logVkey: string) {
  const cosigner = await createCosigner({
    name: `${new URL(node.base).host}/witness`,
    seed: new Uint8Array(32).fill(seed),
  });
  const { logs } = await parsePolicy(`log ${logVkey}\n`, { requireQuorum: false });
  const app = createApp({
    ...h.deps,
    witness: { cosigner, vkey: await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey), logs },
  });
  node.handler = (req) => app.fetch(req);
  return app;
}

/** A's app and jobs from a harness, submitting to B and C (a short time-out, a 1 s interval). */
function wireA(h: Harness) {
  const deps = { ...h.deps, witnessing: { policy, intervalMs: 1000, timeoutMs: 1500 } };
  const app = createApp(deps);
  nodes.A.handler = (req) => app.fetch(req);
  jobsA = createJobs(deps);
}

async function runA(): Promise<void> {
  await jobsA.run();
  await jobsA.witnessed();
}

const checkpointA = async () => (await fetch(`${nodes.A.base}/v1/sites/demo/log/checkpoint`)).text();
const submissions = async (h: Harness) =>
  Object.fromEntries((await h.ctx.witness.submissions('demo')).map((s) => [s.witness, s]));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-witness-'));
  nodes = { A: await listen(), B: await listen(), C: await listen() };
  const keys = await testKeys();
  a = await makeHarness({ publicUrl: nodes.A.base, url: `file:${join(dir, 'a.db')}`, keys });
  b = await makeHarness({ publicUrl: nodes.B.base });
  c = await makeHarness({ publicUrl: nodes.C.base });
  const logVkey = ((await (await a.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string }).verifierKey;
  await witness(b, nodes.B, 21, logVkey);
  await witness(c, nodes.C, 22, logVkey);
  const vkeyB = (await (await fetch(`${nodes.B.base}/witness`)).text()).trim();
  const vkeyC = (await (await fetch(`${nodes.C.base}/witness`)).text()).trim();
  policyText = `log ${logVkey}\nwitness B ${vkeyB} ${nodes.B.base}/witness\nwitness C ${vkeyC} ${nodes.C.base}/witness\ngroup both all B C\nquorum both\n`;
  policy = await parsePolicy(policyText);
  wireA(a);
});

afterAll(async () => {
  for (const node of Object.values(nodes)) {
    (node.server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await new Promise<void>((resolve) => node.server.close(() => resolve()));
  }
  await Promise.all([a.close(), b.close(), c.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('three instances: A logs, B and C witness it', () => {
  let consentId: string;

  it("A's checkpoint ends up cosigned by B and C, in the checkpoint served, the proof and the evidence file", async () => {
    const res = await optIn(a);
    expect(res.status).toBe(202);
    consentId = ((await res.json()) as { consentId: string }).consentId;
    await runA();
    const note = await checkpointA();
    const q = await evaluateQuorum(note, policy);
    expect(q).toMatchObject({ met: true, missing: [] });
    expect(q.witnesses.map((w) => w.status)).toEqual(['valid', 'valid']);
    const proof = (await (await fetch(`${nodes.A.base}/proofs/${consentId}?format=json`)).json()) as {
      log: { checkpoint: string; cosignatures: { witness: string; verified: boolean }[] };
    };
    expect(proof.log.checkpoint).toBe(note);
    expect(proof.log.cosignatures.map((x) => [x.witness, x.verified])).toEqual([
      ['B', true],
      ['C', true],
    ]);
    const evidence = (await (await fetch(`${nodes.A.base}/proofs/${consentId}/evidence`)).json()) as {
      log: { checkpoint: string };
    };
    expect((await evaluateQuorum(evidence.log.checkpoint, policy)).met).toBe(true);
    // What each witness holds is A's checkpoint, at the size A served.
    const size = parseCheckpoint(note).size;
    const subs = await submissions(a);
    expect([subs.B!.cosignedSize, subs.C!.cosignedSize]).toEqual([size, size]);
    // Nothing more to send while the log does not grow, whatever the interval.
    a.advance(5000);
    await jobsA.run();
    expect((await jobsA.witnessed())?.submitted ?? 0).toBe(0);
  });

  it('a hanging witness delays no opt-in, no pass and no proof; C still cosigns; B catches up once back', {
    timeout: 20_000,
  }, async () => {
    const live = nodes.B.handler;
    nodes.B.handler = () => new Promise<Response>(() => {}); // B hangs: never answers
    a.advance(2000);
    let started = performance.now();
    const res = await optIn(a, '06 11 22 33 44');
    expect(res.status).toBe(202);
    const optInMs = performance.now() - started;
    await jobsA.run(); // integrates without waiting on the witness round
    const passMs = performance.now() - started - optInMs;
    console.log(`with B hanging: opt-in ${optInMs.toFixed(0)} ms, jobs pass ${passMs.toFixed(0)} ms`);
    expect(optInMs + passMs).toBeLessThan(1000); // below B's 1.5 s time-out
    const id = ((await res.json()) as { consentId: string }).consentId;
    started = performance.now();
    const proof = (await (await fetch(`${nodes.A.base}/proofs/${id}?format=json`)).json()) as {
      log: { status: string };
    };
    expect(proof.log.status).toBe('included');
    expect(performance.now() - started).toBeLessThan(1000);
    await jobsA.witnessed(); // B times out, C answers
    let q = await evaluateQuorum(await checkpointA(), policy);
    expect(q).toMatchObject({ met: false, missing: ['B'] });
    const subs = await submissions(a);
    expect(subs.B!.lastError).toMatch(/TimeoutError/);
    expect(subs.B!.failures).toBe(1);
    // B is back: after its backoff (at most the 1 s interval) it gets the same head and cosigns it.
    nodes.B.handler = live;
    a.advance(1500);
    await jobsA.submitToWitnesses();
    q = await evaluateQuorum(await checkpointA(), policy);
    expect(q).toMatchObject({ met: true, missing: [] });
    expect((await submissions(a)).B).toMatchObject({ failures: 0, lastError: null });
  });

  it("A's evidence verifies offline with the 2-of-2 policy; a policy naming a third witness that never signed is INVALID and names it", async () => {
    const { runCli } = await import('../../worker/verify/cli.ts');
    const { writeFile, readFile } = await import('node:fs/promises');
    const { generateCosignerKey } = await import('../../worker/crypto/cosignature.ts');
    const list = (await (await fetch(`${nodes.A.base}/v1/sites/demo/log`)).json()) as { size: number };
    expect(list.size).toBeGreaterThan(0);
    const id = ((await (await optIn(a, '06 12 12 12 12')).json()) as { consentId: string }).consentId;
    a.advance(2000);
    await runA();
    const file = join(dir, 'evidence.json');
    await writeFile(file, await (await fetch(`${nodes.A.base}/proofs/${id}/evidence`)).text());
    await writeFile(join(dir, 'policy.txt'), policyText);
    const d = (await generateCosignerKey('d.example/witness')).verifierKey;
    await writeFile(
      join(dir, 'policy3.txt'),
      policyText.replace('group both all B C\nquorum both\n', `witness D ${d}\ngroup three all B C D\nquorum three\n`),
    );
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const io = {
        fetch: globalThis.fetch,
        readFile: (p: string) => readFile(p, 'utf8'),
        writeFile: async () => {},
        stdout: (l: string) => out.push(l),
        stderr: (l: string) => out.push(l),
      };
      return { code: await runCli(['verify', file, '--offline', ...args], io), out: out.join('\n') };
    };
    const ok = await run('--policy', join(dir, 'policy.txt'));
    expect(ok.out).toMatch(/✓ witness-quorum: quorum both met: cosigned by B \(.*\), C \(/);
    expect(ok.code).toBe(0);
    const three = await run('--policy', join(dir, 'policy3.txt'));
    expect(three.code).toBe(1);
    expect(three.out).toMatch(/✗ witness-quorum: quorum three not met: missing D;/);
    const none = await run();
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/i witness cosignatures present \(not checked\): .*\/witness \(.*none required/);
    await writeFile(join(dir, 'bad.txt'), 'witness B nope\nquorum B\n');
    const bad = await run('--policy', join(dir, 'bad.txt'));
    expect([bad.code, bad.out]).toEqual([2, expect.stringMatching(/line 1: invalid witness vkey/)]);
  });

  it('A restored from an older database (another root at a size already cosigned) gets 409/422 and no cosignature', async () => {
    // The backup: A's database as it was after the first test's checkpoint would be older still; take one now, then
    // let A grow and be cosigned past it.
    await a.deps.store.queryColumn(`VACUUM INTO '${join(dir, 'backup.db')}'`);
    const before = parseCheckpoint(await checkpointA()).size;
    a.advance(2000);
    expect((await optIn(a, '06 99 88 77 66')).status).toBe(202);
    await runA();
    const cosigned = parseCheckpoint(await checkpointA());
    expect(cosigned.size).toBeGreaterThan(before);
    expect((await evaluateQuorum(await checkpointA(), policy)).met).toBe(true);

    // Restore: A now runs on the backup, and new events give other leaves at the sizes B and C already cosigned.
    const restored = await makeHarness({
      publicUrl: nodes.A.base,
      url: `file:${join(dir, 'backup.db')}`,
      keys: await testKeys(),
      start: a.now() + 10_000,
    });
    wireA(restored);
    for (let i = 0; parseCheckpoint(await checkpointA()).size < cosigned.size + 1 && i < 10; i++) {
      expect((await optIn(restored, `06 55 44 33 ${String(10 + i)}`)).status).toBe(202);
      await jobsA.run();
    }
    restored.advance(2000);
    await jobsA.submitToWitnesses();
    const note = await checkpointA();
    const q = await evaluateQuorum(note, policy);
    expect(q).toMatchObject({ met: false, missing: ['B', 'C'] });
    expect(q.witnesses.map((w) => w.status)).toEqual(['absent', 'absent']);
    const subs = await submissions(restored);
    expect(subs.B!.lastError).toMatch(/HTTP 422/);
    expect(subs.C!.lastError).toMatch(/HTTP 422/);
    // The witnesses still hold A's honest checkpoint.
    for (const node of [nodes.B, nodes.C]) {
      const hash = Buffer.from(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(cosigned.origin)),
      ).toString('hex');
      const held = parseCheckpoint(await (await fetch(`${node.base}/witness/${hash}/checkpoint`)).text());
      expect([held.size, Buffer.from(held.rootHash).toString('base64')]).toEqual([
        cosigned.size,
        Buffer.from(cosigned.rootHash).toString('base64'),
      ]);
    }
    await restored.close();
  });
});
