// What one opt-in writes: a single batch of 7 statements (the rate counters in one upsert, the subject or its contact time, the consent
// born with its chain head, the event, its leaf, the webhooks' deliveries, the confirmation SMS), with no UPDATE of the
// consent after its insert (9 statements, then 8, before).
// The chain head the insert computes is the leaf's own index and hash, also when concurrent opt-ins share one
// transaction (group commit on the Node store, writes on a worker thread), and after the log has grown.
import { afterEach, describe, expect, it } from 'vitest';
import type { Statement, Store } from '../../worker/db/client.ts';
import { preparedOf } from '../../worker/db/drizzle-internals.ts';
import { openStore } from '../../worker/entry/node/store.ts';
import { parseEnv } from '../../worker/env.ts';
import { expectChain } from '../assertions.ts';
import { json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { tempDir } from '../runtime/servers.ts';
import { mobile } from './fault-store.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The store with each batch's SQL texts recorded. */
function recording(store: Store, batches: string[][]): Store {
  return {
    ...store,
    batch(statements: [Statement, ...Statement[]]) {
      batches.push(statements.map((s) => preparedOf(s).getQuery().sql.replace(/\s+/g, ' ').trim()));
      return store.batch(statements);
    },
  };
}

describe('the opt-in batch', () => {
  it('is one batch of 7 statements, new number or known, with no UPDATE of the consent', async () => {
    const batches: string[][] = [];
    h = await makeHarness();
    const inner = h.deps.store;
    h = await makeHarness({ store: recording(inner, batches) });
    const w = await widgetFor(h);
    for (const [phone, known] of [
      [mobile(1), false],
      [mobile(1), true],
    ] as const) {
      h.advance(60_000);
      batches.length = 0;
      const res = await h.app.request('/v1/sites/demo/consents', json({ phone, choice: 'yes', ...w }));
      expect(res.status).toBe(202);
      const { consentId } = (await res.json()) as { consentId: string };
      expect(batches, known ? 'known number' : 'new number').toHaveLength(1);
      const [batch] = batches as [string[]];
      expect(batch, batch.map((s) => s.slice(0, 60)).join('\n')).toHaveLength(7);
      expect(batch.filter((s) => /^UPDATE "?consents"?/i.test(s))).toEqual([]);
      expect(batch.filter((s) => /^INSERT INTO "?consents"?/i.test(s))).toHaveLength(1);
      await expectChain(h, consentId);
    }
  });

  it('gives each consent its own leaf as chain head when concurrent opt-ins share a transaction on the Node store', async () => {
    const dir = tempDir('consent-batch');
    const store = await openStore(parseEnv({ ASSENT_DATA_DIR: dir }), { writerThread: true });
    h = await makeHarness({ store });
    const w = await widgetFor(h);
    for (let round = 0; round < 3; round++) {
      h.advance(3_600_000);
      const responses = await Promise.all(
        Array.from({ length: 15 }, (_, k) =>
          h!.app.request('/v1/sites/demo/consents', json({ phone: mobile(round * 15 + k), choice: 'yes', ...w })),
        ),
      );
      for (const res of responses) {
        expect(res.status).toBe(202);
        await expectChain(h, ((await res.json()) as { consentId: string }).consentId);
      }
      await h.flush(); // the jobs append their own leaves (messages sent) between rounds
    }
  });
});
