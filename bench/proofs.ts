// Proof and log costs through the real app on a libSQL file at 10^5 and 10^6 leaves: proof JSON GET rate, log
// append rate (events.append + integrate, and whole opt-ins), log_nodes rows read per operation, and the 10^6 / 10^5
// ratios (O(log n) storage predicts ~1.2x, not 10x). Run: npx tsx bench/proofs.ts
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client, type InStatement } from '@libsql/client';
import { contextFromDeps, createApp, type AppDeps } from '../worker/app.ts';
import { fromBase64, toBase64 } from '../worker/crypto/encoding.ts';
import { signingKeysFrom } from '../worker/crypto/keys.ts';
import { rangeKeys } from '../worker/crypto/merkle.ts';
import { createSealer } from '../worker/crypto/sealing.ts';
import { generateSigningKey, publicJwks } from '../worker/crypto/signing.ts';
import { signCheckpoint } from '../worker/crypto/note.ts';
import { applyFilePragmas, libsqlStore } from '../worker/db/libsql.ts';
import { migrate } from '../worker/db/migrate.ts';
import { ensureDemoSite } from '../worker/domain/dev/demo-site.ts';
import { newEvent } from '../worker/domain/proof-log/events.ts';
import { catchUp, integrate, logOrigin, logSigner, verifierKey } from '../worker/domain/proof-log/transparency-log.ts';
import { migrations } from '../worker/generated/migrations.ts';
import { policyTemplates } from '../worker/generated/policy-templates.ts';
import { createJobs } from '../worker/jobs.ts';
import { silentLogger } from '../worker/logger.ts';
import { createConsoleProvider, memoryDevOutbox } from '../worker/sms/providers/console.ts';
import { providerRouter } from '../worker/sms/router.ts';
import { allPassed, verifyProof } from '../worker/verify/verify-proof.ts';
import type { Statement } from '../worker/db/client.ts';

const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [100_000, 1_000_000];
const PROOF_SECONDS = 3;
const APPENDS = 200; // events.append + integrate, one at a time (or APPEND_SECONDS, whichever comes first)
const OPT_INS = 60; // whole opt-ins through the app, one at a time (same time bound)
const APPEND_SECONDS = 6;
const SITE = 'demo';

// ---- counting reads: every query the app runs goes through this client -------------------------------------------
const counts = { nodeRows: 0, nodeQueries: 0, queries: 0 };
/** The log_nodes statements seen since the last reset, to ask SQLite how it runs them. */
let nodeStatements: InStatement[] = [];
/** BENCH_PROFILE=1: milliseconds spent per statement shape during the timed proof GETs. */
const PROFILE = process.env.BENCH_PROFILE === '1';
const profile = new Map<string, number>();
/**
 * BENCH_FIXES=1 shows what two query fixes would give, same arguments: (1) the node lookup
 * `site_id = ? AND ((level = ? AND idx = ?) OR …)` becomes `site_id = ? AND (level, idx) IN (VALUES (?, ?), …)`
 * (SQLite plans the OR form as a scan of the whole site once it has three keys or more); (2) a consent's leaves
 * are ordered by `+idx`, so the planner uses the (site_id, consent_id) index instead of walking the primary key
 * of the whole site to avoid a sort.
 */
const FIXES = process.env.BENCH_FIXES === '1';
const CONSENT_LEAVES =
  /(from "log_leaves" where \("log_leaves"\."site_id" = \? and "log_leaves"\."consent_id" = \?\) order by )("log_leaves"\."idx" asc)$/;
const OR_LOOKUP =
  /^select "site_id", "level", "idx", "hash" from "log_nodes" where \("log_nodes"\."site_id" = \? and \((.*)\)\)$/;
function rewrite(s: InStatement): InStatement {
  if (!FIXES || typeof s === 'string') return s;
  if (CONSENT_LEAVES.test(s.sql)) return { sql: s.sql.replace(CONSENT_LEAVES, '$1+$2'), args: s.args };
  const match = OR_LOOKUP.exec(s.sql);
  if (!match) return s;
  const keys = (match[1]!.match(/"level" = \?/g) ?? []).length;
  const values = Array.from({ length: keys }, () => '(?, ?)').join(', ');
  return {
    sql: `select "site_id", "level", "idx", "hash" from "log_nodes" where "site_id" = ? and ("level", "idx") in (values ${values})`,
    args: s.args,
  };
}

