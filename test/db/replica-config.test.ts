// Embedded-replica configuration is checked at start (replication itself is not exercised by any test here: no
// server in this repository speaks the sync protocol).
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../worker/env.ts';

describe('embedded replica settings', () => {
  it('accept a file: replica of a libsql:// or https:// database, or the default file', () => {
    expect(
      parseEnv({ ASSENT_DB_URL: 'file:/var/lib/assent/replica.db', ASSENT_DB_SYNC_URL: 'libsql://db.example.turso.io' })
        .ASSENT_DB_SYNC_URL,
    ).toBe('libsql://db.example.turso.io');
    expect(parseEnv({ ASSENT_DB_SYNC_URL: 'https://db.example.com' }).ASSENT_DB_SYNC_URL).toBe(
      'https://db.example.com',
    );
  });

  it('refuse a sync URL that is not a remote database URL, naming the variable', () => {
    for (const bad of ['file:/tmp/x.db', 'db.example.turso.io', 'ftp://x', 'libsql://']) {
      expect(() => parseEnv({ ASSENT_DB_SYNC_URL: bad })).toThrow(
        /ASSENT_DB_SYNC_URL: must be the remote database's libsql:\/\/ or https:\/\/ URL/,
      );
    }
  });

  it('refuse a replica whose local side is not a file', () => {
    expect(() =>
      parseEnv({ ASSENT_DB_URL: 'libsql://db.example.turso.io', ASSENT_DB_SYNC_URL: 'libsql://db.example.turso.io' }),
    ).toThrow(EnvError);
    expect(() =>
      parseEnv({ ASSENT_DB_URL: 'https://db.example.com', ASSENT_DB_SYNC_URL: 'libsql://db.example.turso.io' }),
    ).toThrow(/ASSENT_DB_URL must be a file: URL/);
  });
});
