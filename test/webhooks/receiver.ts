// A webhook receiver on 127.0.0.1 that verifies with the npm `standardwebhooks` package, as a site owner's would;
// it can be taken down (503) and brought back.
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

export interface Received {
  id: string;
  headers: Record<string, string>;
  body: string;
  /** What `Webhook.verify` answered for each secret tried, in order (null: it threw). */
  verified: (Record<string, any> | null)[];
  accepted: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Accepted deliveries' payloads, in the order they arrived. */
  accepted(): Record<string, any>[];
  down: boolean;
  /** The secrets `Webhook.verify` is tried with (each delivery, each secret). */
  secrets: string[];
  close(): Promise<void>;
}

/** `now` is the receiver's wall clock (the harness's), so the timestamp tolerance is checked as in production. */
export async function startReceiver(now: () => number): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    accepted: () => receiver.received.filter((r) => r.accepted).map((r) => r.verified.find((v) => v) ?? {}),
    down: false,
    secrets: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      vi.setSystemTime(now());
      const verified = receiver.secrets.map((secret) => {
        try {
          return new Webhook(secret).verify(body, headers) as Record<string, any>;
        } catch {
          return null;
        }
      });
      const accepted = !receiver.down && verified.some((v) => v !== null);
      receiver.received.push({ id: headers['webhook-id'] ?? '', headers, body, verified, accepted });
      res.writeHead(receiver.down ? 503 : accepted ? 204 : 400);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${address.port}/hooks/assent`;
  return receiver;
}
