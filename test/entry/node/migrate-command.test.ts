// `npm run db:migrate`: one line and an exit code, never a stack trace; no secret asked for or generated.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDataDir } from '../../../worker/entry/node/load-env.ts';
import { migrateCommand } from '../../../worker/entry/node/migrate-command.ts';

describe('migrateCommand', () => {
  it('migrates the data dir’s file in production mode without the server’s secrets, and again on the same file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'assent-migrate-')), 'data');
    const raw = { ASSENT_MODE: 'production', ASSENT_DATA_DIR: dir };
    expect(await migrateCommand(raw)).toEqual({ code: 0, line: 'migrations applied' });
    expect(await migrateCommand(raw)).toEqual({ code: 0, line: 'migrations applied' });
    expect(readdirSync(dir).filter((f) => !f.startsWith('assent.db'))).toEqual([]); // no dev-secrets.json
  });

  it('a database that cannot be opened is one line naming it', async () => {
    const { code, line } = await migrateCommand({ ASSENT_DB_URL: 'file:/nonexistent-dir/x.db' });
    expect(code).toBe(1);
    expect(line).toMatch(/^Could not migrate: .*\/nonexistent-dir\/x\.db/);
    expect(line).not.toContain('\n');
  });

  it('a data dir that cannot be made (under /proc, where a recursive mkdir never returns) is one line naming it', async () => {
    const { code, line } = await migrateCommand({ ASSENT_DATA_DIR: '/proc/assent-data/nested' });
    expect(code).toBe(1);
    expect(line).toMatch(/^ASSENT_DATA_DIR \/proc\/assent-data\/nested cannot be made \(\w+ at \/proc\/assent-data\)/);
    const made = join(mkdtempSync(join(tmpdir(), 'assent-migrate-')), 'a', 'b', 'c');
    makeDataDir(made);
    expect(existsSync(made)).toBe(true);
    makeDataDir(made); // already there: nothing to do
  }, 5000);

  it('an invalid variable is named, as at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assent-migrate-'));
    const { code, line } = await migrateCommand({ ASSENT_DATA_DIR: dir, ASSENT_TRUST_PROXY: 'yes' });
    expect(code).toBe(1);
    expect(line).toMatch(/^Invalid environment:\n {2}ASSENT_TRUST_PROXY: /);
    expect(existsSync(join(dir, 'assent.db'))).toBe(false);
  });
});
