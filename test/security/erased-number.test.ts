// Whoever holds the master key and a copy of the database must not recover an erased number: they can compute the
// blind index of every number in a range (the French mobile range takes minutes), so nothing kept after erasure may
// match one number alone. Here the attacker brute-forces a million numbers around the erased one against every cell
// of every table; the suppression that must outlive the erasure matches many of them, never just one.
import { createHmac, hkdfSync } from 'node:crypto';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const VICTIM = '+33612345678';
/** The harness's master key (32 bytes of 7), as the attacker holds it. */
const indexKey = Buffer.from(hkdfSync('sha256', new Uint8Array(32).fill(7), 'assent/v1', 'blind-index', 32));
const blindIndex = (e164: string) => createHmac('sha256', indexKey).update(`demo\n${e164}`).digest('hex');

/** Every text cell of every table: the attacker's copy of the database. */
async function databaseCopy(): Promise<string[]> {
  const tables = (await h.ctx.store.queryColumn(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  )) as string[];
  const cells: string[] = [];
  for (const table of tables) {
    const columns = (await h.ctx.store.queryColumn(`SELECT name FROM pragma_table_info('${table}')`)) as string[];
    for (const column of columns) {
      for (const value of await h.ctx.store.queryColumn(`SELECT "${column}" FROM "${table}"`)) {
        if (typeof value === 'string') cells.push(value);
      }
    }
  }
  return cells;
}

/** The numbers of the range +33 6 12 00 00 00 … +33 6 12 99 99 99 whose index any hex run stored in the copy starts. */
function candidates(cells: string[]): { exact: string[]; byPrefix: Map<string, string[]> } {
  const runs = new Set<string>();
  // Whole values, hex or tagged hex (`tag:hex`), as an index or a piece of one is stored.
  for (const cell of cells) {
    const run = /^(?:[\w-]+:)?([0-9a-f]{4,})$/.exec(cell)?.[1];
    if (run) runs.add(run);
  }
  const lengths = [...new Set([...runs].map((r) => r.length))].sort((a, b) => a - b);
  const exact: string[] = [];
  const byPrefix = new Map<string, string[]>();
  for (let n = 0; n < 1_000_000; n++) {
    const e164 = `+33612${String(n).padStart(6, '0')}`;
    const index = blindIndex(e164);
    if (runs.has(index)) exact.push(e164);
    for (const length of lengths) {
      if (length >= 64) break;
      const prefix = index.slice(0, length);
      if (runs.has(prefix)) byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), e164]);
    }
  }
  return { exact, byPrefix };
}

async function subscriberId(phone: string): Promise<string> {
  const res = await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, admin));
  return ((await res.json()) as { subscriberId: string }).subscriberId;
}
const lookup = async (phone: string) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, admin))).json()) as Record<
    string,
    unknown
  >;

