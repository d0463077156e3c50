// The shell of every server-rendered page: lang, viewport, a strict CSP, readable system styles. Long links, codes
// and table cells wrap and fieldsets may shrink, so no page scrolls sideways on a 360 px screen. Buttons and headings
// balance their lines (text-wrap: balance), so no label leaves its last word alone on a line.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

const CSS = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--accent:#0b57d0;--muted:#555}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--accent:#8ab4f8;--muted:#bbb}}
*{box-sizing:border-box}body{margin:0;font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:40rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.6rem;line-height:1.25}
a{color:var(--accent)}p.muted{color:var(--muted)}
button{font:inherit;font-weight:600;min-height:44px;min-width:44px;padding:.6rem 1.2rem;border-radius:.5rem;border:2px solid var(--accent);background:var(--accent);color:var(--bg);cursor:pointer}
button,h1,h2,h3,legend{text-wrap:balance}
button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:3px}
a,code,td,th{overflow-wrap:anywhere}fieldset{min-width:0}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;

/** `css` is added after the base styles; `indexable` leaves out noindex (public documents search engines may keep). */
export function page(options: {
  lang: string;
  title: string;
  body: ComponentChildren;
  css?: string;
  head?: ComponentChildren;
  indexable?: boolean;
}): string {
  const html = renderToString(
    <html lang={options.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {options.indexable ? null : <meta name="robots" content="noindex" />}
        <title>{options.title}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS + (options.css ?? '') }} />
        {options.head}
      </head>
      <body>{options.body}</body>
    </html>,
  );
  return `<!doctype html>${html}`;
}

/**
 * Headers for our own pages: no framing, no referrer (URLs carry tokens), no caching of token pages. Sent with the
 * body rather than by hono/secure-headers (app.ts uses it for HSTS): each page kind has its own CSP (a nonce on the
 * hosted form, same-origin script on the proof page, none elsewhere) and the JSON API needs none of them.
 */
export const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};
