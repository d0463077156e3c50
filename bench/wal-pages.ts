// Database pages written per opt-in (test/storage/wal-pages.ts measures them; wal-pages.test.ts holds the budget):
// `WAL_SEED` opt-ins first (default 10,000), then `WAL_OPT_INS` (1,000) measured. Run: `npx tsx bench/wal-pages.ts`.
import { measureWalPages } from '../test/storage/wal-pages.ts';

const seed = Number(process.env.WAL_SEED ?? 10_000);
const optIns = Number(process.env.WAL_OPT_INS ?? 1000);
const m = await measureWalPages({ seed, optIns });
console.log(
  `seeded ${seed} opt-ins, measured ${optIns} in ${m.commits} commits (${(optIns / m.commits).toFixed(1)} per commit)`,
);
console.log(
  `WAL: ${m.pagesPerOptIn.toFixed(1)} pages per opt-in, ${m.pagesPerCommit.toFixed(0)} per commit, ${((m.pagesPerOptIn * 4096) / 1024).toFixed(1)} KiB of pages per opt-in`,
);
console.log(JSON.stringify({ seed, ...m }));
