// A stand-in Assent server for the widget's browser tests: two origins on 127.0.0.1 (a hostile host page, and an
// API serving /widget.js, the widget document, /consents and the hosted page) that follow the public contract.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { buildWidget } from '../../widget/build.ts';
import { widgetDocument, type WidgetSiteConfig } from '../../worker/domain/widget-texts.ts';
import { renderHostedPage, type HostedState } from '../../worker/pages/hosted.tsx';

export const DEMO_CONFIG: WidgetSiteConfig = {
  program: {
    name: 'Demo Shop',
    description: { fr: 'Offres et nouveautés de Demo Shop.', en: 'Demo Shop offers and news.' },
    frequency: { fr: 'Au plus 4 SMS par mois.', en: 'Up to 4 messages a month.' },
    helpContact: 'help@demo.example',
  },
  locales: ['fr', 'en'],
  defaultLocale: 'fr',
  defaultCountry: 'FR',
  allowedCountries: ['FR', 'BE'],
};

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

export interface ConsentPost {
  body: Record<string, unknown>;
  status: number;
}

export interface StandIn {
  apiOrigin: string;
  hostOrigin: string;
  /** Every POST /consents the API received (parsed JSON and the status answered). */
  posts: ConsentPost[];
  /** SMS the API "sent" (confirmation requests). */
  outbox: { to: string; body: string }[];
  /** Stored "no" choices: a counter only, nothing personal. */
  declines: number;
  /** Answer the next consent POST with 429. */
  rateLimitNext: boolean;
  hostPageUrl(options?: { locale?: string; theme?: string; resendDelayMs?: number; tag?: boolean }): string;
  /** Extra pages served on the host origin, by path (e.g. the bench pages). */
  hostPages: Map<string, string>;
  /** Forget posts, outbox and counters between tests. */
  reset(): void;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

const readBody = async (req: IncomingMessage) => {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data;
};

export async function startStandIn(options: { config?: WidgetSiteConfig } = {}): Promise<StandIn> {
  const config = options.config ?? DEMO_CONFIG;
  const bundle = await buildWidget();
  const served = new Set<string>();
  const docs = new Map<string, Awaited<ReturnType<typeof widgetDocument>>>();
  const docFor = async (locale: string | null) => {
    const cached = docs.get(locale ?? '');
    if (cached) return structuredClone(cached);
    const doc = await widgetDocument({ site: 'demo', config, locale, policy: { version: 1, url: `${state.apiOrigin}/p/demo/1` } });
    served.add(doc.textSha256);
    docs.set(locale ?? '', doc);
    return structuredClone(doc);
  };

  const problem = (res: ServerResponse, status: number, code: string, extra: Record<string, unknown> = {}, headers = {}) => {
    res.writeHead(status, { ...cors, ...headers, 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: `https://assent.dev/problems/${code.replace(/_/g, '-')}`, title: 'Error', status, detail: code, code, ...extra }));
  };

  // The lifecycle the real server runs, reduced to what the widget can observe.
  const consent = async (body: Record<string, any>): Promise<{ status: number; json?: unknown; code?: string; errors?: unknown; field?: string }> => {
    if (state.rateLimitNext) {
      state.rateLimitNext = false;
      return { status: 429, code: 'rate_limited' };
    }
    if (!served.has(body.textSha256)) return { status: 409, code: 'stale_texts' };
    if (body.choice === 'no') {
      state.declines++;
      return { status: 204 };
    }
    const phone = parsePhoneNumberFromString(String(body.phone ?? ''), (body.country ?? 'FR') as CountryCode);
    if (body.choice !== 'yes' || !phone?.isValid()) {
      return { status: 422, code: 'validation_failed', errors: [{ path: 'phone', message: 'Invalid phone number' }], field: 'phone' };
    }
    const e164 = phone.number;
    state.outbox.push({ to: e164, body: `Demo Shop: confirm at ${state.apiOrigin}/c/tok. STOP to opt out.` });
    const maskedPhone = `${e164.slice(0, 3)} •• •• •• ${e164.slice(-2)}`;
    return { status: 202, json: { consentId: 'c_1', proofUrl: `${state.apiOrigin}/proofs/p_1`, status: 'pending', expiresAt: '2026-01-03T00:00:00Z', maskedPhone } };
  };

