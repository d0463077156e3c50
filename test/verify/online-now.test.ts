// An evidence file kept from before a withdrawal, verified online, asks the log what happened since: the log must
// extend the file's checkpoint and continue the consent's chain, and the verifier then says "withdrawn since …".
// A server answering a rewritten history is refused.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../worker/verify/cli.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
let server: ServerType;
let base: string;
let dir: string;
let rewrite: ((url: string, body: any) => any) | null = null;

async function verify(args: string[]) {
  const lines: string[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (!rewrite) return res;
    return new Response(JSON.stringify(rewrite(String(input), await res.json())), { status: res.status });
  };
  const code = await runCli(['verify', ...args], {
    fetch: fetcher,
    readFile: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    writeFile: async () => {},
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
  });
  return { code, out: lines.join('\n') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assent-online-'));
  server = serve({ fetch: (req) => h.app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await makeHarness({ publicUrl: base });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

it('says "withdrawn since" for a file saved while the consent was confirmed, and refuses a rewritten log', {
  timeout: 60_000,
}, async () => {
  const res = await optIn(h);
  const { consentId } = (await res.json()) as { consentId: string };
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
  await h.flush();
  const file = join(dir, 'evidence.json');
  await writeFile(file, await (await fetch(`${base}/proofs/${consentId}/evidence`)).text());

  const fresh = await verify([file]);
  expect(fresh.out).toMatch(/✓ status-now: confirmed, not withdrawn as of checkpoint \d+/);
  expect(fresh.code).toBe(0);

  // The subscriber leaves afterwards; other people keep the log growing.
  h.advance(60_000);
  expect(
    (
      await h.app.request(`/u/${linkToken(h, 'u')}`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin', origin: base },
      })
    ).status,
  ).toBeLessThan(400);
  expect((await optIn(h, '06 99 88 77 66')).status).toBe(202);
  await h.flush();
  const withdrawnAt = (await h.ctx.consents.byId(consentId))!.withdrawnAt!;
  const later = await verify([file]);
  expect(later.out).toContain(`✓ status-now: withdrawn since ${new Date(withdrawnAt).toISOString()}`);
  expect(later.out).toMatch(
    /✓ log-now: the log grew from \d+ to \d+ leaves without rewriting; 1 later event of this consent/,
  );
  expect(later.code).toBe(0);
  // Offline, the file alone says only what it holds.
  expect((await verify([file, '--offline'])).out).not.toContain('status-now');

  // A server that drops the withdrawal from the consent's leaves now: its proof no longer verifies or extends the file.
  rewrite = (url, body) =>
    url.endsWith(`/proofs/${consentId}`)
      ? { ...body, log: { ...body.log, entries: body.log.entries.filter((e: any) => e.leaf.type !== 'withdrawn') } }
      : body;
  const forged = await verify([file]);
  expect(forged.out).toMatch(/✗ log-now: /);
  expect(forged.code).toBe(1);
  rewrite = null;
});
