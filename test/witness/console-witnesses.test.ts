// The console's overview shows each witness of the policy: the size it last cosigned, when, and one that fell behind.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { createCosigner, makeCosignatureVerifierKey } from '../../worker/crypto/cosignature.ts';
import { createJobs } from '../../worker/jobs.ts';
import { parsePolicy } from '../../worker/witness/policy.ts';
import { signIn } from '../console/helpers.ts';
import { makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
let w: Harness;
beforeEach(async () => {
  h = await makeHarness();
  w = await makeHarness();
});
afterEach(async () => {
  await h.close();
  await w.close();
});

it('lists B up to date with its size and time, and C (unreachable) as fallen behind with its error', async () => {
  const logKey = ((await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string }).verifierKey;
  const cosigner = await createCosigner({ name: 'witness-b.example/assent', seed: new Uint8Array(32).fill(0x0b) });
  const { logs } = await parsePolicy(`log ${logKey}\n`, { requireQuorum: false });
  const vkeyB = await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey);
  const witnessApp = createApp({ ...w.deps, witness: { cosigner, vkey: vkeyB, logs } });
  const c = await createCosigner({ name: 'witness-c.example/assent', seed: new Uint8Array(32).fill(0x0c) });
  const policy = await parsePolicy(
    `witness B ${vkeyB} https://witness-b.example/witness\nwitness C ${await makeCosignatureVerifierKey(c.name, c.publicKey)} https://witness-c.example/witness\nquorum B\n`,
  );
  // B answers in process; C's host does not answer at all.
  const fetchVia: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.startsWith('https://witness-b.example/'))
      return witnessApp.request(url.replace('https://witness-b.example', ''), init as RequestInit);
    throw new TypeError('fetch failed: connection refused');
  };
  const deps = { ...h.deps, witnessing: { policy, intervalMs: 300_000, fetch: fetchVia } };
  const jobs = createJobs(deps);
  expect((await optIn(h)).status).toBe(202);
  await jobs.run();
  await jobs.witnessed();
  h.advance(400_000); // longer than the interval and a minute: C is late
  const consoleApp = createApp(deps);
  const client = await signIn({ ...h, app: consoleApp });
  const html = await (await client.get('/console')).text();
  const size = ((await (await h.app.request('/v1/sites/demo/log')).json()) as { size: number }).size;
  const row = (name: string) =>
    new RegExp(
      `<tr data-witness="${name}" data-behind="(true|false)"><th scope="row">${name}</th><td>(\\d+)</td><td>([^<]*)</td><td>(.*?)</td></tr>`,
    ).exec(html);
  const b = row('B');
  const cRow = row('C');
  expect(b?.slice(1, 3)).toEqual(['false', String(size)]);
  expect(b![3]).not.toBe('never');
  expect(b![4]).toBe('up to date');
  expect(cRow?.slice(1, 4)).toEqual(['true', '0', 'never']);
  expect(cRow![4]).toMatch(/<strong>fell behind<\/strong> \(TypeError: fetch failed/);
});
