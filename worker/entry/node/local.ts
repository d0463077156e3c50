// What the Node and Deno entries share (node: APIs; Deno has them): the environment with the data dir's dev secrets,
// the store, the persisted dev outbox, and buildDeps with the node: pieces, its jobs on a timer.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'hono';
import { createServing, type AppDeps } from '../../app.ts';
import type { DirectLane } from '../../http/direct.ts';
import type { Env } from '../../env.ts';
import { jsonLogger } from '../../logger.ts';
import { buildDeps, clientIpResolver } from '../../runtime/build-deps.ts';
import { timerJobs } from '../../runtime/jobs-runner.ts';
import { COMPRESS_THRESHOLD, compressResponses } from './compress.ts';
import { fileDevOutbox } from './dev-outbox.ts';
import { dnsResolver } from './dns-resolver.ts';
import { loadEnv } from './load-env.ts';
import { bufferedStdout } from './log-sink.ts';
import { createNodeSealer } from './sealer.ts';
import { pinnedFetch } from './pinned-fetch.ts';
import { openStore } from './store.ts';

export interface LocalServer {
  env: Env;
  app: ReturnType<typeof createServing>['app'];
  /** The send gate's direct lane (http/direct.ts), for a node:http server in front of the app (entry/node.ts). */
  direct: DirectLane | null;
  deps: AppDeps;
  /** Stops the jobs after a last pass, then closes the store. */
  stop(): Promise<void>;
}

/** Dev mode serves /dev/outbox (numbers, live links): it listens on 127.0.0.1 unless HOST says otherwise. */
export const listenHost = (env: Pick<Env, 'HOST' | 'ASSENT_MODE'>) =>
  env.HOST ?? (env.ASSENT_MODE === 'dev' ? '127.0.0.1' : '0.0.0.0');

/**
 * Why the server could not listen, in one line naming the variable to change: a port in use or one that needs
 * privileges is an operator's slip, answered by a message, not the runtime's stack trace.
 */
export function listenFailure(error: { code?: string; name?: string; message?: string }, host: string, port: number) {
  const where = `Could not listen on ${host}:${port}`;
  if (error.code === 'EADDRINUSE' || error.name === 'AddrInUse')
    return `${where}: the port is in use by another process. Stop it, or set PORT to a free port.`;
  if (error.code === 'EACCES' || error.name === 'PermissionDenied')
    return `${where}: permission denied (a port below 1024 needs privileges). Set PORT to a port above 1023.`;
  if (error.code === 'EADDRNOTAVAIL' || error.name === 'AddrNotAvailable')
    return `${where}: no interface of this machine has that address. Set HOST to one it has (or 0.0.0.0).`;
  return `${where}: ${error.message ?? String(error)}`;
}

/** A file's text, or undefined when unset or unreadable (buildDeps then names the variable). */
function readText(path: string | undefined): string | undefined {
  if (!path || path.includes('\n')) return undefined; // a value with a newline is the text itself (see witness/config.ts)
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function startLocal(
  raw: Record<string, string | undefined>,
  options: {
    log?: (line: string) => void;
    /** The socket's address (the runtime's conninfo). */
    clientIp?: (c: Context) => string | undefined;
    /** Connect configured URLs only to the addresses checked (node:http's lookup hook; Node and Deno honour it). */
    pinConnections?: boolean;
    /** The database's writes on a worker thread (db/libsql-thread.ts; the Node entry). */
    writerThread?: boolean;
  } = {},
): Promise<LocalServer> {
  const env = await loadEnv(raw);
  const store = await openStore(env, { writerThread: options.writerThread ?? false });
  const allowLocal = env.ASSENT_ALLOW_LOCAL_CALLBACKS;
  const deps = await buildDeps({
    env,
    store,
    sealer: createNodeSealer,
    clientIp: clientIpResolver(env, options.clientIp ?? (() => undefined)),
    logger: jsonLogger({ write: bufferedStdout().write }),
    ...(env.ASSENT_MODE === 'dev'
      ? { devOutbox: fileDevOutbox(join(resolve(env.ASSENT_DATA_DIR), 'dev-outbox.ndjson')) }
      : {}),
    resolve: dnsResolver,
    ...(options.pinConnections ? { fetch: pinnedFetch({ allowLocal, resolve: dnsResolver }) } : {}),
    compress: compressResponses(),
    ...(options.log ? { print: options.log } : {}),
    witnessFiles: { logs: readText(env.ASSENT_WITNESS_LOGS), policy: readText(env.ASSENT_WITNESS_POLICY) },
  });
  const runner = timerJobs(deps);
  const { app, direct } = createServing(runner.deps, { compressAbove: COMPRESS_THRESHOLD });
  return {
    env,
    app,
    direct,
    deps: runner.deps,
    async stop() {
      await runner.stop();
      await store.close();
    },
  };
}
