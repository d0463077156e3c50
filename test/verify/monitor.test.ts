// `assent monitor`: follows a log from its tiles pass after pass (first use trusts the server's key and says so, later
// passes read only new entries), and exits 1 printing both checkpoints when the operator rewrote its log (a second
// instance with the same keys and other leaves: same size, grown from a rewrite, shrunk), on a bad signature, a
// foreign origin or an entry that does not hash to the tree; --consent lists a consent's events; --watch repeats
// passes until one fails; usage errors exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNoteKeys } from '../../worker/crypto/note.ts';
import type { CliIo } from '../../worker/verify/cli.ts';
import { runMonitor } from '../../worker/verify/monitor-cli.ts';
import { makeHarness, type Harness } from '../harness.ts';
import { growLog } from '../log/fill.ts';

const LOG = 'https://assent.test/log/demo';

/** The monitor's I/O against one app (every URL answered by it), files in memory. */
function ioFor(
  app: Harness['app'],
  files: Map<string, string>,
  tamper?: (url: string, bytes: Uint8Array) => Uint8Array,
) {
  const out: string[] = [];
  const io: CliIo = {
    fetch: (async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      const res = await app.request(url);
      if (!tamper || !res.ok) return res;
      return new Response(tamper(url, new Uint8Array(await res.arrayBuffer())) as Uint8Array<ArrayBuffer>, {
        status: res.status,
        headers: res.headers,
      });
    }) as typeof fetch,
    readFile: async (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    writeFile: async (path, text) => void files.set(path, text),
    stdout: (line) => out.push(line),
    stderr: (line) => out.push(line),
  };
  return { io, out };
}

async function monitor(
  app: Harness['app'],
  files: Map<string, string>,
  args: string[] = [],
  tamper?: Parameters<typeof ioFor>[2],
) {
  const { io, out } = ioFor(app, files, tamper);
  const code = await runMonitor([LOG, '--state', 'state.json', ...args], io);
  return { code, text: out.join('\n') };
}

const size = async (h: Harness) => (await h.ctx.log.head('demo'))?.size ?? 0;
/** Leaves appended, integrated or not (a fresh instance has leaves of its own before its first integration). */
const leaves = async (h: Harness) => (await h.ctx.log.leavesFrom('demo', 0, 1_000_000)).length;

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
  await growLog(h, 400);
});
afterAll(async () => h.close());

