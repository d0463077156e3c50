// Node and Deno, embedded file only: @libsql/client compiles every SQL statement again on each call (no statement
// cache), and asks each statement for its columns twice. Compiling dominated the hot routes, so prepared
// statements are kept per connection and SQL text, and their column lists with them. Statements run synchronously
// to completion, so one cached statement is never used by two calls at once.
import Database from 'libsql';

type Statement = {
  safeIntegers(on: boolean): unknown;
  raw(on: boolean): unknown;
  columns(): unknown[];
  all(args: unknown): unknown[];
  run(args: unknown): unknown;
};

const MAX_PER_CONNECTION = 500;
let installed = false;

export function installStatementCache(): void {
  if (installed) return;
  installed = true;
  const proto = (Database as unknown as { prototype: { prepare(sql: string): Statement } }).prototype;
  const prepare = proto.prepare;
  const caches = new WeakMap<object, Map<string, Statement>>();
  proto.prepare = function cachedPrepare(this: object, sql: string): Statement {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    let stmt = cache.get(sql);
    if (!stmt) {
      const inner = prepare.call(this, sql);
      let columns: unknown[] | undefined;
      let rawError: unknown;
      try {
        inner.raw(true);
      } catch (error) {
        rawError = error; // a statement that returns no data: raw() always throws for it
      }
      stmt = {
        safeIntegers: (on) => inner.safeIntegers(on),
        raw: (on) => {
          if (rawError) throw rawError;
          return inner.raw(on);
        },
        columns: () => (columns ??= inner.columns()),
        all: (args) => inner.all(args),
        run: (args) => inner.run(args),
      };
      if (cache.size >= MAX_PER_CONNECTION) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
}
