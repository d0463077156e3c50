import { describe, expect, it } from 'vitest';
import { createCosigner, appendSignatureLines, makeCosignatureVerifierKey } from '../../worker/crypto/cosignature.ts';
import { createNoteSigner, makeVerifierKey, signCheckpoint } from '../../worker/crypto/note.ts';
import { evaluateQuorum, parsePolicy, PolicyError } from '../../worker/witness/policy.ts';

const seed = (n: number) => new Uint8Array(32).fill(n);
const ORIGIN = 'assent.example/log/demo';

async function setup() {
  const log = await createNoteSigner({ name: ORIGIN, seed: seed(1) });
  const ws = await Promise.all([2, 3, 4].map((n, i) => createCosigner({ name: `w${i + 1}.example`, seed: seed(n) })));
  const vkeys = await Promise.all(ws.map((w) => makeCosignatureVerifierKey(w.name, w.publicKey)));
  const logKey = await makeVerifierKey(ORIGIN, log.publicKey);
  const body = `${ORIGIN}\n3\nN4XRJVMKJZeKgWg89NdyrKm9yB+eUv8h4QNSDQyUhXM=\n`;
  const note = await signCheckpoint(
    { origin: ORIGIN, size: 3, rootHash: Buffer.from('N4XRJVMKJZeKgWg89NdyrKm9yB+eUv8h4QNSDQyUhXM=', 'base64') },
    log,
  );
  return { log, ws, vkeys, logKey, body, note };
}

describe('tlog-policy files', () => {
  it('parses logs, witnesses, nested groups and the quorum, with comments and blank lines', async () => {
    const { vkeys, logKey } = await setup();
    const policy = await parsePolicy(
      `# a comment\n\tlog ${logKey} https://assent.example/log/demo\n\nwitness A ${vkeys[0]} https://a.example/\nwitness B ${vkeys[1]}\nwitness C ${vkeys[2]}\ngroup AB 2 A B\n  group top any AB C  \nquorum top\n`,
    );
    expect(policy.logs.map((l) => [l.origin, l.url])).toEqual([[ORIGIN, 'https://assent.example/log/demo']]);
    expect(policy.witnesses.map((w) => [w.name, w.url])).toEqual([
      ['A', 'https://a.example'],
      ['B', null],
      ['C', null],
    ]);
    expect(policy.groups).toEqual([
      { name: 'AB', threshold: 2, members: ['A', 'B'] },
      { name: 'top', threshold: 1, members: ['AB', 'C'] },
    ]);
    expect(policy.quorum).toBe('top');
  });

  it.each([
    ['quorum X\n', /line 1: X is not defined/],
    ['witness A {0}\nwitness B {0}\nquorum A\n', /line 2: duplicate witness key/],
    ['witness A {0}\nwitness A {1}\nquorum A\n', /line 2: A is already defined/],
    ['witness A {0}\ngroup G 2 A\nquorum G\n', /line 2: threshold/],
    ['witness A {0}\ngroup G all A A\nquorum G\n', /line 2: A is listed twice/],
    ['witness A {0}\ngroup G all A none\nquorum G\n', /line 2: `none` cannot/],
    ['witness A {0}\n', /no quorum line/],
    ['quorum none\nquorum none\n', /line 2: a policy has exactly one quorum/],
    ['witness none {0}\nquorum none\n', /line 1: `none` is predefined/],
    ['witness A {log}\nquorum A\n', /line 1: invalid witness vkey/],
    ['log {0}\nquorum none\n', /line 1: invalid log vkey/],
    ['bogus x\nquorum none\n', /line 1: unknown keyword/],
    ['quorum none\x01\n', /line 1: control characters/],
  ])('refuses %j naming the line', async (text, error) => {
    const { vkeys, logKey } = await setup();
    const filled = text.replace(/\{(\d)\}/g, (_, i) => vkeys[Number(i)]!).replace('{log}', logKey);
    await expect(parsePolicy(filled)).rejects.toThrow(PolicyError);
    await expect(parsePolicy(filled)).rejects.toThrow(error);
  });

  it('a list of logs alone (a witness configuration) reads as quorum none when allowed', async () => {
    const { logKey } = await setup();
    expect((await parsePolicy(`log ${logKey}\n`, { requireQuorum: false })).quorum).toBe('none');
  });
});

