// The direct lane on node:http (http/direct.ts): a request it may answer has its body read here and is answered with
// one writeHead and end; one it gives back goes to @hono/node-server's listener with the body read so far as
// `rawBody`, which the adapter reads instead of the socket (the routes then see the same bytes).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { clientIpOf, decodeBody, type DirectLane, type DirectRequest } from '../../http/direct.ts';

export function withDirectLane(
  lane: DirectLane | null,
  listener: RequestListener,
  clientIp: ((c: Context) => string | undefined) | undefined,
): RequestListener {
  if (!lane) return listener;
  return (req, res) => {
    const headers = req.headers;
    // A repeated header is joined by the routes' Headers but kept once by node:http for some names (Authorization,
    // Content-Type…): such a request, rare, is the routes' alone.
    if (req.rawHeaders.length !== 2 * Object.keys(headers).length) return listener(req, res);
    const request: DirectRequest = {
      method: req.method ?? '',
      target: req.url ?? '',
      // Methods, not arrows: under keepNames (tsx) each arrow would get its name set per request.
      header(name) {
        return headers[name] as string | undefined;
      },
      // On Node the context's env holds the request and response (conninfo reads the socket from them).
      ip() {
        return clientIpOf(clientIp, { incoming: req, outgoing: res }, request.header);
      },
    };
    const route = lane.route(request);
    if (!route) return listener(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    req.once('error', () => res.destroy());
    req.once('end', () => {
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (size > route.maxBody) return giveBack(listener, req, res, raw);
      route.answer(request, decodeBody(raw)).then(
        (answer) =>
          answer ? send(res, answer.status, answer.headers, answer.body) : giveBack(listener, req, res, raw),
        () => giveBack(listener, req, res, raw),
      );
    });
  };
}

/** The request to the routes, with the body read so far. */
function giveBack(listener: RequestListener, req: IncomingMessage, res: ServerResponse, raw: Buffer) {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
  return listener(req, res);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  if (res.destroyed) return;
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}
