// No step of an opt-in reads the whole outbox: the opt-in, its confirmation SMS, a resend to the same number (whose
// per-number limit counts the confirmation SMS already queued), its SMS, the resend the limit refuses, and the
// number's erasure by the retention job (which cancels its messages). Each statement they run is planned by
// SQLite here; an outbox that holds a year of campaigns must not be walked once per visitor.
import { createClient, type InStatement } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { count } from '../assertions.ts';
import { makeHarness, optIn, type Harness } from '../harness.ts';
import { frenchMobile, requestOptIn } from '../sms/fixtures.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const textOf = (s: InStatement | [string, unknown?] | string) =>
  typeof s === 'string' ? s : Array.isArray(s) ? s[0] : s.sql;

describe('the outbox', () => {
  it('is never scanned by an opt-in, a resend to the same number, their SMS, the resend the limit refuses or an erasure', async () => {
    const client = createClient({ url: ':memory:' });
    const seen = new Set<string>();
    const recording = new Proxy(client, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === 'execute')
          return (s: InStatement | string, args?: unknown) => {
            seen.add(textOf(s));
            return (value as (s: unknown, a?: unknown) => unknown).call(target, s, args);
          };
        if (key === 'batch')
          return (statements: InStatement[], mode?: unknown) => {
            for (const s of statements) seen.add(textOf(s));
            return (value as (s: unknown, m?: unknown) => unknown).call(target, statements, mode);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    h = await makeHarness({ store: libsqlStore(recording) });
    const phone = frenchMobile(3).national;
    await requestOptIn(h, phone);
    await h.flush();
    seen.clear(); // from here: a known number asks again
    h.advance(60_000);
    await requestOptIn(h, phone);
    await h.flush();
    // Until the per-number limit answers 429: its Retry-After reads the oldest confirmation SMS of the window.
    const statuses: number[] = [];
    for (let i = 0; i < 5 && !statuses.includes(429); i++) {
      h.advance(60_000);
      statuses.push((await optIn(h, phone)).status);
      await h.flush();
    }
    expect(statuses).toContain(429);
    // Never confirmed: its request expires, and 30 days later (the site's retention) the jobs erase the number, which cancels its
    // messages (up to 200 erasures a pass: each one walked the whole outbox).
    h.advance(3 * 86_400_000);
    await h.flush(); // its request expires (48 h)
    h.advance(31 * 86_400_000);
    await h.flush();
    expect(await count(h, 'SELECT COUNT(*) AS n FROM subjects WHERE erased_at IS NOT NULL')).toBe(1);

    const touching = [...seen].filter((sql) => /\boutbox\b/i.test(sql) && !/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(sql));
    // The resend's own statements are among them: the read that counts the number's confirmation SMS, the new one.
    expect(touching.some((sql) => /COUNT\(\*\) FROM outbox/i.test(sql))).toBe(true);
    expect(touching.some((sql) => /select MIN\("created_at"\) from "outbox"/i.test(sql))).toBe(true);
    expect(touching.some((sql) => /^update "outbox" set "body_ciphertext" = \?/i.test(sql))).toBe(true);
    for (const sql of touching) {
      const params = sql.match(/\?/g)?.length ?? 0;
      const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: Array(params).fill(null) });
      const details = plan.rows.map((r) => String(r.detail));
      expect(
        details.filter((d) => /^SCAN (o|outbox)\b/.test(d)),
        sql,
      ).toEqual([]);
    }
  });
});
