// The pages an opt-in writes to the WAL (each one written and fsynced by its commit): with ids ordered by creation
// time and stand-ins ordered like them, the indexes keyed by them take a commit's new entries on shared pages. With
// random ids (the layout before) the same run wrote 19 pages per opt-in at this size (23 after 10,000); now 10.
import { describe, expect, it } from 'vitest';
import { measureWalPages } from './wal-pages.ts';

describe('WAL pages per opt-in', () => {
  it('stays within its budget: at most 12 pages per opt-in after 2,000 opt-ins, 10 per commit', async () => {
    const m = await measureWalPages({ seed: 2000, optIns: 300 });
    expect(m.commits).toBe(30);
    expect(m.pagesPerOptIn).toBeLessThanOrEqual(12);
  }, 120_000);
});