function counted(client: Client): Client {
  const sqlOf = (s: InStatement) => (typeof s === 'string' ? s : s.sql);
  const note = (s: InStatement, rows: number) => {
    counts.queries++;
    if (/from "log_nodes"/i.test(sqlOf(s))) {
      counts.nodeQueries++;
      counts.nodeRows += rows;
      if (nodeStatements.length < 100) nodeStatements.push(s);
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return async (input: InStatement) => {
          const s = rewrite(input);
          const t = performance.now();
          const result = await target.execute(s);
          if (PROFILE)
            profile.set(sqlOf(s).slice(0, 160), (profile.get(sqlOf(s).slice(0, 160)) ?? 0) + performance.now() - t);
          note(s, result.rows.length);
          return result;
        };
      }
      if (prop === 'batch') {
        return async (input: InStatement[], mode?: Parameters<Client['batch']>[1]) => {
          const stmts = input.map(rewrite);
          const results = await target.batch(stmts, mode);
          stmts.forEach((s, i) => {
            note(s, results[i]?.rows.length ?? 0);
          });
          return results;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// ---- the app on a temp file, opened like the Node entry opens it -------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'assent-bench-proofs-'));
const file = join(dir, 'assent.db');
const raw = createClient({ url: `file:${file}`, concurrency: 1, timeout: 5000 });
await applyFilePragmas(raw);
const store = libsqlStore(counted(raw));
await migrate(store, migrations);
const outbox = memoryDevOutbox();
const keys = await signingKeysFrom(JSON.stringify(await generateSigningKey()));
const deps: AppDeps = {
  store,
  sealer: await createSealer({
    masterKey: crypto.getRandomValues(new Uint8Array(32)),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  }),
  mode: 'dev',
  publicUrl: 'https://assent.test',
  adminToken: null,
  keys,
  providerFor: providerRouter({ console: createConsoleProvider({ outbox, print: () => {} }) }),
  logger: silentLogger,
  devOutbox: outbox,
  clientIp: (c) => c.req.header('x-bench-ip'),
};
const { ctx } = contextFromDeps(deps);
await ensureDemoSite(ctx, policyTemplates);
const app = createApp(deps);
const jobs = createJobs(deps);
const widget = (await (await app.request(`/v1/sites/${SITE}/widget?locale=fr`)).json()) as {
  textSha256: string;
  policy: { version: number };
};

// ---- the tree in memory: one slab of 32-byte hashes per level, RFC 9162 hashing with node:crypto -------------------
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const levels: Buffer[] = [Buffer.alloc(0)];
let memSize = 0;
const complete = (size: number, level: number) => Math.floor(size / 2 ** level);
const nodeAt = (level: number, index: number) => levels[level]!.subarray(index * 32, index * 32 + 32);

function grow(level: number, count: number) {
  const slab = levels[level] ?? Buffer.alloc(0);
  if (slab.length >= count * 32) return;
  const next = Buffer.alloc(Math.max(count, (slab.length / 32) * 2) * 32);
  slab.copy(next);
  levels[level] = next;
}

/** Adds leaf hashes at memSize.. and computes every subtree they complete. */
function extend(leafHashes: Buffer[]) {
  const from = memSize;
  const to = from + leafHashes.length;
  grow(0, to);
  leafHashes.forEach((h, i) => {
    h.copy(levels[0]!, (from + i) * 32);
  });
  for (let level = 1; 2 ** level <= to; level++) {
    grow(level, complete(to, level));
    for (let i = complete(from, level); i < complete(to, level); i++) {
      const pair = levels[level - 1]!.subarray(i * 64, i * 64 + 64);
      createHash('sha256')
        .update(NODE)
        .update(pair)
        .digest()
        .copy(levels[level]!, i * 32);
    }
  }
  memSize = to;
}

function memRoot(size: number): Buffer {
  const parts = rangeKeys(0, size).map((k) => nodeAt(k.level, k.index));
  let acc = parts.at(-1)!;
  for (let i = parts.length - 2; i >= 0; i--)
    acc = createHash('sha256').update(NODE).update(parts[i]!).update(acc).digest();
  return acc;
}

async function insertMany(table: string, columns: string[], rows: unknown[][], orIgnore = false) {
  const per = 400;
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const values = chunk.map(() => `(${columns.map(() => '?').join(',')})`).join(',');
    statements.push({
      sql: `INSERT ${orIgnore ? 'OR IGNORE ' : ''}INTO ${table} (${columns.join(',')}) VALUES ${values}`,
      args: chunk.flat() as never,
    });
  }
  for (let i = 0; i < statements.length; i += 100) await raw.batch(statements.slice(i, i + 100), 'write');
}

/**
 * Brings the site's log to `target` leaves: integrates what the app appended, loads those leaf hashes, adds
 * synthetic leaves (consent ids that exist only in the log), stores their subtree nodes and moves the head by CAS
 * with a checkpoint signed by the app's own log signer.
 */
async function fillTo(target: number) {
  const head = await catchUp(ctx, SITE);
  const known = await ctx.log.leavesFrom(SITE, memSize, head.size);
  extend(known.map((l) => Buffer.from(fromBase64(l.leafHash))));
  const start = memSize;
  const leaves: unknown[][] = [];
  const hashes: Buffer[] = [];
  const at = new Date(Date.now() - 86_400_000).toISOString();
  for (let i = start; i < target; i++) {
    // Keys in RFC 8785 order and ASCII values: this text is the leaf's JCS form.
    const text = `{"at":"${at}","consentId":"syn${i}","id":"synev${i}","site":"${SITE}","type":"requested","v":1}`;
    const hash = createHash('sha256').update(LEAF).update(text).digest();
    hashes.push(hash);
    leaves.push([SITE, i, `synev${i}`, `syn${i}`, text, hash.toString('base64')]);
  }
  extend(hashes);
  await insertMany('log_leaves', ['site_id', 'idx', 'event_id', 'consent_id', 'leaf', 'leaf_hash'], leaves);
  const nodes: unknown[][] = [];
  for (let level = 0; 2 ** level <= target; level++) {
    for (let i = complete(head.size, level); i < complete(target, level); i++)
      nodes.push([SITE, level, i, nodeAt(level, i).toString('base64')]);
  }
  await insertMany('log_nodes', ['site_id', 'level', 'idx', 'hash'], nodes, true);
  const rootHash = memRoot(target);
  const checkpoint = await signCheckpoint(
    { origin: logOrigin(ctx, SITE), size: target, rootHash },
    await logSigner(ctx, SITE),
  );
  await store.batch([
    ctx.log.advanceHead(SITE, head.size, {
      size: target,
      rootHash: toBase64(rootHash),
      checkpoint,
      updatedAt: Date.now(),
    }),
  ]);
  const moved = await ctx.log.head(SITE);
  if (moved?.size !== target) throw new Error(`head did not move to ${target}`);
  return { leaves: leaves.length, nodes: nodes.length };
}

// ---- the real path ------------------------------------------------------------------------------------------------
let phoneSeq = 0;
const nextPhone = () => {
  const i = phoneSeq++;
  return `06 10 ${String(Math.floor(i / 10_000) % 100).padStart(2, '0')} ${String(Math.floor(i / 100) % 100).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;
};
async function optIn(phone: string): Promise<string> {
  const res = await app.request(`/v1/sites/${SITE}/consents`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bench-ip': `10.9.${phoneSeq % 250}.${Math.floor(phoneSeq / 250) % 250}`,
    },
    body: JSON.stringify({
      phone,
      choice: 'yes',
      locale: 'fr',
      textSha256: widget.textSha256,
      policyVersion: widget.policy.version,
    }),
  });
  if (res.status !== 202) throw new Error(`opt-in ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { consentId: string }).consentId;
}

/** A real consent whose requested and confirmed leaves are the last two of the log. */
async function realConsent(): Promise<{ consentId: string; jobsMs: number }> {
  const phone = nextPhone();
  const consentId = await optIn(phone);
  const e164 = `+33${phone.replace(/\s/g, '').slice(1)}`;
  const sentTo = () =>
    outbox
      .list()
      .filter((m) => m.to === e164)
      .at(-1);
  // Earlier opt-ins left confirmations queued; a pass sends a bounded number, so run until ours has left.
  await jobs.run();
  // The jobs' question "which sites have leaves to integrate?", asked on every pass.
  const t = performance.now();
  await ctx.log.sitesBehind();
  const jobsMs = performance.now() - t;
  for (let pass = 0; pass < 50 && !sentTo(); pass++) await jobs.run();
  const message = sentTo();
  const token = message && /\/c\/([A-Za-z0-9_-]{43})/.exec(message.body)?.[1];
  if (!token) throw new Error('no confirmation link');
  const res = await app.request(`/c/${token}`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`confirm ${res.status}`);
  return { consentId, jobsMs };
}

/**
 * log_nodes rows SQLite visits for the statements seen: a point lookup per key when the plan searches on
 * (site_id, level, idx); every node of the site when it searches on site_id alone (the OR form past two keys).
 */
async function rowsVisited(statements: InStatement[]): Promise<{ visited: number; plans: Set<string> }> {
  const siteNodes = Number(
    (await raw.execute({ sql: 'SELECT count(*) FROM log_nodes WHERE site_id = ?', args: [SITE] })).rows[0]![0],
  );
  let visited = 0;
  const plans = new Set<string>();
  for (const s of statements) {
    const stmt = typeof s === 'string' ? { sql: s, args: [] } : s;
    const plan = (await raw.execute({ sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, args: stmt.args as never })).rows.map(
      (r) => String(r.detail),
    );
    const pointLookup = plan.some((d) => d.includes('level=? AND idx=?'));
    const keys = ((stmt.args as unknown[]).length - 1) / 2;
    visited += pointLookup ? keys : siteNodes;
    plans.add(`${keys} keys: ${plan.join(' | ')}`);
  }
  return { visited, plans };
}

interface Figures {
  size: number;
  fillMs: number;
  proofRate: number;
  proofMs: number;
  nodeRowsPerProof: number;
  nodeQueriesPerProof: number;
  nodesVisitedPerProof: number;
  inclusionLength: number;
  appendRate: number;
  nodeRowsPerAppend: number;
  optInRate: number;
  jobsMs: number;
}

async function measure(target: number): Promise<Figures> {
  const t0 = performance.now();
  const filled = await fillTo(target - 2);
  const fillMs = performance.now() - t0;
  const { consentId, jobsMs } = await realConsent();

  // (a) proof JSON GET
  const get = async () => {
    const res = await app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`proof ${res.status}`);
    return res.json() as Promise<{ log: { checkpoint: string; entries: { index: number; inclusion: string[] }[] } }>;
  };
  await catchUp(ctx, SITE); // the jobs' work: the two real leaves get into a checkpoint
  const proof = await get();
  const checks = await verifyProof({
    proof,
    jwks: publicJwks(keys.ring),
    verifierKey: await verifierKey(ctx, SITE),
    origin: logOrigin(ctx, SITE),
  });
  if (!allPassed(checks)) throw new Error(`proof does not verify: ${JSON.stringify(checks.filter((c) => !c.ok))}`);
  const indices = proof.log.entries.map((e) => e.index);
  for (let i = 0; i < 3; i++) await get();
  Object.assign(counts, { nodeRows: 0, nodeQueries: 0 });
  nodeStatements = [];
  await get();
  const proofPlan = await rowsVisited(nodeStatements);
  Object.assign(counts, { nodeRows: 0, nodeQueries: 0 });
  profile.clear();
  let n = 0;
  const started = performance.now();
  while (n < 3 || performance.now() - started < PROOF_SECONDS * 1000) {
    await get();
    n++;
  }
  const proofElapsed = performance.now() - started;
  const nodeRowsPerProof = counts.nodeRows / n;
  if (PROFILE) {
    for (const [sql, ms] of [...profile].sort((a, b) => b[1] - a[1]).slice(0, 5))
      console.log(`    ${(ms / n).toFixed(2)} ms/proof  ${sql}`);
  }
  const nodeQueriesPerProof = counts.nodeQueries / n;

  // (b) log append: the domain path (event + leaf in one batch, then integrate and sign a checkpoint)
  Object.assign(counts, { nodeRows: 0, nodeQueries: 0 });
  const a0 = performance.now();
  let appended = 0;
  for (; appended < APPENDS && (appended < 3 || performance.now() - a0 < APPEND_SECONDS * 1000); appended++) {
    const event = await newEvent(ctx, { siteId: SITE, consentId, type: 'resent', at: Date.now() });
    await store.batch(ctx.events.append(event) as [Statement, ...Statement[]]);
    await integrate(ctx, SITE);
  }
  const appendRate = appended / ((performance.now() - a0) / 1000);
  const nodeRowsPerAppend = counts.nodeRows / appended;

  // (b') whole opt-ins through the app (validation, sealing, outbox, event + leaf), each integrated
  const o0 = performance.now();
  let optedIn = 0;
  for (; optedIn < OPT_INS && (optedIn < 3 || performance.now() - o0 < APPEND_SECONDS * 1000); optedIn++) {
    await optIn(nextPhone());
    await integrate(ctx, SITE);
  }
  const optInRate = optedIn / ((performance.now() - o0) / 1000);

  const head = await ctx.log.head(SITE);
  console.log(
    `  size ${target.toLocaleString('en')}: filled ${filled.leaves.toLocaleString('en')} leaves + ${filled.nodes.toLocaleString('en')} nodes in ${(fillMs / 1000).toFixed(1)} s; ` +
      `proof leaves ${indices.join(', ')}; ${n} proofs, ${appended} appends, ${optedIn} opt-ins; head now ${head?.size}; db ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`,
  );
  for (const p of proofPlan.plans) console.log(`    proof's log_nodes query plan (${p})`);
  return {
    size: target,
    fillMs,
    proofRate: n / (proofElapsed / 1000),
    proofMs: proofElapsed / n,
    nodeRowsPerProof,
    nodeQueriesPerProof,
    nodesVisitedPerProof: proofPlan.visited,
    inclusionLength: proof.log.entries[0]!.inclusion.length,
    appendRate,
    nodeRowsPerAppend,
    optInRate,
    jobsMs,
  };
}

if (FIXES)
  console.log(
    'BENCH_FIXES=1: node lookups in row-value form, consent leaves ordered by +idx (what the fixes would give)',
  );
const results: Figures[] = [];
const began = performance.now();
try {
  for (const size of SIZES) results.push(await measure(size));
} finally {
  raw.close();
  rmSync(dir, { recursive: true, force: true });
}

const [small, large] = results as [Figures, Figures];
const rows: [string, (f: Figures) => number, number][] = [
  ['proof JSON GET (req/s)', (f) => f.proofRate, 0],
  ['proof JSON GET (ms each)', (f) => f.proofMs, 2],
  ['log_nodes rows returned / proof', (f) => f.nodeRowsPerProof, 1],
  ['log_nodes queries / proof', (f) => f.nodeQueriesPerProof, 1],
  ['log_nodes rows visited / proof', (f) => f.nodesVisitedPerProof, 0],
  ['inclusion path length', (f) => f.inclusionLength, 0],
  ['log append (events/s)', (f) => f.appendRate, 0],
  ['log_nodes rows read / append', (f) => f.nodeRowsPerAppend, 1],
  ['opt-in + integrate (per s)', (f) => f.optInRate, 1],
  ['jobs: sitesBehind query (ms)', (f) => f.jobsMs, 1],
];
const label = (n: number) => (Number.isInteger(Math.log10(n)) ? `10^${Math.log10(n)}` : String(n));
console.log(
  `\n${'measure'.padEnd(32)}${label(small.size).padStart(12)}${label(large.size).padStart(12)}${`${label(large.size)}/${label(small.size)}`.padStart(12)}`,
);
for (const [name, pick, digits] of rows) {
  const a = pick(small);
  const b = pick(large);
  console.log(
    `${name.padEnd(32)}${a.toFixed(digits).padStart(12)}${b.toFixed(digits).padStart(12)}${`${(b / a).toFixed(2)}x`.padStart(12)}`,
  );
}
console.log(
  `\nlog n predicts ${(Math.log2(large.size) / Math.log2(small.size)).toFixed(2)}x for node reads, n predicts ${(large.size / small.size).toFixed(0)}x; total ${((performance.now() - began) / 1000).toFixed(0)} s`,
);
console.log(JSON.stringify({ results }));
