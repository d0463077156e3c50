// DNS rebinding: in dev mode the server listens on this machine only, but a page on any site can point a name of
// its own at 127.0.0.1 and then read /dev/outbox (full numbers, live links) or post forged replies as a same-origin
// page. Dev mode therefore answers only the Host names it listens on, whatever the port: 421 problem+json otherwise.
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { isIpLiteral } from '../net/addresses.ts';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

const bare = (host: string) => host.toLowerCase().replace(/\.$/, '');
const bracketed = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/**
 * The Host names dev mode answers: the loopback names, `HOST` (the address or name it listens on) and the public
 * URL's host (ASSENT_PUBLIC_URL, a tunnel's name say, which a rebinding page cannot own; under start:workers without
 * it, the origin the isolate was first opened at). Listening on every interface (HOST=0.0.0.0 or ::), any IP address
 * is one of its own: `'ip'` stands for them (no name can rebind as an IP literal).
 */
export function devHostNames(env: { HOST?: string | undefined }, publicUrl: string): string[] {
  const names = [...LOOPBACK];
  if (env.HOST) names.push(WILDCARD.has(env.HOST) ? 'ip' : bracketed(bare(env.HOST)));
  names.push(bare(new URL(publicUrl).hostname));
  return [...new Set(names)];
}

/** Whether a URL's hostname is one dev mode answers (devHostNames). */
export function devHostAllowed(names: readonly string[]): (hostname: string) => boolean {
  const allowed = new Set(names);
  const anyIp = allowed.has('ip');
  return (hostname) => {
    const host = bare(hostname);
    return allowed.has(host) || (anyIp && isIpLiteral(host.replace(/^\[|\]$/g, '')));
  };
}

export function devHostGuard(names: readonly string[]): MiddlewareHandler {
  const allowed = devHostAllowed(names);
  const anyIp = names.includes('ip');
  return async function devHostGuard(c, next) {
    // The URL's host is the request's Host header on every runtime (an absolute request target aside).
    if (allowed(new URL(c.req.url).hostname)) return next();
    throw new AppError(
      'misdirected_request',
      421,
      `This development server answers only ${names.filter((n) => n !== 'ip').join(', ')}${anyIp ? ' and its IP addresses' : ''}, on any port.`,
      {
        errors: [{ path: 'Host', message: 'Not a name this server listens on.' }],
      },
    );
  };
}
