// Shared assertions for the HTTP tests: problem+json bodies, stored rows, and a snapshot of everything stored.
import { expect } from 'vitest';
import type { Harness } from './harness.ts';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
}

/** Asserts an RFC 9457 problem with this status (and, if given, an error naming `path`); returns the body. */
export async function expectProblem(res: Response, status: number, path?: string): Promise<ProblemBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expectNoStack(text);
  const body = JSON.parse(text) as ProblemBody;
  expect(body.type).toMatch(/^https:\/\/assent\.dev\/problems\/[a-z-]+$/);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  if (path !== undefined) {
    expect(
      body.errors?.map((e) => e.path),
      text,
    ).toContain(path);
    for (const e of body.errors ?? []) expect(e.message.length).toBeGreaterThan(0);
  }
  return body;
}

/** No stack frame, no JS error name, no source path: nothing of the server's insides reaches a client. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(/);
  expect(text).not.toMatch(/(Type|Reference|Syntax|Range|URI)?Error:/);
  expect(text).not.toMatch(/\.tsx?:\d+/);
  expect(text).not.toMatch(/node_modules|file:\/\//);
}

export async function count(h: Harness, sql: string): Promise<number> {
  const [n] = await h.ctx.store.queryColumn(sql);
  return Number(n);
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function eventTypes(h: Harness, consentId: string): Promise<string[]> {
  return (await h.ctx.events.forConsent(consentId)).map((e) => e.type);
}

export async function outboxKinds(h: Harness, consentId: string): Promise<string[]> {
  return (await h.ctx.outbox.forConsent(consentId)).map((m) => m.kind).sort();
}

export const countEvents = (h: Harness, consentId: string, type: string) =>
  count(h, `SELECT COUNT(*) FROM consent_events WHERE consent_id = ${quote(consentId)} AND type = ${quote(type)}`);

/** Every row of the tables a request could change, to prove that one changed nothing. */
export async function snapshot(h: Harness): Promise<string> {
  const tables = [
    'subjects',
    'consents',
    'consent_events',
    'log_leaves',
    'outbox',
    'suppressions',
    'sites',
    'api_keys',
  ];
  const parts: string[] = [];
  for (const table of tables) {
    // The retention clock is no state of the consent: a subscriber following their own link (a GET) is a contact
    // they initiated, which the CNIL counts, so it moves `last_contact_at` and nothing else.
    const columns = (await h.ctx.store.queryColumn(`SELECT name FROM pragma_table_info('${table}')`))
      .map(String)
      .filter((column) => column !== 'last_contact_at');
    const rows = await h.ctx.store.queryColumn(`SELECT json_array(${columns.join(', ')}) FROM ${table} ORDER BY rowid`);
    parts.push(`${table}:${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** Messages the console provider delivered to a number. */
export const sentTo = (h: Harness, to: string) => h.outbox.list().filter((m) => m.to === to);

/**
 * A consent's leaves form one chain: the first names no predecessor, every later one names the leaf just before
 * it among the consent's leaves (index and leaf hash). A fork (two leaves naming one predecessor) or a gap fails.
 */
export async function expectChain(h: Harness, consentId: string, site = 'demo'): Promise<Record<string, unknown>[]> {
  const leaves = await h.ctx.events.leavesForConsent(site, consentId);
  const parsed = leaves.map((l) => JSON.parse(l.leaf) as Record<string, unknown>);
  expect(parsed.length).toBeGreaterThan(0);
  expect(parsed[0]!.prev).toBeUndefined();
  for (let i = 1; i < leaves.length; i++)
    expect(parsed[i]!.prev).toEqual({ index: leaves[i - 1]!.idx, hash: leaves[i - 1]!.leafHash });
  const row = (await h.ctx.consents.byId(consentId))!;
  expect({ idx: row.chainIdx, hash: row.chainHash }).toEqual({
    idx: leaves.at(-1)!.idx,
    hash: leaves.at(-1)!.leafHash,
  });
  return parsed;
}
