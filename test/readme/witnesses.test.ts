// README "Running with witnesses": the policy file parses, the start commands' variables are accepted and make a
// submitter and a witness, the key command prints a key that works, and the figures the section gives hold.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { makeCosignatureVerifierKey, parseCosignerKey } from '../../worker/crypto/cosignature.ts';
import { parseEnv } from '../../worker/env.ts';
import { witnessConfig } from '../../worker/witness/config.ts';
import { makeHarness } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FORMATS = readFileSync(join(ROOT, 'docs/formats.md'), 'utf8');
const start = README.indexOf('\n## Running with witnesses\n');
const SECTION = README.slice(start, README.indexOf('\n## ', start + 1));
const blocks = [
  ...SECTION.matchAll(
    /<!-- (tested: test\/readme\/witnesses\.test\.ts|fragment: [^>]*) -->\n```(\w+)\n([\s\S]*?)\n```/g,
  ),
].map((m) => ({ marker: m[1]!, lang: m[2]!, text: m[3]! }));
const tested = blocks.filter((b) => b.marker.startsWith('tested'));
/** `A=1 B='x' npm start` → {A: '1', B: 'x'}. */
const envOf = (line: string) =>
  Object.fromEntries(
    [...line.matchAll(/(ASSENT_\w+)=('[^']*'|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]),
  );

describe('README: running with witnesses', () => {
  it('has the section, with its four tested blocks, and says the load it implies', () => {
    expect(start).toBeGreaterThan(0);
    expect(tested.map((b) => b.lang)).toEqual(['text', 'sh', 'sh', 'sh']);
    expect(SECTION).toContain(`sites × ${86_400 / 300} submissions per witness per day`);
  });

  it('the policy file parses, names the log key of docs/formats.md §8, and the start command makes a submitter of it', async () => {
    const policyText = `${tested[0]!.text}\n`;
    const formatsKey = /<!-- example:verifier-key -->\n```\n(.*)\n```/.exec(FORMATS)![1]!;
    expect(policyText).toContain(`log ${formatsKey}\n`);
    const env = parseEnv(envOf(tested[1]!.text));
    expect(tested[1]!.text).toMatch(/ npm start$/);
    const { witnessing } = await witnessConfig(env, { policy: policyText });
    expect(witnessing!.intervalMs).toBe(300_000);
    expect(witnessing!.policy.witnesses.map((w) => [w.name, w.url])).toEqual([
      ['B', 'https://witness-b.example/witness'],
      ['C', 'https://witness-c.example/witness'],
    ]);
    expect(witnessing!.policy.quorum).toBe('both');
  });

  it('the key command prints a witness key, and the witness start command serves its vkey for the logs file', async () => {
    const command = tested[2]!.text.split(' ');
    expect(command.slice(0, 2)).toEqual(['npx', 'tsx']);
    const out = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), command.slice(2), { cwd: ROOT, encoding: 'utf8' });
    const key = /^ASSENT_WITNESS_KEY=(\S+)$/m.exec(out)![1]!;
    const vkey = /^# vkey: (\S+)$/m.exec(out)![1]!;
    const cosigner = await parseCosignerKey(key);
    expect(cosigner.name).toBe('witness.example.org/assent');
    expect(await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey)).toBe(vkey);

    const h = await makeHarness();
    const logKey = ((await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string }).verifierKey;
    const vars = envOf(tested[3]!.text.replace(/'PRIVATE\+KEY\+[^']*'/, `'${key}'`));
    expect(Object.keys(vars)).toEqual(['ASSENT_WITNESS_KEY', 'ASSENT_WITNESS_LOGS']);
    const { witness } = await witnessConfig(parseEnv(vars), {
      logs: `# witnessed.logs\nlog ${logKey} https://assent.test/log/demo\n`,
    });
    expect(witness!.logs.map((l) => l.origin)).toEqual(['assent.test/log/demo']);
    const app = createApp({ ...h.deps, witness: witness! });
    expect(await (await app.request('/witness')).text()).toBe(`${vkey}\n`);
    await h.close();
  });
});
