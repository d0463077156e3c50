// Node entry (`npm start`): environment → dependencies (node/local.ts) → createApp → @hono/node-server, with the send
// gate's direct lane in front (node/direct.ts).
import { createServer, type RequestListener, type ServerOptions } from 'node:http';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { withDirectLane } from './node/direct.ts';
import { listenFailure, listenHost, startLocal } from './node/local.ts';

const server = await startLocal(process.env, {
  clientIp: (c) => getConnInfo(c).remote.address,
  pinConnections: true,
  writerThread: true,
}).catch((error: Error) => {
  console.error(error.name === 'EnvError' ? error.message : `Could not start: ${error.message}`);
  process.exit(1);
});
const http = serve(
  {
    fetch: server.app.fetch,
    port: server.env.PORT,
    hostname: listenHost(server.env),
    // The send gate is answered before the adapter builds a Request (http/direct.ts); everything else as usual.
    createServer: ((options: ServerOptions, listener: RequestListener) =>
      createServer(options, withDirectLane(server.direct, listener, server.deps.clientIp))) as typeof createServer,
  },
  (info) => {
    console.log(
      `Assent (${server.env.ASSENT_MODE}) on http://localhost:${info.port}${server.env.ASSENT_MODE === 'dev' ? ' — demo at /demo' : ''}`,
    );
  },
);
const stop = (code: number) => void server.stop().finally(() => process.exit(code));
http.once('error', (error: NodeJS.ErrnoException) => {
  console.error(listenFailure(error, listenHost(server.env), server.env.PORT));
  stop(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (http.close(), stop(0)));
