// Assent as a C2SP tlog-witness, driven by an independent client (test/witness/tlog-client.ts: node:crypto only).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { createCosigner, makeCosignatureVerifierKey } from '../../worker/crypto/cosignature.ts';
import { parsePolicy } from '../../worker/witness/policy.ts';
import { makeHarness, type Harness } from '../harness.ts';
import {
  addCheckpointBody,
  consistencyProof,
  leafHash,
  mth,
  originHash,
  TestLog,
  verifyCosignatureLine,
} from './tlog-client.ts';

const LOG = new TestLog('log.example/one', 11);
const leaves = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => leafHash(`${tag}${i}`));

let h: Harness;
let app: ReturnType<typeof createApp>;
let vkey: string;

beforeEach(async () => {
  h = await makeHarness();
  const cosigner = await createCosigner({ name: 'witness.test/w', seed: new Uint8Array(32).fill(5) });
  const { logs } = await parsePolicy(`# the logs we witness\nlog ${LOG.vkey}\n`, { requireQuorum: false });
  app = createApp({
    ...h.deps,
    witness: { cosigner, vkey: await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey), logs },
  });
  vkey = (await (await app.request('/witness')).text()).trim();
});
afterEach(() => h.close());

const post = (body: string | Uint8Array) =>
  app.request('/witness/add-checkpoint', {
    method: 'POST',
    body: body as BodyInit,
    headers: { 'content-type': 'text/plain' },
  });

async function cosign(old: number, tree: Buffer[], proofFrom = old) {
  return post(addCheckpointBody(old, consistencyProof(proofFrom, tree), LOG.checkpoint(tree)));
}

