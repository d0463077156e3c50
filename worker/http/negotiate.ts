// Content and language negotiation, one place for every route: Hono's `accepts` parses the headers (q-values,
// parameters, quoting); languages match by primary subtag (fr-CA → fr), which its exact match does not do, and
// against each site's own locales, which hono/language (one fixed list for the app) cannot. Whatever is negotiated
// here is named in Vary, so caches key the answer on the header it was chosen by.
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

const primary = (tag: string) => tag.trim().split('-')[0]!.toLowerCase();

/** What each request's answer varies on, as named so far (one set per request, gone with it). */
const varying = new WeakMap<Context, Set<string>>();

/**
 * Adds request headers to the answer's Vary, each once (kept on errors and 304s too: they are the context's prepared
 * headers, which every answer the request makes carries). Every route and middleware names them here rather than
 * reading the answer's headers before it exists: reading `c.res` first makes Hono rebuild the handler's answer as a
 * full Web Response, which @hono/node-server then streams instead of writing it at once (a fifth of a proof GET).
 */
export function vary(c: Context, ...headers: string[]): void {
  let named = varying.get(c);
  if (!named) varying.set(c, (named = new Set()));
  const before = named.size;
  for (const header of headers) named.add(header);
  if (named.size !== before) c.header('Vary', [...named].join(', '));
}

/**
 * The visitor's most preferred language (Accept-Language, highest q first, listed order on a tie; q=0 means "not
 * this one") among `offered`, by primary subtag; undefined when none is offered.
 */
export function preferredLanguage(c: Context, offered: readonly string[]): string | undefined {
  vary(c, 'Accept-Language');
  const found = accepts(c, {
    header: 'Accept-Language',
    supports: [...offered],
    default: '',
    match: (accepted, { supports }) =>
      accepted
        .filter((a) => a.q > 0)
        .sort((a, b) => b.q - a.q) // stable: equal q keep the visitor's order
        .map((a) => primary(a.type))
        .find((lang) => supports.includes(lang)) ?? '',
  });
  return found || undefined;
}

/** The media type among `offered` the client prefers (Accept, by q then specificity); `fallback` when none. */
export function preferredType<T extends string>(c: Context, offered: readonly T[], fallback: T): T {
  vary(c, 'Accept');
  return accepts(c, { header: 'Accept', supports: [...offered], default: fallback }) as T;
}