describe('assent monitor', () => {
  it('follows a growing log: all entries on first use (trusting the served key, saying so), then only the new ones', async () => {
    const files = new Map<string, string>();
    const first = await monitor(h.app, files);
    expect(first.code, first.text).toBe(0);
    expect(first.text).toContain('(from the server, trusted on first use');
    expect(first.text).toContain(`✓ tree: all ${await size(h)} entries read`);
    const saved = JSON.parse(files.get('state.json')!) as { checkpoint: string; edge: string[]; verifierKey: string };
    expect(saved.checkpoint).toBe(await (await h.app.request('/log/demo/checkpoint')).text());

    const before = await size(h);
    await growLog(h, 300);
    const second = await monitor(h.app, files);
    expect(second.code, second.text).toBe(0);
    expect(second.text).toContain(`(from state.json, trusted since its first pass)`);
    expect(second.text).toContain(`✓ consistent: size ${before} → ${before + 300}, 300 entries read`);
    const again = await monitor(h.app, files);
    expect(again.text).toContain(`size ${before + 300} → ${before + 300}, 0 entries read`);
  });

  it('a log rewritten by its operator (same keys and origin, other leaves) is a fork, with both checkpoints printed', async () => {
    const files = new Map<string, string>();
    expect((await monitor(h.app, files)).code).toBe(0);
    const seen = await size(h);
    const ours = files.get('state.json')!;
    const fork = await makeHarness();
    try {
      // The same size, another tree.
      await growLog(fork, seen - (await leaves(fork)));
      expect(await size(fork)).toBe(seen);
      const same = await monitor(fork.app, files);
      expect(same.code).toBe(1);
      expect(same.text).toContain(`✗ fork: two different trees of ${seen} entries, both signed`);
      expect(same.text).toContain('  saved checkpoint:');
      expect(same.text).toContain('  served checkpoint:');
      expect(same.text).toContain(`    ${JSON.parse(ours).checkpoint.split('\n')[2]}`);
      expect(same.text).toMatch(/FORK: /);
      // The rewritten log grows on: the new entries do not lead from the saved tree to its root.
      await growLog(fork, 10);
      const grown = await monitor(fork.app, files);
      expect(grown.code).toBe(1);
      expect(grown.text).toContain('do not lead from the saved tree to the served root');
      // Reading everything again (--consent) finds where it parts from the saved tree.
      const full = await monitor(fork.app, files, ['--consent', 'Cn00000000000000000001']);
      expect(full.code).toBe(1);
      expect(full.text).toContain(`the entries give another tree of ${seen} entries than the saved checkpoint`);
      // The state file still holds what was verified.
      expect(files.get('state.json')).toBe(ours);
    } finally {
      await fork.close();
    }
  });

  it('a log that shrank is a fork', async () => {
    const files = new Map<string, string>();
    expect((await monitor(h.app, files)).code).toBe(0);
    const fork = await makeHarness();
    try {
      await growLog(fork, 5);
      const shrunk = await monitor(fork.app, files);
      expect(shrunk.code).toBe(1);
      expect(shrunk.text).toContain(`✗ fork: the log shrank from ${await size(h)} to ${await size(fork)} entries`);
    } finally {
      await fork.close();
    }
  });

  it('a checkpoint that does not verify with the pinned key, or was altered, fails with the checkpoint shown', async () => {
    const other = await generateNoteKeys('assent.test/log/demo');
    const pinned = await monitor(h.app, new Map(), ['--log-key', other.verifierKey]);
    expect(pinned.code).toBe(1);
    expect(pinned.text).toContain('(pinned with --log-key)');
    expect(pinned.text).toContain('✗ signature: the checkpoint does not verify with');
    expect(pinned.text).toContain('  served checkpoint:');

    const files = new Map<string, string>();
    expect((await monitor(h.app, files)).code).toBe(0);
    const altered = await monitor(h.app, files, [], (url, bytes) => {
      if (!url.endsWith('/checkpoint')) return bytes;
      const lines = new TextDecoder().decode(bytes).split('\n');
      lines[1] = String(Number(lines[1]) + 1);
      return new TextEncoder().encode(lines.join('\n'));
    });
    expect(altered.code).toBe(1);
    expect(altered.text).toContain('✗ signature:');
  });

  it('an entry that does not hash to the tree, or a log under another origin, fails', async () => {
    const tampered = await monitor(h.app, new Map(), [], (url, bytes) => {
      if (!url.includes('/tile/entries/001')) return bytes;
      const copy = bytes.slice();
      copy[40] = copy[40]! ^ 1;
      return copy;
    });
    expect(tampered.code).toBe(1);
    expect(tampered.text).toMatch(/✗ entries: entry 2\d\d does not hash to the level-0 tile's hash/);

    const { io, out } = ioFor(h.app, new Map());
    expect(await runMonitor(['https://elsewhere.test/log/demo', '--state', 's.json'], io)).toBe(1);
    expect(out.join('\n')).toContain(
      '✗ origin: the checkpoint names origin assent.test/log/demo, not elsewhere.test/log/demo',
    );
  });

  it('--consent lists every event of that consent with its index, type and time', async () => {
    const site = await makeHarness();
    try {
      const base = await leaves(site);
      await growLog(site, 30, {
        consentOf: (i) => (i % 10 === 4 ? 'CnWatched0000000000000' : `CnOther${String(i).padStart(15, '0')}`),
      });
      const listed = await monitor(site.app, new Map(), ['--consent', 'CnWatched0000000000000']);
      expect(listed.code, listed.text).toBe(0);
      const rows = await site.ctx.events.leavesForConsent('demo', 'CnWatched0000000000000');
      expect(rows.map((r) => r.idx)).toEqual([base + 4, base + 14, base + 24]);
      expect(listed.text).toContain('i consent CnWatched0000000000000: 3 events');
      for (const row of rows)
        expect(listed.text).toContain(`  #${row.idx} requested ${(JSON.parse(row.leaf) as { at: string }).at}`);
    } finally {
      await site.close();
    }
  });

  it('--watch runs a pass every so many seconds until one fails', async () => {
    const files = new Map<string, string>();
    let checkpoints = 0;
    const { io, out } = ioFor(h.app, files, (url, bytes) => {
      if (!url.endsWith('/checkpoint') || ++checkpoints < 2) return bytes;
      return new TextEncoder().encode(
        new TextDecoder().decode(bytes).replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`),
      );
    });
    const started = Date.now();
    expect(await runMonitor([LOG, '--state', 'state.json', '--watch', '1'], io)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const text = out.join('\n');
    expect(text.match(/^OK: /gm)).toHaveLength(1);
    expect(text).toContain('✗ signature:');
    expect(text).toContain('and pass it with --log-key');
  });

  it('usage errors exit 2', async () => {
    for (const args of [
      [],
      ['not a url'],
      ['https://assent.test/p/demo'],
      [LOG, '--nope'],
      [LOG, '--watch', '0'],
      [LOG, '--state'],
    ]) {
      const { io, out } = ioFor(h.app, new Map());
      expect(await runMonitor(args, io), args.join(' ')).toBe(2);
      expect(out.join('\n')).toContain('Usage: assent monitor');
    }
  });
});
