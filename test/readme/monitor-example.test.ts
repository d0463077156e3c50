// The README's monitoring example runs as written: its two `npx assent monitor` commands, against a server on
// 127.0.0.1 after one sign-up, print exactly the output the README shows (HOST, the key and the consent id filled in).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Auditors: reading and monitoring the log'));
const block = (lang: string) => [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].find((m) => m[1] === lang)![2]!;

let h: Harness;
let server: ServerType;
let host: string;
let dir: string;
beforeAll(async () => {
  server = serve({ fetch: (req) => h.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await makeHarness({ publicUrl: `http://${host}` });
  dir = mkdtempSync(join(tmpdir(), 'assent-readme-monitor-'));
});
afterAll(async () => {
  server.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README: monitoring the log', () => {
  it('the monitor commands print the output the README shows', async () => {
    const res = await optIn(h);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    const key = ((await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string }).verifierKey;
    // From a checkout, `npx assent` is bin/assent.mjs; the example server speaks plain http on 127.0.0.1.
    const script = block('sh')
      .replaceAll('npx assent', `node ${join(ROOT, 'bin/assent.mjs')}`)
      .replace(/https:\/\/HOST|ID/g, (m) => (m === 'ID' ? consentId : `http://${host}`));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        ['-e', '-c', script],
        { cwd: dir, encoding: 'utf8', timeout: 60_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
      ),
    );
    // One pass, so a filled-in value is never read again as a placeholder (a key's base64 may hold "ID").
    const fill: Record<string, string> = {
      'assent-monitor-HOST-': `assent-monitor-${host.replace(':', '_')}-`,
      'HOST/log/demo+KEY': key,
      HOST: host,
      ID: consentId,
    };
    const expected = block('text').replace(/assent-monitor-HOST-|HOST\/log\/demo\+KEY|HOST|ID/g, (m) => fill[m]!);
    expect(out).toBe(expected);
  }, 90_000);
});