describe('POST /witness/add-checkpoint (tlog-witness v1.0)', () => {
  it('cosigns a first checkpoint and a consistent extension; the lines verify with node:crypto and the published vkey', async () => {
    expect(vkey).toMatch(/^witness\.test\/w\+[0-9a-f]{8}\+B/); // base64 of 0x04 ‖ key starts with "B"
    const first = await cosign(0, leaves(3));
    expect(first.status).toBe(200);
    const line = await first.text();
    const t = verifyCosignatureLine(line, vkey, LOG.body(3, mth(leaves(3))));
    expect(t).toBe(Math.floor(h.now() / 1000));
    h.advance(5000);
    const next = await cosign(3, leaves(8));
    expect(next.status).toBe(200);
    expect(verifyCosignatureLine(await next.text(), vkey, LOG.body(8, mth(leaves(8))))).toBe(t + 5);
    // Monitoring: the latest cosigned checkpoint, with the log's signature and ours.
    const monitored = await app.request(`/witness/${originHash(LOG.origin)}/checkpoint`);
    expect(monitored.status).toBe(200);
    // A path that names no log is not found, and its problem says so (not a validation failure).
    const nowhere = await app.request('/witness/zz/checkpoint');
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ code: 'not_found', errors: [{ path: 'hash' }] });
    const note = await monitored.text();
    expect(note.startsWith(LOG.body(8, mth(leaves(8))))).toBe(true);
    expect(
      note
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('\u2014 ')),
    ).toHaveLength(2);
  });

  it('answers 409 text/x.tlog.size with the size it holds when old is stale, and the client resends from it', async () => {
    expect((await cosign(0, leaves(5))).status).toBe(200);
    const stale = await cosign(2, leaves(9));
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await stale.text()).toBe('5\n');
    const zero = await cosign(0, leaves(9));
    expect([zero.status, await zero.text()]).toEqual([409, '5\n']);
    expect((await cosign(5, leaves(9))).status).toBe(200);
  });

  it('never cosigns a fork: 422 for a different root at a cosigned size, and for a proof from another history', async () => {
    expect((await cosign(0, leaves(6))).status).toBe(200);
    const sameSize = await cosign(6, leaves(6, 'fork'));
    expect(sameSize.status).toBe(422);
    expect((await sameSize.json()).errors[0].path).toBe('checkpoint');
    const forked = await post(
      addCheckpointBody(6, consistencyProof(6, leaves(10, 'fork')), LOG.checkpoint(leaves(10, 'fork'))),
    );
    expect(forked.status).toBe(422);
    // A wrong proof for an honest extension is refused too; nothing moved.
    const wrong = await post(
      addCheckpointBody(6, consistencyProof(6, leaves(10)).reverse(), LOG.checkpoint(leaves(10))),
    );
    expect(wrong.status).toBe(422);
    const held = await app.request(`/witness/${originHash(LOG.origin)}/checkpoint`);
    expect((await held.text()).split('\n')[1]).toBe('6');
    // The same tree again is cosigned again (a client that lost the answer).
    expect((await cosign(6, leaves(6))).status).toBe(200);
  });

  it('403 without a valid signature by a known key, 404 for an unknown origin, 400 for old above size or a malformed body', async () => {
    const stranger = new TestLog(LOG.origin, 12);
    const r403 = await post(addCheckpointBody(0, [], stranger.checkpoint(leaves(2))));
    expect(r403.status).toBe(403);
    // A known key's line whose signature fails is 403 too (signed-note: such a note is malformed).
    const good = LOG.checkpoint(leaves(2));
    const tampered = good.replace(
      /\n(\u2014 \S+ )(\S{10})/,
      (_, a: string, b: string) => `\n${a}${b.slice(0, 8)}${b[8] === 'A' ? 'B' : 'A'}${b[9]}`,
    );
    expect((await post(addCheckpointBody(0, [], tampered))).status).toBe(403);
    const other = new TestLog('log.example/other', 11);
    const r404 = await post(addCheckpointBody(0, [], other.checkpoint(leaves(2))));
    expect(r404.status).toBe(404);
    expect(r404.headers.get('content-type')).toContain('application/problem+json');
    const r400 = await post(addCheckpointBody(3, [], LOG.checkpoint(leaves(2))));
    expect(r400.status).toBe(400);
    expect((await r400.json()).errors[0].path).toBe('old');
    for (const body of [
      '',
      `old 01\n\n${good}`,
      `old 1\nnot-base64\n\n${good}`,
      `old 0\n\n${LOG.body(2, leafHash('x'))}`,
      new Uint8Array([0xff, 0xfe, 10, 10]),
    ]) {
      const r = await post(body);
      expect(r.status, String(body).slice(0, 20)).toBe(400);
      expect((await r.json()).errors[0].path).toBeTruthy();
    }
    expect((await post(addCheckpointBody(0, [leafHash('x')], LOG.checkpoint(leaves(2))))).status).toBe(422);
    expect((await post('x'.repeat(20_000))).status).toBe(413);
    expect((await app.request(`/witness/${originHash('nope')}/checkpoint`)).status).toBe(404);
  });

  it('two concurrent requests from the same state: exactly one is cosigned, the other gets 409', async () => {
    expect((await cosign(0, leaves(4))).status).toBe(200);
    const [a, b] = await Promise.all([cosign(4, leaves(7)), cosign(4, leaves(9))]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const held = (await (await app.request(`/witness/${originHash(LOG.origin)}/checkpoint`)).text()).split('\n')[1];
    expect(['7', '9']).toContain(held);
    expect(await (a.status === 409 ? a : b).text()).toBe(`${held}\n`);
  });

  it('answers any body with a status of the protocol or a problem naming a field, never a 5xx (fast-check)', async () => {
    expect((await cosign(0, leaves(4))).status).toBe(200);
    const good = LOG.checkpoint(leaves(6));
    const proof = consistencyProof(4, leaves(6)).map((h) => h.toString('base64'));
    const line = fc.oneof(
      fc.constantFrom(
        'old 4',
        'old 0',
        'old 6',
        'old 99999999999999999',
        'old -1',
        'old 04',
        '',
        ...proof,
        ...good.split('\n'),
      ),
      fc.string({ maxLength: 60 }),
      fc.base64String({ minLength: 40, maxLength: 48 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        const res = await post(lines.join('\n'));
        expect([200, 400, 403, 404, 409, 413, 422]).toContain(res.status);
        if (res.status === 409) expect(await res.text()).toMatch(/^\d+\n$/);
        else if (res.status !== 200)
          expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBeTruthy();
      }),
      { numRuns: 150 },
    );
  });

  it('a server without ASSENT_WITNESS_KEY is no witness', async () => {
    expect((await h.app.request('/witness')).status).toBe(404);
    expect((await h.app.request('/witness/add-checkpoint', { method: 'POST', body: 'old 0\n\n' })).status).toBe(404);
  });

  it('answers add-checkpoint quickly (figure for the report)', async () => {
    await cosign(0, leaves(1));
    const n = 50;
    const started = performance.now();
    for (let i = 2; i <= n + 1; i++) expect((await cosign(i - 1, leaves(i))).status).toBe(200);
    const perCall = (performance.now() - started) / n;
    console.log(`add-checkpoint: ${perCall.toFixed(2)} ms per call (in-memory libSQL, ${n} calls)`);
    expect(perCall).toBeLessThan(200); // ~3 ms alone; generous for two shared cores
  });
});