describe('an erased number, brute-forced with the master key against a copy of the database', () => {
  it('the attacker computes the same blind index as the server', async () => {
    expect(blindIndex(VICTIM)).toBe(await h.deps.sealer.blindIndex('demo', VICTIM));
  });

  it('after erasure on request (STOP first), no stored value singles the number out, and it stays suppressed', {
    timeout: 60_000,
  }, async () => {
    expect((await optIn(h)).status).toBe(202);
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    expect(
      (
        await h.app.request(`/u/${linkToken(h, 'u')}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: 'action=unsubscribe',
        })
      ).status,
    ).toBe(200);
    const id = await subscriberId(VICTIM);
    expect((await h.app.request(`/v1/sites/demo/subscribers/${id}`, { method: 'DELETE', headers: admin })).status).toBe(
      200,
    );

    const { exact, byPrefix } = candidates(await databaseCopy());
    expect(exact, 'a full blind index of a number in the range is stored').toEqual([]);
    for (const [prefix, numbers] of byPrefix) {
      // Anything stored that starts the index of a number in the range must start that of many: no unique match.
      expect(numbers.length, `prefix ${prefix} matches ${numbers.join(', ')}`).toBeGreaterThanOrEqual(5);
    }

    // The objection holds: the number still answers suppressed and cannot be sent to.
    expect(await lookup(VICTIM)).toMatchObject({ canSend: false, suppressed: true, reason: 'suppressed' });
  });

  it('after retention erases a number that had withdrawn, no stored value singles it out either', async () => {
    expect((await optIn(h)).status).toBe(202);
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    expect(
      (
        await h.app.request(`/u/${linkToken(h, 'u')}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: 'action=unsubscribe',
        })
      ).status,
    ).toBe(200);
    h.advance(31 * 86_400_000);
    await h.flush();
    expect(await h.ctx.store.queryColumn('SELECT count(*) FROM subjects WHERE erased_at IS NOT NULL')).toEqual([1]);

    // (The million-number search is the test above; here: nothing stored holds the index or more than 16 bits of it.)
    const index = blindIndex(VICTIM);
    const cells = await databaseCopy();
    expect(cells.filter((cell) => cell.includes(index.slice(0, 8)))).toEqual([]);
    expect(cells.filter((cell) => cell.endsWith(`:${index.slice(0, 4)}`))).toHaveLength(1);
    expect(await lookup(VICTIM)).toMatchObject({ canSend: false, suppressed: true });
  });

  it('the erased number may opt in again: a new subscriber, and its confirmation lets the site text it', async () => {
    expect((await optIn(h)).status).toBe(202);
    await h.flush();
    const erasedId = await subscriberId(VICTIM);
    expect(
      (await h.app.request(`/v1/sites/demo/subscribers/${erasedId}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(200);
    expect((await optIn(h)).status).toBe(202);
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    const after = await lookup(VICTIM);
    expect(after).toMatchObject({ status: 'confirmed', canSend: true, suppressed: false });
    expect(after.subscriberId).not.toBe(erasedId);
    // The erased subscriber is still there by its id (its proofs stay), erased.
    const old = await h.app.request(`/v1/sites/demo/subscribers/${erasedId}`, { headers: admin });
    expect(((await old.json()) as { status: string }).status).toBe('erased');
  });
});

describe('numbers erased before this rule', () => {
  it('the migration leaves them nothing that singles them out, and keeps the suppressed ones suppressed', async () => {
    const store = libsqlStore(createClient({ url: ':memory:' }));
    try {
      const at = migrations.findIndex((m) => m.tag === '0009_erased_numbers');
      expect(at).toBeGreaterThan(0);
      await migrate(store, migrations.slice(0, at));
      const suppressed = blindIndex('+33612345678');
      const notSuppressed = blindIndex('+33698765432');
      const live = blindIndex('+33611111111');
      await store.execBatch([
        "INSERT INTO sites (id, config, created_at, updated_at) VALUES ('demo', '{}', 0, 0)",
        `INSERT INTO subjects (id, site_id, phone_index, country, masked, created_at, erased_at) VALUES ('s1', 'demo', '${suppressed}', 'FR', '•••', 0, 5)`,
        `INSERT INTO subjects (id, site_id, phone_index, country, masked, created_at, erased_at) VALUES ('s2', 'demo', '${notSuppressed}', 'FR', '•••', 0, 5)`,
        `INSERT INTO subjects (id, site_id, phone_index, phone_ciphertext, wrapped_key, country, masked, created_at) VALUES ('s3', 'demo', '${live}', 'c', 'k', 'FR', '+33 6 •• •• •• 11', 0)`,
        `INSERT INTO suppressions (site_id, phone_index, reason, at) VALUES ('demo', '${suppressed}', 'erased', 5)`,
        `INSERT INTO suppressions (site_id, phone_index, reason, at) VALUES ('demo', '${live}', 'withdrawn:sms', 6)`,
      ]);
      await migrate(store, migrations);
      expect(await store.queryColumn('SELECT phone_index FROM subjects ORDER BY id')).toEqual([
        'erased-suppressed:s1',
        'erased:s2',
        live,
      ]);
      expect((await store.queryColumn('SELECT phone_index FROM suppressions ORDER BY phone_index')).sort()).toEqual(
        [`erased:${suppressed.slice(0, 4)}`, live].sort(),
      );
    } finally {
      await store.close();
    }
  });
});
