// Which errors mean the storage, not the request, is at fault (a 503 with Retry-After, never a 500): the codes and
// messages each driver (libSQL local and remote, D1, fetch) reports them with. The envelope is errors.ts's.
import { StorageUnavailable } from '../errors.ts';

// SQLite result codes that say the storage, not the request, is at fault (extended codes share the prefix).
const SQLITE_FAULT = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM)/;
// @libsql/client codes for a remote server that failed or could not be reached.
const REMOTE_FAULT = new Set(['SERVER_ERROR', 'HRANA_WEBSOCKET_ERROR', 'HRANA_CLOSED_ERROR', 'STREAM_EXPIRED']);
// Network errors under fetch (Node's undici puts the errno in the cause).
const NETWORK_FAULT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// D1 reports faults as messages (D1_ERROR: …); these are the ones about storage or the platform, not the SQL.
const D1_FAULT =
  /disk is full|database or disk|readonly database|database is locked|SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN)|storage operation exceeded|storage caused object to be reset|D1 DB is overloaded|D1 DB reset|transient issue|Network connection lost/i;

// A fetch to a remote database that failed (undici, Deno, browsers' wording); only these TypeErrors, so a programming
// error whose message merely says "network" stays a 500.
const FETCH_FAULT = /^fetch failed|^error sending request for url|^NetworkError\b|^Network connection lost/i;

/**
 * The storage fault behind `error`, if it is one: drivers wrap errors (drizzle's DrizzleQueryError holds the
 * driver's in `cause`), so the chain is walked. A constraint or SQL error is not a fault and yields null.
 */
export function storageFault(error: unknown): StorageUnavailable | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    if (current instanceof StorageUnavailable) return current;
    const { code, message, name, status } = current as {
      code?: unknown;
      message?: unknown;
      name?: unknown;
      status?: unknown;
    };
    if (typeof code === 'string') {
      if (SQLITE_FAULT.test(code) || REMOTE_FAULT.has(code) || NETWORK_FAULT.has(code))
        return new StorageUnavailable(code);
    }
    if (name === 'HttpServerError' && typeof status === 'number') return new StorageUnavailable(`HTTP ${status}`);
    if (typeof message === 'string') {
      if (D1_FAULT.test(message)) return new StorageUnavailable('D1');
      if (name === 'TypeError' && FETCH_FAULT.test(message)) return new StorageUnavailable('network');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
