// Node and Deno: the HTTP client for configured URLs. The address check runs inside the connection's own DNS lookup, so the
// socket goes to an address that was checked — a name that answers a public address to the guard and a private one a
// moment later (DNS rebinding) is refused. No redirect is ever followed (node:http does not follow them).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLoopbackAddress, isPublicAddress } from '../../net/addresses.ts';
import { OutboundRefusedError, type OutboundPolicy, type Resolver } from '../../net/outbound.ts';

const NO_BODY = new Set([101, 204, 205, 304]);
/** A provider's answer is a small JSON document; a larger one is cut off rather than held in memory. */
const MAX_ANSWER_BYTES = 1024 * 1024;

function responseOf(res: IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  return new Response(NO_BODY.has(status) ? null : new Uint8Array(body), { status, headers });
}

/** A fetch whose connections go only to addresses the policy allows (public; loopback too when local is allowed). */
export function pinnedFetch(policy: Pick<OutboundPolicy, 'allowLocal'> & { resolve: Resolver }): typeof fetch {
  const allowed = (address: string) => isPublicAddress(address) || (policy.allowLocal && isLoopbackAddress(address));
  const lookup: LookupFunction = (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => !allowed(a));
        if (addresses.length === 0 || bad) {
          callback(
            new OutboundRefusedError(`${hostname} resolves to ${bad ?? 'nothing'}, which is not a public address.`),
            '',
            4,
          );
          return;
        }
        const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        if (options.all) (callback as unknown as (e: null, all: typeof entries) => void)(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'ENOTFOUND' }), '', 4),
    );
  };

  return function pinned(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = typeof init.body === 'string' ? init.body : init.body == null ? undefined : String(init.body);
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        { method: init.method ?? 'GET', headers, lookup, ...(init.signal ? { signal: init.signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => resolve(responseOf(res, Buffer.concat(chunks))));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}
