// The README's webhook receiver runs as written: it verifies, with the npm `standardwebhooks` package, what Assent
// sent for an opt-in, and refuses the same delivery altered.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { json, makeHarness, optIn, type Harness } from '../harness.ts';
import { auth } from '../sms/fixtures.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('\n## Webhooks\n'));
const block = /<!-- tested: test\/webhooks\/readme-receiver\.test\.ts -->\n```js\n([\s\S]*?)\n```/.exec(section)![1]!;

let h: Harness;
let receiver: Receiver;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  h = await makeHarness();
  receiver = await startReceiver(() => h.now());
});
afterEach(async () => {
  vi.useRealTimers();
  await receiver.close();
  await h.close();
});

it("the README's receiver verifies a delivery and refuses it altered", async () => {
  const res = await h.app.request(
    '/v1/sites/demo/webhooks',
    json({ url: receiver.url, events: ['consent.requested'] }, auth(h)),
  );
  const { secret } = (await res.json()) as { secret: string };
  receiver.secrets.push(secret);
  await optIn(h);
  await h.flush();
  const got = receiver.received[0]!;

  // Written beside the sources (test-artifacts/ is ignored), so `standardwebhooks` resolves from node_modules.
  const dir = join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-receiver-${process.pid}.mjs`);
  writeFileSync(file, block);
  process.env.ASSENT_WEBHOOK_SECRET = secret;
  const { receive } = (await import(pathToFileURL(file).href)) as {
    receive: (r: Request) => Promise<{ id: string; type: string; status: string }>;
  };
  vi.setSystemTime(h.now());
  const request = (body: string) => new Request(receiver.url, { method: 'POST', headers: got.headers, body });
  expect(await receive(request(got.body))).toEqual({ id: got.id, type: 'consent.requested', status: 'pending' });
  await expect(receive(request(got.body.replace('pending', 'confirmed')))).rejects.toThrow();
  vi.setSystemTime(h.now() + 10 * 60_000);
  await expect(receive(request(got.body))).rejects.toThrow();
});
