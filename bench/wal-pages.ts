// Database pages written per opt-in: what a commit costs under synchronous=FULL is mostly the WAL it writes and
// fsyncs, and that is pages, a count that does not depend on the machine's load. The real app on an embedded file
// (the Node server's file client, its pragmas, group commit), automatic checkpoints off so the WAL only grows: seeds
// `WAL_SEED` opt-ins (b-trees of a realistic depth), then sends `WAL_OPT_INS` more, 10 at a time (groups as the
// group commit forms them), each a distinct number from a distinct address, and prints the WAL frames (pages) and
// bytes written per opt-in and per commit. Run: `npx tsx bench/wal-pages.ts`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupCommit } from '../worker/db/group-commit.ts';
import { applyFilePragmas, libsqlStore } from '../worker/db/libsql.ts';
import { fileClient } from '../worker/db/libsql-file.ts';
import { ADMIN_TOKEN, appWithTestIp, json, makeHarness, widgetFor } from '../test/harness.ts';

const SEED = Number(process.env.WAL_SEED ?? 5000);
const MEASURED = Number(process.env.WAL_OPT_INS ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'assent-wal-'));
const path = join(dir, 'assent.db');
const client = fileClient(path, { timeout: 5000 });
await applyFilePragmas(client);
await client.execute('PRAGMA wal_autocheckpoint=0');
let commits = 0;
const counted = {
  ...client,
  batch: (...args: Parameters<typeof client.batch>) => {
    commits++;
    return client.batch(...args);
  },
} as typeof client;
const store = groupCommit(libsqlStore(counted));
const h = await makeHarness({ store, mode: 'production', sealer: 'node' });
const app = appWithTestIp(h);
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const site = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as {
  config: { limits?: Record<string, number> };
};
const limits = { ...site.config.limits, perIpPerHour: 10_000, perSitePerDay: 10_000_000 };
await h.app.request('/v1/sites/demo', {
  method: 'PUT',
  headers: { ...auth, 'content-type': 'application/json' },
  body: JSON.stringify({ ...site.config, limits }),
});
const doc = await widgetFor(h);

let n = 0;
async function optIns(count: number) {
  for (let done = 0; done < count; done += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - done) }, async () => {
        const i = n++;
        // The clock moves as a server's would at 1,000 opt-ins a second (the harness's clock stands still otherwise).
        h.advance(1);
        const phone = `06${String(10_000_000 + i).slice(-8)}`;
        const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        const res = await app.request(
          '/v1/sites/demo/consents',
          json({ phone, choice: 'yes', ...doc }, { 'x-test-ip': ip }),
        );
        if (res.status !== 202) throw new Error(`opt-in ${i}: ${res.status} ${await res.text()}`);
      }),
    );
  }
}

const walBytes = () => statSync(`${path}-wal`).size;
await optIns(SEED);
await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
const before = walBytes();
const commitsBefore = commits;
await optIns(MEASURED);
const bytes = walBytes() - before;
const frames = bytes / (4096 + 24);
const made = commits - commitsBefore;
console.log(
  `seeded ${SEED} opt-ins, measured ${MEASURED} in ${made} commits (${(MEASURED / made).toFixed(1)} per commit)`,
);
console.log(
  `WAL: ${(frames / MEASURED).toFixed(1)} pages per opt-in, ${(frames / made).toFixed(0)} per commit, ${(bytes / MEASURED / 1024).toFixed(1)} KiB per opt-in`,
);
console.log(
  JSON.stringify({ seed: SEED, optIns: MEASURED, commits: made, pagesPerOptIn: +(frames / MEASURED).toFixed(2) }),
);
await h.close();
rmSync(dir, { recursive: true, force: true });
