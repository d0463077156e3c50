// A local HTTP stand-in for SMS providers: scripted answers, every request recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer = (req: Recorded, res: ServerResponse) => void;

export interface StandIn {
  baseUrl: string;
  requests: Recorded[];
  /** Answers used in order for the requests that `route` does not handle; the last one repeats. */
  script: Answer[];
  close(): Promise<void>;
}

export async function startStandIn(route?: (req: Recorded, res: ServerResponse) => boolean): Promise<StandIn> {
  const requests: Recorded[] = [];
  const script: Answer[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const recorded: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      if (route?.(recorded, res)) return;
      const answer = script[Math.min(next++, script.length - 1)];
      if (answer) answer(recorded, res);
      else res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

/** Accepts the request and never answers: the client sees a timeout. */
export const hang: Answer = () => {};