  let cors: Record<string, string> = {};
  const api = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', state.apiOrigin);
    cors = { 'access-control-allow-origin': state.hostOrigin, vary: 'Origin' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' });
      return res.end();
    }
    if (url.pathname === '/widget.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(bundle.code);
    }
    if (url.pathname === '/v1/sites/demo/widget') {
      const doc = await docFor(url.searchParams.get('locale'));
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'public, max-age=300' });
      return res.end(JSON.stringify(doc));
    }
    if (url.pathname === '/v1/sites/demo/consents' && req.method === 'POST') {
      const body = JSON.parse(await readBody(req));
      const out = await consent(body);
      state.posts.push({ body, status: out.status });
      if (out.code) return problem(res, out.status, out.code, out.errors ? { errors: out.errors } : {}, out.status === 429 ? { 'retry-after': '60' } : {});
      res.writeHead(out.status, { ...cors, ...(out.json ? { 'content-type': 'application/json' } : {}) });
      return res.end(out.json ? JSON.stringify(out.json) : undefined);
    }
    if (url.pathname === '/s/demo') {
      let hosted: HostedState = 'idle';
      const doc = await docFor(url.searchParams.get('locale'));
      if (req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
        const out = await consent(form);
        state.posts.push({ body: form, status: out.status });
        const json = out.json as { maskedPhone: string } | undefined;
        hosted = out.code ? { kind: 'error', code: out.field ? 'invalid_phone' : out.code } : json ? { kind: 'sent', maskedPhone: json.maskedPhone } : { kind: 'declined' };
      }
      res.writeHead(out2xx(hosted), { 'content-type': 'text/html; charset=utf-8' });
      return res.end(renderHostedPage({ site: 'demo', widget: doc, state: hosted, formAction: '/s/demo', widgetScriptUrl: '/widget.js' }));
    }
    res.writeHead(404).end();
  });
  const out2xx = (hosted: HostedState) => (hosted !== 'idle' && hosted.kind === 'error' ? 422 : 200);

  const host = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.hostOrigin);
    const extra = state.hostPages.get(url.pathname);
    if (extra) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(extra);
    const locale = url.searchParams.get('locale') ?? 'fr';
    const theme = url.searchParams.get('theme');
    const resend = url.searchParams.get('resend');
    if (url.searchParams.has('tag')) {
      // The other embed style: script in <head>, widget placed with <assent-optin>.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Host page</title>
<script src="${state.apiOrigin}/widget.js" async></script><style>${HOSTILE_CSS}</style></head>
<body><h1>Shop</h1><div><assent-optin site="demo" locale="${locale}"></assent-optin></div></body></html>`);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Host page</title>
<style>${HOSTILE_CSS}</style></head><body><h1>Shop</h1><p>Some host content.</p>
<script src="${state.apiOrigin}/widget.js" data-site="demo" data-locale="${locale}"${theme ? ` data-theme="${theme}"` : ''}${resend ? ` data-resend-delay-ms="${resend}"` : ''} async></script>
<div class="overlay"></div></body></html>`);
  });

  const state: StandIn = {
    apiOrigin: '',
    hostOrigin: '',
    posts: [],
    outbox: [],
    declines: 0,
    rateLimitNext: false,
    hostPages: new Map(),
    hostPageUrl: (o = {}) =>
      `${state.hostOrigin}/?locale=${o.locale ?? 'fr'}${o.theme ? `&theme=${o.theme}` : ''}${o.resendDelayMs ? `&resend=${o.resendDelayMs}` : ''}${o.tag ? '&tag' : ''}`,
    reset: () => {
      state.posts.length = 0;
      state.outbox.length = 0;
      state.declines = 0;
      state.rateLimitNext = false;
    },
    close: async () => {
      await Promise.all([api, host].map((s) => new Promise((r) => s.close(r))));
    },
  };
  state.apiOrigin = await listen(api);
  state.hostOrigin = await listen(host);
  return state;
}
