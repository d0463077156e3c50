// Group commit for an embedded file: batches that arrive while the event loop is busy are written in one
// transaction, so one fsync (synchronous=FULL) covers many requests. Each caller still gets its own results, and a
// 2xx still means committed: a batch resolves only after the transaction holding it has. One group is in flight at
// a time: on a store that commits asynchronously, the next group forms while the previous one commits, so groups grow
// with the load instead of each commit waiting alone. The Node entry's writer thread (libsql-thread.ts) groups on its
// side instead, without this wrapper: it takes what waits for it the moment it is free.
import type { Statement, Store } from './client.ts';
import { storageFault } from './faults.ts';
import { readsOnly } from './prepared.ts';

interface Job {
  statements: [Statement, ...Statement[]];
  resolve(results: unknown[]): void;
  reject(error: unknown): void;
}

export function groupCommit(store: Store, options: { maxStatements?: number } = {}): Store {
  const { maxStatements = 2000 } = options;
  const queue: Job[] = [];
  let scheduled = false;
  let inFlight = false;

  async function flush() {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    inFlight = true;
    try {
      await commitGroup();
    } finally {
      inFlight = false;
      if (queue.length > 0) schedule();
    }
  }

  async function commitGroup() {
    const jobs: Job[] = [];
    let count = 0;
    while (queue.length > 0 && (jobs.length === 0 || count + queue[0]!.statements.length <= maxStatements)) {
      const job = queue.shift()!;
      jobs.push(job);
      count += job.statements.length;
    }
    if (jobs.length === 1) {
      const [job] = jobs;
      await store.batch(job!.statements).then(job!.resolve, job!.reject);
      return;
    }
    try {
      const results = await store.batch(jobs.flatMap((j) => j.statements) as [Statement, ...Statement[]]);
      let at = 0;
      for (const job of jobs) {
        job.resolve(results.slice(at, at + job.statements.length));
        at += job.statements.length;
      }
    } catch (error) {
      // The store itself failed (locked by another process past its busy timeout, a full disk, unreachable): no job
      // is at fault, and each would wait out the same failure again alone. They all fail with it at once.
      if (storageFault(error)) {
        for (const job of jobs) job.reject(error);
        return;
      }
      // One job broke the shared transaction (e.g. a unique constraint lost to a concurrent request): nothing of
      // it was written, so run each job alone and let only the one at fault fail.
      for (const job of jobs) await store.batch(job.statements).then(job.resolve, job.reject);
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // A macrotask, not a microtask: requests already read by the server get to queue their writes first.
    setTimeout(() => void flush(), 0);
  }

  return {
    ...store,
    batch(statements) {
      // Reads alone commit nothing: they run at once, in their own transaction, not behind the group in flight.
      if (readsOnly(statements)) return store.batch(statements);
      return new Promise<unknown[]>((resolve, reject) => {
        queue.push({ statements, resolve, reject });
        schedule();
      });
    },
  };
}
