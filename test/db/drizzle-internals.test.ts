// The contract of drizzle-orm's internals that worker/db/drizzle-internals.ts relies on. An upgrade that changes how
// its batch reads a statement (`_prepare()` → getQuery, mapResult), how a prepared query keeps its SQL and
// placeholders, or that moves the version off the one checked here fails this test before it breaks a request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq, fillPlaceholders, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { batchItem, fillParams, preparedOf, type PreparedQuery } from '../../worker/db/drizzle-internals.ts';
import { bind } from '../../worker/db/prepared.ts';
import { leases } from '../../worker/db/schema.ts';
import type { Statement } from '../../worker/db/client.ts';

const store = libsqlStore(createClient({ url: ':memory:' }));
afterAll(async () => store.close());

describe('drizzle-orm internals', () => {
  it('is the version the adapter was written against', () => {
    const manifest = join(import.meta.dirname, '../../node_modules/drizzle-orm/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    // Re-read drizzle's session/batch code and this adapter before moving this line.
    expect(version).toMatch(/^0\.45\./);
  });

  it('prepares query builders and raw statements as the batch reads them, and runs our bound items', async () => {
    await store.execBatch([
      'CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)',
    ]);
    const insert = store.db.insert(leases).values({ name: 'a', owner: 'o', expiresAt: 1 });
    const prepared = preparedOf(insert);
    expect(typeof prepared.getQuery).toBe('function');
    expect(typeof prepared.mapResult).toBe('function');
    expect(prepared.getQuery().sql).toMatch(/^insert into "leases"/);
    expect(prepared.getQuery().params).toEqual(['a', 'o', 1]);
    expect(preparedOf(store.db.run(sql`SELECT 1`)).getQuery().sql).toBe('SELECT 1');

    // A query prepared once keeps placeholders; our batch item fills them per call, and the batch maps the rows.
    const select = store.db
      .select()
      .from(leases)
      .where(eq(leases.name, sql.placeholder('name')))
      .prepare() as unknown as PreparedQuery;
    expect(select.getQuery().params).toHaveLength(1);
    expect(preparedOf(batchItem(select, { name: 'a' })).getQuery().params).toEqual(['a']);
    const [, rows] = (await store.batch([insert as unknown as Statement, bind(store, select, { name: 'a' })])) as [
      unknown,
      unknown[],
    ];
    expect(rows).toEqual([{ name: 'a', owner: 'o', expiresAt: 1 }]);
  });

  it("fills a prepared query's parameters exactly as drizzle's fillPlaceholders does, and fails as it does", () => {
    // Placeholders bare (a select's where, a raw statement), inside a Param with its column (an insert's values),
    // and constants among them.
    const queries = [
      store.db
        .select()
        .from(leases)
        .where(eq(leases.name, sql.placeholder('name')))
        .limit(3)
        .prepare(),
      store.db
        .insert(leases)
        .values({ name: sql.placeholder('name'), owner: 'fixed', expiresAt: sql.placeholder('at') } as never)
        .prepare(),
      store.db.run(
        sql`UPDATE leases SET owner = ${sql.placeholder('owner')} WHERE expires_at > ${7} AND name = ${'x'}`,
      ),
    ] as unknown as PreparedQuery[];
    for (const values of [
      { name: 'a', at: 5, owner: 'o' },
      { name: '', at: 0, owner: null },
      { name: 'é😀', at: -1, owner: 'p', extra: 1 },
    ]) {
      for (const query of queries) {
        const { params } = query.getQuery();
        expect(fillParams(query, params, values)).toEqual(fillPlaceholders(params as never, values));
      }
    }
    const [select] = queries;
    expect(() => fillParams(select!, select!.getQuery().params, {})).toThrow('No value for placeholder "name"');
  });
});
