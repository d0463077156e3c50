// STOP always wins: a confirmation (link POST or OUI reply) racing a signed STOP ends withdrawn and suppressed,
// whichever commits first, on an in-memory and on a file database; the log of each consent ends with 'withdrawn'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { expectChain } from '../assertions.ts';
import {
  frenchMobile,
  gate,
  logTypes,
  requestOptIn,
  startFakeTwilio,
  tokenSentTo,
  twilioInbound,
  useTwilio,
  type FakeTwilio,
} from '../sms/fixtures.ts';

const ROUNDS = 20;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function setUp(url?: string): Promise<{ h: Harness; twilio: FakeTwilio; done(): Promise<void> }> {
  let h: Harness | undefined;
  const twilio = await startFakeTwilio(() => h!.now());
  h = await makeHarness(url ? { url } : {});
  await useTwilio(h, twilio.baseUrl);
  return {
    h,
    twilio,
    async done() {
      await h!.close();
      await twilio.close();
    },
  };
}

/** One race per fresh number; returns which side the confirm reported, to show both orders were exercised. */
async function race(
  h: Harness,
  twilio: FakeTwilio,
  i: number,
  confirmBy: 'link' | 'reply',
  order: 'race' | 'confirm-then-stop' | 'stop-then-confirm' = 'race',
): Promise<string> {
  const phone = frenchMobile(500 + i);
  const id = await requestOptIn(h, phone.national);
  await h.flush();
  const token = tokenSentTo(twilio, phone.e164);
  h.advance(1_000);

  // Vary the interleaving: which request starts first, and how many event-loop turns the other one waits.
  const stagger = [0, 1, 3, 8, 20, 60][(i >> 1) % 6]!;
  const later = async (start: () => Response | Promise<Response>): Promise<Response> => {
    for (let k = 0; k < stagger; k++) await new Promise((r) => setImmediate(r));
    return start();
  };
  const confirm = async (): Promise<Response> =>
    confirmBy === 'link' ? h.app.request(`/c/${token}`, { method: 'POST' }) : twilioInbound(h, phone.e164, 'OUI');
  const stop = () => twilioInbound(h, phone.e164, 'STOP');
  const [confirmRes, stopRes] =
    order === 'confirm-then-stop'
      ? [await confirm(), await stop()]
      : order === 'stop-then-confirm'
        ? [...[await stop(), await confirm()]].reverse()
        : i % 2 === 0
          ? await Promise.all([confirm(), later(stop)])
          : (await Promise.all([stop(), later(confirm)])).reverse();
  expect(confirmRes!.status).toBe(200);
  expect(stopRes!.status).toBe(200);

  const row = (await h.ctx.consents.byId(id))!;
  expect(row.status).toBe('withdrawn');
  expect(row.withdrawKeyword).toBe('STOP');
  expect(await gate(h, phone.e164)).toMatchObject({ status: 'withdrawn', canSend: false, suppressed: true });
  const types = await logTypes(h, id);
  expect(types.at(-1)).toBe('withdrawn');
  expect(types.filter((t) => t === 'withdrawn')).toHaveLength(1);
  expect(types.filter((t) => t === 'confirmed').length).toBeLessThanOrEqual(1);
  // Whatever the interleaving, the consent's leaves form one chain: no two name the same predecessor.
  await expectChain(h, id);

  // A "subscription confirmed" SMS queued by a confirm that committed first is never delivered after the STOP.
  await h.flush();
  const confirmedMessages = (await h.ctx.outbox.forConsent(id)).filter((m) => m.kind === 'confirmed');
  for (const m of confirmedMessages) expect(m.status).toBe('cancelled');
  expect(twilio.posts().filter((p) => p.to === phone.e164 && p.body.includes('inscription confirmée'))).toEqual([]);
  return types.includes('confirmed') ? 'confirm-first' : 'stop-first';
}

describe.each([
  ['in-memory', undefined],
  ['file', 'file'],
] as const)('STOP racing a confirmation (%s database)', (_name, kind) => {
  const url = () => {
    if (!kind) return undefined;
    const dir = mkdtempSync(join(tmpdir(), 'assent-stop-wins-'));
    dirs.push(dir);
    return `file:${join(dir, 'assent.db')}`;
  };

  it.each(['link', 'reply'] as const)(
    `ends withdrawn and suppressed, ${ROUNDS} rounds, confirm by %s`,
    async (confirmBy) => {
      const { h, twilio, done } = await setUp(url());
      try {
        const orders = new Set<string>();
        for (let i = 0; i < ROUNDS - 2; i++) orders.add(await race(h, twilio, i, confirmBy));
        // Both commit orders, whatever the interleavings above gave on a loaded machine, so both code paths (CAS from
        // pending and from confirmed) surely ran.
        orders.add(await race(h, twilio, ROUNDS - 2, confirmBy, 'confirm-then-stop'));
        orders.add(await race(h, twilio, ROUNDS - 1, confirmBy, 'stop-then-confirm'));
        expect([...orders].sort()).toEqual(['confirm-first', 'stop-first']);
      } finally {
        await done();
      }
    },
    60_000,
  );
});
