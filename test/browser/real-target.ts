// The real app for the browser tests: makeHarness's in-memory app served over HTTP on 127.0.0.1 (its publicUrl is
// that origin), plus a hostile host page on a second origin. Records what the browser posted, flushes the jobs
// after every write so the outbox holds what was sent, and drives the real rate limiter on request.
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { ADMIN_TOKEN, json, makeHarness, widgetFor, type Harness } from '../harness.ts';
import { closeServer, hostPageQuery, hostServer, listen, type HostPageOptions } from './host-page.ts';

export interface ConsentPost {
  /** The parsed JSON (widget) or form fields (hosted page). */
  body: Record<string, unknown>;
  status: number;
}

export interface Target {
  apiOrigin: string;
  hostOrigin: string;
  /** Every consent submission the browser made: POST /v1/sites/demo/consents and POST /s/demo. */
  posts: ConsentPost[];
  /** Messages the console provider delivered (the jobs run after every write, before the answer leaves). */
  readonly outbox: { to: string; body: string }[];
  /** The demo site's stored "no" count: a counter only, nothing personal. */
  readonly declines: number;
  /** Make the next consent submission exceed the site's real per-IP limit (it then answers 429). */
  rateLimitNext: boolean;
  hostPageUrl(options?: HostPageOptions): string;
  /** Extra pages served on the host origin, by path (e.g. the bench pages). */
  hostPages: Map<string, string>;
  /** The app behind the API origin (repositories, outbox, clock). Replaced by reset(). */
  readonly harness: Harness;
  /** A fresh app (empty database with the demo site), and no recorded posts. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const isSubmission = (req: Request, path: string) =>
  req.method === 'POST' && (path === '/v1/sites/demo/consents' || path === '/s/demo');

export async function startTarget(): Promise<Target> {
  let h: Harness;
  let declines = 0;

  const siteConfig = async () =>
    ((await (await h.app.request('/v1/sites/demo', { headers: ADMIN })).json()) as { config: Record<string, any> })
      .config;
  const putConfig = async (config: Record<string, unknown>) => {
    const res = await h.app.request('/v1/sites/demo', {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    if (res.status !== 200) throw new Error(`PUT /v1/sites/demo answered ${res.status}: ${await res.text()}`);
  };

  /** Lowers perIpPerHour to 1 through the admin API and uses it up; returns the config to put back. */
  const exhaustIpLimit = async () => {
    const original = await siteConfig();
    await putConfig({ ...original, limits: { ...original.limits, perIpPerHour: 1 } });
    // The per-IP counter is hit before the number is read, so an unreadable number uses it up and sends nothing.
    const shown = await widgetFor(h);
    for (let i = 0; i < 3; i++) {
      const res = await h.app.request('/v1/sites/demo/consents', json({ phone: '1', choice: 'yes', ...shown }));
      if (res.status === 429) return original;
    }
    throw new Error('the per-IP limit never answered 429');
  };

  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (!isSubmission(req, path)) {
      const res = await h.app.fetch(req);
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') await h.flush();
      return res;
    }
    const restore = state.rateLimitNext ? await exhaustIpLimit() : null;
    const text = await req.clone().text();
    const res = await h.app.fetch(req);
    const body =
      path === '/s/demo'
        ? Object.fromEntries(new URLSearchParams(text))
        : (JSON.parse(text) as Record<string, unknown>);
    state.posts.push({ body, status: res.status });
    if (restore) {
      state.rateLimitNext = false;
      await putConfig(restore);
    }
    // What the Node entry's onQueued does: the confirmation leaves before the visitor looks at their phone.
    await h.flush();
    declines = (await h.ctx.sites.get('demo'))!.declines;
    return res;
  };

  const api = createServer(getRequestListener(handle));
  const hostPages = new Map<string, string>();
  const host = hostServer({ apiOrigin: () => state.apiOrigin, extra: hostPages });
  const apiOrigin = await listen(api);
  const fresh = () => makeHarness({ publicUrl: apiOrigin });
  h = await fresh();

  const state: Target = {
    apiOrigin,
    hostOrigin: await listen(host),
    posts: [],
    get outbox() {
      return h.outbox.list().map((m) => ({ to: m.to, body: m.body }));
    },
    get declines() {
      return declines;
    },
    rateLimitNext: false,
    hostPages,
    hostPageUrl: (o = {}) => `${state.hostOrigin}${hostPageQuery(o)}`,
    get harness() {
      return h;
    },
    async reset() {
      const old = h;
      h = await fresh();
      await old.close();
      state.posts.length = 0;
      state.rateLimitNext = false;
      declines = 0;
    },
    close: async () => {
      await Promise.all([closeServer(api), closeServer(host)]);
      await h.close();
    },
  };
  return state;
}
