// Content and language negotiation, one place for every route: Hono's `accepts` parses the headers (q-values,
// parameters, quoting); languages match by primary subtag (fr-CA → fr), which its exact match does not do, and
// against each site's own locales, which hono/language (one fixed list for the app) cannot. Whatever is negotiated
// here is named in Vary, so caches key the answer on the header it was chosen by.
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

const primary = (tag: string) => tag.trim().split('-')[0]!.toLowerCase();

/** Adds a request header to the response's Vary once (kept on errors and 304s too). */
function vary(c: Context, header: string): void {
  const present = (c.res.headers.get('Vary') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (present.includes('*') || present.some((p) => p.toLowerCase() === header.toLowerCase())) return;
  c.header('Vary', [...present, header].join(', '));
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
