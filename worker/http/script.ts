// Serving one of our JavaScript files (the widget, the verifier, the page islands): the type, nosniff, the cache
// rule the caller chooses and, when the file has a hash, a strong ETag that conditional() answers with a 304.
import type { AppContext } from './context.ts';

export interface ScriptOptions {
  cacheControl: string;
  /** Hex SHA-256 of the code; its first 32 digits become the ETag. */
  sha256hex?: string;
  /** Loaded by other sites' pages: readable across origins (CORP) and timed by their performance monitoring. */
  crossSite?: boolean;
}

export function serveScript(c: AppContext, code: string, options: ScriptOptions): Response {
  const headers: Record<string, string> = {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': options.cacheControl,
    'X-Content-Type-Options': 'nosniff',
  };
  if (options.sha256hex) headers.ETag = `"${options.sha256hex.slice(0, 32)}"`;
  if (options.crossSite) {
    headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
    headers['Timing-Allow-Origin'] = '*';
  }
  return c.body(code, 200, headers);
}
