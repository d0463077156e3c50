// Caches must key a response on every request header its body was chosen by. Rather than trusting each route to
// remember, this notes which negotiation headers a handler read (Accept, Accept-Language) and names them in Vary.
import type { MiddlewareHandler } from 'hono';

const NEGOTIATED: Record<string, string> = { accept: 'Accept', 'accept-language': 'Accept-Language' };

export function varyOnNegotiation(): MiddlewareHandler {
  return async function varyOnNegotiation(c, next) {
    const read = new Set<string>();
    const header = c.req.header.bind(c.req) as (name?: string) => unknown;
    // Own property shadowing HonoRequest.header for this request only.
    c.req.header = ((name?: string) => {
      const key = name?.toLowerCase();
      if (key && key in NEGOTIATED) read.add(NEGOTIATED[key]!);
      return header(name);
    }) as typeof c.req.header;
    await next();
    if (read.size === 0) return;
    const present = (c.res.headers.get('Vary') ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (present.includes('*')) return;
    const missing = [...read].filter((h) => !present.some((p) => p.toLowerCase() === h.toLowerCase()));
    if (missing.length > 0) c.res.headers.set('Vary', [...present, ...missing].join(', '));
  };
}
