// Migrations: applied once, in order; a database a newer release migrated is refused, not served by older code.
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { migrate, NewerDatabaseError } from '../../worker/db/migrate.ts';
import { migrations } from '../../worker/generated/migrations.ts';

describe('migrate', () => {
  it('applies every migration once; a second run applies none', async () => {
    const store = libsqlStore(createClient({ url: ':memory:' }));
    expect(await migrate(store, migrations)).toEqual(migrations.map((m) => m.tag));
    expect(await migrate(store, migrations)).toEqual([]);
    store.close();
  });

  it('code that lacks a migration the database has (a rollback) stops, naming the newest one, and writes nothing', async () => {
    const store = libsqlStore(createClient({ url: ':memory:' }));
    await migrate(store, migrations);
    const older = migrations.slice(0, -2);
    const refused = migrate(store, older);
    await expect(refused).rejects.toBeInstanceOf(NewerDatabaseError);
    await expect(refused).rejects.toThrow(
      `the database was migrated by a newer release of Assent (migration ${migrations.at(-1)!.tag} and 1 more`,
    );
    expect(await store.queryColumn('SELECT count(*) FROM __assent_migrations')).toEqual([migrations.length]);
    store.close();
  });
});
