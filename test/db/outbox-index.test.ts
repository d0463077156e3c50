// Delivery reports find a sent message by (site, provider message id) through an index that holds sent messages only:
// an opt-in's queued confirmation SMS has no provider id yet, so its write skips that index (the jobs add the entry
// when they send it).
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';

describe('the outbox index of provider message ids', () => {
  it('holds sent messages only, and the delivery report lookup searches it', async () => {
    const client = createClient({ url: ':memory:' });
    try {
      await migrate(libsqlStore(client), migrations);
      const definition = await client.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'outbox_provider_message'",
      );
      expect(String(definition.rows[0]!.sql)).toMatch(/WHERE provider_message_id IS NOT NULL$/);
      // The lookup of db/outbox.ts (site, provider id, the delivery statuses it may move from).
      const plan = await client.execute({
        sql: `EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE site_id = ? AND provider_message_id = ?
          AND (delivery_status IS NULL OR delivery_status IN ('sent', 'queued'))`,
        args: ['demo', 'SM1'],
      });
      expect(plan.rows.map((r) => String(r.detail)).join(' | ')).toContain(
        'USING INDEX outbox_provider_message (site_id=? AND provider_message_id=?)',
      );
    } finally {
      client.close();
    }
  });
});
