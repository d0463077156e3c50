// The host page the widget is embedded in: another origin, with the careless or hostile global CSS real sites ship.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Global CSS a careless or hostile host page might ship. */
export const HOSTILE_CSS = `
  html { font-size: 4px !important; }
  * { font-size: 6px !important; color: #ff0 !important; background: #f0f !important; line-height: 0.5 !important;
      letter-spacing: 3px !important; font-family: "Comic Sans MS", fantasy !important; visibility: visible; }
  button { all: unset !important; }
  input, select { all: unset !important; }
  div, section, assent-optin { display: inline !important; opacity: 0.3 !important; filter: blur(1px) !important;
      transform: scale(0.5) !important; }
  body * { z-index: -1 !important; position: static !important; }
  .overlay { position: fixed; inset: auto 0 0 auto; width: 10px; height: 10px; z-index: 99999; }
`;

export interface HostPageOptions {
  locale?: string;
  theme?: string;
  resendDelayMs?: number;
  /** The other embed style: script in <head>, widget placed with <assent-optin>. */
  tag?: boolean;
}

export const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

export const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export function hostPageQuery(o: HostPageOptions = {}): string {
  return `/?locale=${o.locale ?? 'fr'}${o.theme ? `&theme=${o.theme}` : ''}${o.resendDelayMs ? `&resend=${o.resendDelayMs}` : ''}${o.tag ? '&tag' : ''}`;
}

/** Serves the host page embedding `${apiOrigin()}/widget.js`, plus any extra page set in `extra` by path. */
export function hostServer(options: { apiOrigin: () => string; extra: Map<string, string> }): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const html = (body: string) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const extra = options.extra.get(url.pathname);
    if (extra) return html(extra);
    if (url.pathname !== '/') return void res.writeHead(404).end();
    const api = options.apiOrigin();
    const locale = url.searchParams.get('locale') ?? 'fr';
    const theme = url.searchParams.get('theme');
    const resend = url.searchParams.get('resend');
    if (url.searchParams.has('tag')) {
      return html(`<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Host page</title>
<script src="${api}/widget.js" async></script><style>${HOSTILE_CSS}</style></head>
<body><h1>Shop</h1><div><assent-optin site="demo" locale="${locale}"></assent-optin></div></body></html>`);
    }
    html(`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Host page</title>
<style>${HOSTILE_CSS}</style></head><body><h1>Shop</h1><p>Some host content.</p>
<script src="${api}/widget.js" data-site="demo" data-locale="${locale}"${theme ? ` data-theme="${theme}"` : ''}${resend ? ` data-resend-delay-ms="${resend}"` : ''} async></script>
<div class="overlay"></div></body></html>`);
  });
}
