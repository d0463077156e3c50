// Database pages an opt-in writes, measured: under synchronous=FULL a commit costs mostly the WAL it writes and
// fsyncs, and that is pages, a count that does not depend on the machine's load (bench/wal-pages.ts prints it,
// wal-pages.test.ts holds its budget). The real app on an embedded file (the Node server's file client, its pragmas,
// group commit) with automatic checkpoints off, so the WAL only grows: `seed` opt-ins first (b-trees of some
// depth), then `optIns` more, 10 at a time (groups as the group commit forms them), each a distinct number from a
// distinct address, the clock moving 1 ms per opt-in as a server's would at 1,000 a second.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupCommit } from '../../worker/db/group-commit.ts';
import { applyFilePragmas, libsqlStore } from '../../worker/db/libsql.ts';
import { fileClient } from '../../worker/db/libsql-file.ts';
import { ADMIN_TOKEN, appWithTestIp, json, makeHarness, widgetFor } from '../harness.ts';

/** SQLite's WAL frame: a 24-byte header and one page (4,096 bytes, the default page size). */
const FRAME = 24 + 4096;

export interface WalPages {
  optIns: number;
  commits: number;
  pagesPerOptIn: number;
  pagesPerCommit: number;
}

export async function measureWalPages(options: { seed: number; optIns: number }): Promise<WalPages> {
  const dir = mkdtempSync(join(tmpdir(), 'assent-wal-'));
  const path = join(dir, 'assent.db');
  const client = fileClient(path, { timeout: 5000 });
  try {
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
    const h = await makeHarness({ store: groupCommit(libsqlStore(counted)), mode: 'production', sealer: 'node' });
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
    const optIns = async (count: number) => {
      for (let done = 0; done < count; done += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, count - done) }, async () => {
            const i = n++;
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
    };
    await optIns(options.seed);
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    const walBytes = () => statSync(`${path}-wal`).size;
    const before = walBytes();
    const commitsBefore = commits;
    await optIns(options.optIns);
    const pages = (walBytes() - before) / FRAME;
    const made = commits - commitsBefore;
    return {
      optIns: options.optIns,
      commits: made,
      pagesPerOptIn: pages / options.optIns,
      pagesPerCommit: pages / made,
    };
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
