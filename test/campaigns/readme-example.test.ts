// The README's campaign example, run as written: curl replaced by a function printing its arguments, each request
// sent to the app (HOST and myshop replaced by the test's); the scheduled campaign is created, then stopped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { frenchSender, subscribe } from './fixtures.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Each curl call of the block as its argument list. */
function curlCalls(block: string): string[][] {
  const out = execFileSync(
    'bash',
    ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; printf '\\n\\0'; }\nKEY=k\n${block}`],
    { encoding: 'utf8' },
  );
  return out
    .split('\n\0')
    .filter((call) => call.length > 0)
    .map((call) => call.split('\0').filter((a) => a.length > 0));
}

it("the README's campaign example schedules a campaign and stops it, as written", async () => {
  h = await frenchSender();
  await subscribe(h, 1);
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('/campaigns/'))!;
  const [send, stop] = curlCalls(block);
  const request = (args: string[], replace: Record<string, string> = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${h!.demoKey}` };
    for (let i = 0; i < args.length; i++) {
      if (args[i] !== '-H') continue;
      const [name, ...value] = args[i + 1]!.split(':');
      if (name!.toLowerCase() !== 'authorization') headers[name!.toLowerCase()] = value.join(':').trim();
    }
    let url = args
      .find((a) => a.startsWith('https://HOST/'))!
      .slice('https://HOST'.length)
      .replace('myshop', 'demo');
    for (const [from, to] of Object.entries(replace)) url = url.replace(from, to);
    const body = args.includes('-d') ? args[args.indexOf('-d') + 1] : undefined;
    return h!.app.request(url, { method: args[args.indexOf('-X') + 1], headers, ...(body ? { body } : {}) });
  };
  const res = await request(send!);
  expect(res.status).toBe(202);
  const report = (await res.json()) as { campaignId: string; sendAt: string; scheduled: boolean; queued: number };
  // As the comment under the command says: 09:00 in Paris on Saturday 27 November 2027 is inside the sending hours.
  expect(report).toMatchObject({ sendAt: '2027-11-27T08:00:00.000Z', scheduled: true, queued: 1 });
  const stopped = await request(stop!, { CAMPAIGN_ID: report.campaignId });
  expect(stopped.status).toBe(200);
  expect(await stopped.json()).toMatchObject({ status: 'stopped', cancelledNow: 1 });
});
