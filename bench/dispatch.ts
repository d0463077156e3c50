// Dispatch bench: how fast a burst's confirmation SMS leave when the provider takes the time a real one does to
// answer. Queues BENCH_SMS opt-ins (default 200) through the app on an embedded file database, then times send passes
// (dispatchDue, as the jobs run it) until the outbox is empty, against a provider that answers each send after
// BENCH_PROVIDER_MS (default 150 ms: an SMS API's usual answer time). The baseline, run beside it on the same
// burst, is one send at a time (concurrency 1, the dispatcher before sends overlapped); the other rows print their
// ratio to it. Not a test; nothing leaves the process. Run: `npx tsx bench/dispatch.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISPATCH_CONCURRENCY, dispatchDue, dispatched } from '../worker/domain/messaging/index.ts';
import type { SmsProvider } from '../worker/sms/provider.ts';
import { optInBurst } from '../test/channel/burst.ts';
import { makeHarness } from '../test/harness.ts';

const COUNT = Number(process.env.BENCH_SMS) > 0 ? Number(process.env.BENCH_SMS) : 200;
const LATENCY = process.env.BENCH_PROVIDER_MS ? Number(process.env.BENCH_PROVIDER_MS) : 150;

function slowProvider() {
  let inFlight = 0;
  const seen = { most: 0, sent: 0 };
  const provider: SmsProvider = {
    name: 'slow',
    async send(message) {
      seen.most = Math.max(seen.most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, LATENCY));
      inFlight--;
      seen.sent++;
      return { ok: true, providerMessageId: `p-${message.id}` };
    },
  };
  return { provider, seen };
}

async function run(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'assent-dispatch-'));
  const { provider, seen } = slowProvider();
  const h = await makeHarness({ url: `file:${join(dir, 'assent.db')}`, sealer: 'node', provider });
  try {
    await optInBurst(h, COUNT, 40_000_000, 77);
    const started = performance.now();
    let passes = 0;
    while (dispatched(await dispatchDue(h.ctx, { concurrency })) > 0) passes++;
    const seconds = (performance.now() - started) / 1000;
    if (seen.sent !== COUNT) throw new Error(`sent ${seen.sent} of ${COUNT}`);
    return { concurrency, seconds, perSecond: COUNT / seconds, most: seen.most, passes };
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`dispatch: ${COUNT} confirmation SMS, the provider answering after ${LATENCY} ms\n`);
const rows = [];
for (const concurrency of [1, DISPATCH_CONCURRENCY, 2 * DISPATCH_CONCURRENCY]) rows.push(await run(concurrency));
const base = rows[0]!.perSecond;
console.log('concurrency  SMS/s  seconds  most at once  passes  ratio');
for (const row of rows) {
  const mark = row.concurrency === DISPATCH_CONCURRENCY ? ' (default)' : row.concurrency === 1 ? ' (baseline)' : '';
  console.log(
    `${String(row.concurrency).padStart(11)}  ${row.perSecond.toFixed(1).padStart(5)}  ${row.seconds.toFixed(1).padStart(7)}  ${String(row.most).padStart(11)}  ${String(row.passes).padStart(6)}  ${(row.perSecond / base).toFixed(2)}×${mark}`,
  );
}
console.log(JSON.stringify({ dispatch: rows }));
