// The direct lane: a site's hottest routes (the send gate, POST …/subscribers/lookup, declared beside its route in
// routes/subscribers.ts) answered without the framework's Request, router, middleware chain and Response, where an
// entry can hand it a request's line, headers and body.
// It answers only what it can answer exactly as the routes would: the same auth (http/auth.ts), body checks
// (http/body.ts), domain call, headers, access-log line and Server-Timing; anything else (no or a wrong key, a body
// that does not parse or validate, an error, a body to compress, a dev-mode Host it does not know) it gives back,
// unanswered and with nothing counted or written, and the routes answer it. test/http/direct-lane.test.ts holds its
// answers to the routes' over a corpus of requests. Node's entry puts it in front of node:http (entry/node/direct.ts),
// Deno's in front of Deno.serve (withDirectFetch below); Workers serve the routes alone.
import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import type { z } from 'zod';
import type { DomainContext } from '../domain/context.ts';
import type { Site } from '../domain/site/index.ts';
import { type AccessScope, elapsedMs } from './access-log.ts';
import { siteIfOpened } from './auth.ts';
import { isJsonType, parseJson, validate } from './body.ts';
import { devHostAllowed } from './dev-hosts.ts';

/** A request as the lane reads it, before its body. */
export interface DirectRequest {
  method: string;
  /** The request target as sent (origin form: a path, perhaps a query). */
  target: string;
  /** A header's value (names in lower case); a repeated header as the runtime joins it. */
  header(name: string): string | undefined;
  /** The client's address as the routes resolve it (for the sign-in limits). */
  ip(): string | undefined;
}

export interface DirectAnswer {
  status: number;
  headers: Record<string, string>;
  /** Sent as UTF-8, its length in bytes as Content-Length (a string: node:http writes head and body at once). */
  body: string;
}

export interface DirectRoute {
  /** Bodies longer than this are left to the routes (which answer 413). */
  maxBody: number;
  /** The answer, or null: the routes answer this request (the body is theirs to read again). */
  answer(request: DirectRequest, body: string): Promise<DirectAnswer | null>;
}

export interface DirectLane {
  /** The route that may answer this request, decided from its line and headers alone; undefined: the routes'. */
  route(request: DirectRequest): DirectRoute | undefined;
  /** Requests answered here, and given back to the routes after their body was read (for tests and the bench). */
  readonly counts: { answered: number; givenBack: number };
}

/** The value app.ts's secure-headers middleware sets in production. */
export const HSTS = 'max-age=63072000; includeSubDomains';
/** X-Request-Id as hono/request-id keeps a client's (app.ts: at most 64 characters of [A-Za-z0-9_=-]). */
const CLIENT_REQUEST_ID = /^[\w\-=]{1,64}$/;

/**
 * A route the lane may answer: a POST of a JSON body to a site's path, for its key or the admin token, answered 200
 * with JSON. What a route declares of itself, beside the route (routes/subscribers.ts): the lane adds what the
 * middleware would (request id, HSTS, Vary, Server-Timing, the log line).
 */
export interface DirectRouteSpec<S extends z.ZodType = z.ZodType> {
  /** The path, whole; its one group is the site id (a slug: a percent-escape or anything else goes to the router). */
  path: RegExp;
  /** The route's pattern, as the access log names it. */
  route: string;
  /** The body limit limitBodies applies to this path. */
  maxBody: number;
  body: S;
  /** Headers the route sets besides Content-Type. */
  headers: Record<string, string>;
  answer(ctx: DomainContext, site: Site, input: z.infer<S>): Promise<unknown>;
}
const utf8 = new TextDecoder();

/** A string's length in UTF-8 bytes (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a pair: 4 bytes for 2 code units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** A body's bytes as text, as the routes read it (UTF-8, a byte order mark dropped). */
export const decodeBody = (bytes: Uint8Array) => utf8.decode(bytes);

