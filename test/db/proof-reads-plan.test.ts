// A proof GET reads its consent's rows in one batch (db/proofs.ts); each read must be a search by key, never a walk
// of the site's log. With the (site_id, consent_id) index alone SQLite read a consent's leaves by walking the whole
// site's log in idx order (the primary key, to skip a sort), so a proof GET cost grew with the log: 2.4 ms a read at
// 5,500 leaves. The index now ends with idx, and serves both the search and the order.
import { createClient, type InStatement } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { proofsRepo } from '../../worker/db/proofs.ts';
import { migrations } from '../../worker/generated/migrations.ts';

describe("a proof's reads", () => {
  it('search every table by key, and find a consent’s leaves (and a key’s) by (site, consent) in log order', async () => {
    const client = createClient({ url: ':memory:' });
    try {
      await migrate(libsqlStore(client), migrations);
      const sent: InStatement[] = [];
      const spy = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'batch') {
            return (statements: InStatement[], mode?: 'write' | 'read' | 'deferred') => {
              sent.push(...statements);
              return target.batch(statements, mode);
            };
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await proofsRepo(libsqlStore(spy)).rows('c'.repeat(22), 'k'.repeat(22));
      expect(sent).toHaveLength(7);
      const plans: string[] = [];
      for (const statement of sent) {
        const { sql, args } = statement as { sql: string; args: never };
        const plan = await client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
        plans.push(plan.rows.map((r) => String(r.detail)).join(' | '));
      }
      for (const plan of plans) {
        expect(plan).not.toMatch(/\bSCAN\b/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
      const leafReads = plans.filter((p) => p.includes('log_leaves'));
      expect(leafReads).toHaveLength(2);
      for (const plan of leafReads) expect(plan).toContain('log_leaves_consent (site_id=? AND consent_id=?)');
    } finally {
      client.close();
    }
  });
});
