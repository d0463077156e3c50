// Deno entry (`npm run start:deno`, `deno task start`): the same startLocal as Node (node/local.ts: node:fs and
// @libsql/client run under Deno's Node compatibility), served with Deno.serve, the send gate's direct lane in front.
import type { Context } from 'hono';
import { getConnInfo } from 'hono/deno';
import { withDirectFetch } from '../http/direct.ts';
import { listenFailure, listenHost, startLocal } from './node/local.ts';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code: number): never;
};

const env = Deno.env.toObject();
// Deno.serve hands the connection info to app.fetch as its env; hono/deno reads the remote address from it.
const clientIp = (c: Context) => getConnInfo(c).remote.address;
const server = await startLocal(env, { clientIp, pinConnections: true }).catch((error: Error) => {
  console.error(error.name === 'EnvError' ? error.message : `Could not start: ${error.message}`);
  Deno.exit(1);
});
const { PORT: port, ASSENT_MODE: mode } = server.env;
const demo = mode === 'dev' ? ' — demo at /demo' : '';
const onListen = ({ port }: { port: number }) => console.log(`Assent (${mode}) on http://localhost:${port}${demo}`);
// The send gate is answered before the router and middleware (http/direct.ts); everything else by the app.
const handler = withDirectFetch(server.direct, server.app.fetch, clientIp);
const hostname = listenHost(server.env);
const listen = async () => Deno.serve({ port, hostname, onListen }, handler);
const exit = (code: number) => (closing: Promise<unknown>) => closing.finally(() => Deno.exit(code));
const http = await listen().catch((error: Error) => {
  console.error(listenFailure(error, hostname, port));
  return exit(1)(server.stop()) as Promise<never>;
});
const stop = () => void exit(0)(http.shutdown().then(server.stop));
for (const signal of ['SIGINT', 'SIGTERM'] as const) Deno.addSignalListener(signal, stop);