export function directLane(options: {
  deps: AppDeps;
  ctx: DomainContext;
  scope: AccessScope;
  routes: readonly DirectRouteSpec[];
  /** The body size from which the entry's compression middleware compresses, when it has one (adds `Vary`). */
  compressAbove?: number;
}): DirectLane {
  const { deps, scope, compressAbove } = options;
  const production = deps.mode === 'production';
  const hostAllowed = deps.devHosts ? devHostAllowed(deps.devHosts) : null;
  const counts = { answered: 0, givenBack: 0 };

  const lane = (spec: DirectRouteSpec): DirectRoute => ({
    maxBody: spec.maxBody,
    async answer(request, body) {
      const started = performance.now();
      const siteId = spec.path.exec(request.target)![1]!;
      const run = scope.take();
      try {
        const site = await siteIfOpened(run.ctx, deps.adminToken, request.header('authorization'), request.ip, siteId);
        if (!site) return givenBack();
        let input: unknown;
        try {
          input = validate(spec.body, parseJson(body));
        } catch {
          return givenBack();
        }
        const text = JSON.stringify(await spec.answer(run.ctx, site, input));
        // Compression and its validators are the middleware's: a body it would compress goes back to the routes.
        if (compressAbove !== undefined && utf8Length(text) >= compressAbove) return givenBack();
        const clientId = request.header('x-request-id');
        const requestId = clientId && CLIENT_REQUEST_ID.test(clientId) ? clientId : crypto.randomUUID();
        const headers: Record<string, string> = {
          'x-request-id': requestId,
          ...spec.headers,
          'content-type': 'application/json',
        };
        if (production) headers['strict-transport-security'] = HSTS;
        if (compressAbove !== undefined) headers.vary = 'Accept-Encoding';
        const timing = run.timing();
        if (timing !== undefined) headers['server-timing'] = timing;
        counts.answered++;
        scope.log(requestId, 'POST', spec.route, 200, elapsedMs(started));
        return { status: 200, headers, body: text };
      } catch {
        return givenBack();
      } finally {
        run.done();
      }
    },
  });
  const routes = options.routes.map((spec) => ({ spec, route: lane(spec) }));

  function givenBack(): null {
    counts.givenBack++;
    return null;
  }

  return {
    counts,
    route(request) {
      if (request.method !== 'POST') return undefined;
      const match = routes.find(({ spec }) => spec.path.test(request.target));
      if (!match) return undefined;
      // The body's framing and type as limitBodies and jsonBody check them; the rest is the routes' to refuse.
      const length = request.header('content-length');
      if (!length || !/^\d{1,9}$/.test(length) || Number(length) > match.spec.maxBody) return undefined;
      if (request.header('transfer-encoding') !== undefined || request.header('content-encoding') !== undefined)
        return undefined;
      if (!isJsonType(request.header('content-type')) || !request.header('authorization')) return undefined;
      if (hostAllowed) {
        const host = request.header('host');
        if (!host) return undefined;
        try {
          if (!hostAllowed(new URL(`http://${host}`).hostname)) return undefined;
        } catch {
          return undefined;
        }
      }
      return match.route;
    },
  };
}

/**
 * The client address as the routes' resolver reads it from a Hono context: the runtime's `env` (the socket's address:
 * conninfo) and the request's headers (a trusted proxy's X-Forwarded-For), handed to it without a context.
 */
export function clientIpOf(
  clientIp: ((c: Context) => string | undefined) | undefined,
  env: unknown,
  header: (name: string) => string | undefined,
): string | undefined {
  const req = {
    header(name: string) {
      return header(name.toLowerCase());
    },
  };
  return clientIp?.({ env, req } as unknown as Context);
}

/**
 * The lane in front of a fetch handler that receives Web Requests (Deno.serve): a request it gives back reaches
 * `fetch` with its body read, as a new Request of the same method, URL and headers. `clientIp` is the routes' own
 * resolver, handed the request's headers and `env` (on Deno, the connection info hono/deno reads).
 */
export function withDirectFetch<E>(
  lane: DirectLane | null,
  fetch: (request: Request, env: E) => Response | Promise<Response>,
  clientIp: ((c: Context) => string | undefined) | undefined,
): (request: Request, env: E) => Response | Promise<Response> {
  if (!lane) return fetch;
  return async (request, env) => {
    const url = request.url;
    const headers = request.headers;
    const direct: DirectRequest = {
      method: request.method,
      target: url.slice(url.indexOf('/', url.indexOf('//') + 2)),
      // Methods, as on Node's lane: built with esbuild's keepNames (tsx, wrangler), an arrow is named anew per request.
      header(name) {
        return headers.get(name) ?? undefined;
      },
      ip() {
        return clientIpOf(clientIp, env, (name) => headers.get(name) ?? undefined);
      },
    };
    const route = lane.route(direct);
    if (!route) return fetch(request, env);
    const bytes = new Uint8Array(await request.arrayBuffer());
    const answer =
      bytes.length > route.maxBody ? null : await route.answer(direct, decodeBody(bytes)).catch(() => null);
    if (!answer)
      return fetch(new Request(url, { method: request.method, headers, body: bytes, signal: request.signal }), env);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
