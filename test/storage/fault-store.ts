// Stores for the storage-fault tests: a libSQL client that fails with the driver's real error class and codes while a
// fault is switched on, and counts of the rows an opt-in writes (to show that nothing was half-written).
import { createClient, LibsqlError, type Client, type InStatement } from '@libsql/client';
import type { Store } from '../../worker/db/client.ts';
import { libsqlStore } from '../../worker/db/libsql.ts';

export interface FaultSwitch {
  /** The SQLite result code to fail with (e.g. SQLITE_FULL), or null for no fault. */
  code: string | null;
  /** Fail reads too (an I/O error or an unopenable file), not only writes (a full disk, a read-only file). */
  reads?: boolean;
}

const sqlOf = (stmt: InStatement) => (typeof stmt === 'string' ? stmt : stmt.sql);
const isWrite = (stmt: InStatement) => /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i.test(sqlOf(stmt));

/** What the embedded driver throws: a LibsqlError with the code as both code and extended code, and its text. */
function failure(code: string): LibsqlError {
  return new LibsqlError(`${code}: injected storage fault`, code, code);
}

export function faultyClient(client: Client, fault: FaultSwitch): Client {
  const check = (stmts: InStatement[]) => {
    if (fault.code && (fault.reads || stmts.some(isWrite))) throw failure(fault.code);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return async (stmt: InStatement, args?: unknown) => {
          check([stmt]);
          return args === undefined ? target.execute(stmt) : target.execute(stmt as string, args as never);
        };
      }
      if (prop === 'batch') {
        return async (stmts: InStatement[], mode?: 'write' | 'read' | 'deferred') => {
          check(stmts);
          return target.batch(stmts, mode);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** An in-memory store whose writes (or all statements) fail while `fault.code` is set. */
export function faultyMemoryStore(fault: FaultSwitch): Store {
  return libsqlStore(faultyClient(createClient({ url: ':memory:' }), fault));
}

/** Row counts of every table an opt-in, a confirmation or a send writes. */
export async function rowCounts(store: Store): Promise<Record<string, number>> {
  const tables = ['subjects', 'consents', 'consent_events', 'log_leaves', 'outbox', 'widget_texts'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = Number((await store.queryColumn(`SELECT count(*) FROM ${table}`))[0]);
  return counts;
}

/** Distinct French mobile numbers, as typed in a form. */
export const mobile = (i: number) =>
  `06 20 ${String(Math.floor(i / 10000) % 100).padStart(2, '0')} ${String(Math.floor(i / 100) % 100).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;
export const e164Of = (i: number) => `+33${mobile(i).replace(/\s/g, '').slice(1)}`;