describe('quorum evaluation', () => {
  it('counts valid cosignatures through groups and names the witnesses missing', async () => {
    const { ws, vkeys, logKey, body, note } = await setup();
    const policy = await parsePolicy(
      `log ${logKey}\nwitness A ${vkeys[0]}\nwitness B ${vkeys[1]}\nwitness C ${vkeys[2]}\ngroup G 2 A B C\nquorum G\n`,
    );
    const one = appendSignatureLines(note, [await ws[0]!.cosign(body, 1700000000)]);
    const r1 = await evaluateQuorum(one, policy);
    expect(r1).toMatchObject({ log: ORIGIN, met: false, missing: ['B', 'C'] });
    expect(r1.witnesses[0]).toEqual({ name: 'A', status: 'valid', timestamp: 1700000000 });
    const two = appendSignatureLines(one, [await ws[2]!.cosign(body, 1700000001)]);
    expect(await evaluateQuorum(two, policy)).toMatchObject({ met: true, missing: ['B'] });
    // A cosignature by a known witness over another body is invalid and does not count.
    const forged = appendSignatureLines(one, [await ws[2]!.cosign(body.replace('\n3\n', '\n4\n'), 1700000001)]);
    const r3 = await evaluateQuorum(forged, policy);
    expect(r3.met).toBe(false);
    expect(r3.witnesses[2]).toMatchObject({ name: 'C', status: 'invalid' });
  });

  it('refuses a checkpoint no listed log signed, even fully cosigned', async () => {
    const { ws, vkeys, body, note } = await setup();
    const other = await makeVerifierKey(ORIGIN, (await createNoteSigner({ name: ORIGIN, seed: seed(99) })).publicKey);
    const policy = await parsePolicy(`log ${other}\nwitness A ${vkeys[0]}\nquorum A\n`);
    const cosigned = appendSignatureLines(note, [await ws[0]!.cosign(body, 1700000000)]);
    expect(await evaluateQuorum(cosigned, policy)).toMatchObject({ log: null, met: false, missing: [] });
  });

  it('quorum none is met with no cosignature', async () => {
    const { note } = await setup();
    expect(await evaluateQuorum(note, await parsePolicy('quorum none\n'))).toMatchObject({ met: true, missing: [] });
  });
});

describe('witness settings', () => {
  it('read the policy from the file the entry read, or from the variable itself when it holds the text (Workers)', async () => {
    const { witnessConfig } = await import('../../worker/witness/config.ts');
    const { parseEnv } = await import('../../worker/env.ts');
    const { vkeys } = await setup();
    const text = `witness A ${vkeys[0]} https://a.example/witness\nquorum A\n`;
    const fromFile = await witnessConfig(parseEnv({ ASSENT_WITNESS_POLICY: './w.policy' }), { policy: text });
    const inline = await witnessConfig(parseEnv({ ASSENT_WITNESS_POLICY: text, ASSENT_WITNESS_INTERVAL: '60' }), {});
    expect(fromFile.witnessing!.policy.quorum).toBe('A');
    expect(inline.witnessing!.intervalMs).toBe(60_000);
    await expect(witnessConfig(parseEnv({ ASSENT_WITNESS_POLICY: './missing.policy' }), {})).rejects.toThrow(
      /ASSENT_WITNESS_POLICY names a file that could not be read/,
    );
    await expect(
      witnessConfig(parseEnv({ ASSENT_WITNESS_POLICY: `witness A ${vkeys[0]}\nquorum A\n` }), {}),
    ).rejects.toThrow(/witness A has no URL/);
    await expect(witnessConfig(parseEnv({ ASSENT_WITNESS_POLICY: 'quorum X\n' }), {})).rejects.toThrow(
      /ASSENT_WITNESS_POLICY: line 1: X is not defined/,
    );
    await expect(witnessConfig(parseEnv({ ASSENT_WITNESS_LOGS: 'x' }), {})).rejects.toThrow(
      /ASSENT_WITNESS_KEY is missing/,
    );
    expect(() => parseEnv({ ASSENT_WITNESS_KEY: 'nope' })).toThrow(/ASSENT_WITNESS_KEY/);
  });
});
