// The fuzz volley: every operation of /openapi.json (and the delivery callbacks) gets malformed and hostile input —
// wrong types, huge and deep values, odd numbers, unicode, path traversal, bad content types, stray credentials,
// 16 KB headers — in dev and production modes. Seeded and count-bounded: the same requests every run, a few seconds
// in all. Nothing may answer 5xx; every 4xx of the JSON API is problem+json whose status matches; no answer shows a
// stack. Then every operation once with pathological headers (16 KB User-Agent, Accept-Language, Referer, Cookie,
// Origin…): no request costs more than 20× a normal one, counted in characters run through regexes (deterministic;
// every regex over request data is linear, test/security/redos.test.ts) and, more loosely, in time.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, linkToken, makeHarness, pendingConsent, widgetFor, type Harness } from '../harness.ts';

const SEED = 0x5eed;
const PER_OPERATION = 16;
/** Routes outside the API description (pages, the console, dev tools) get fewer tries each. */
const PER_EXTRA = 6;
const EXTRAS = [
  'POST /v1/sites/{site}/delivery/twilio',
  'POST /v1/sites/{site}/delivery/webhook',
  'GET /widget.json',
  'GET /widget-0123456789abcdef.js',
  'GET /assets/proof-check.js',
  'GET /docs',
  'GET /demo',
  'GET /dev/outbox',
  'POST /dev/outbox/reply',
  'GET /console',
  'GET /console/sign-in',
  'POST /console/sign-in',
  'GET /console/settings',
  'POST /console/settings/provider',
  'POST /console/settings/origins',
  'POST /console/subscribers/lookup',
  'POST /console/subscribers/erase',
  'GET /console/subscribers.csv',
  'POST /console/policy',
  'POST /console/widget',
  'GET /console/lang/{site}',
  'POST /console/lang',
  'GET /console/assets/{site}',
  // Added this round (the tiles and the witness are in /openapi.json too; these name their shapes).
  'GET /log/{site}/tile/0/{tile}',
  'GET /log/{site}/tile/0/000.p/{tile}',
  'GET /log/{site}/tile/entries/000.p/{index}',
  'GET /log/{site}/tile/1/{tile}',
  'GET /witness/{originHash}/checkpoint',
  'POST /witness/add-checkpoint',
  'POST /u/{token}',
  'POST /c/{token}',
];

const HUGE = 16 * 1024;
/** What a browser sends, and the same headers 16 KB long (crafted where a pattern could backtrack on them). */
const NORMAL_HEADERS = {
  'user-agent':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8',
  referer: 'https://shop.example/promo',
  cookie: 'assent-console-lang=fr',
  origin: 'https://shop.example',
};
const PATHOLOGICAL_HEADERS: Record<string, string> = {
  'user-agent': `Mozilla/5.0 ${'Version/.'.repeat(HUGE / 9)}`.slice(0, HUGE),
  'accept-language': 'fr-FR;q=0.9,'.repeat(HUGE / 12).slice(0, HUGE),
  referer: `https://shop.example/${'a/'.repeat(HUGE / 2)}`.slice(0, HUGE),
  cookie: `assent-console=${'%'.repeat(HUGE / 2)}; assent_form=${'A'.repeat(HUGE / 2)}`.slice(0, HUGE),
  origin: `https://${'a-'.repeat(HUGE / 2)}.example`.slice(0, HUGE),
  'x-forwarded-for': '1.'.repeat(HUGE / 2).slice(0, HUGE),
  'if-none-match': '"'.repeat(HUGE),
  accept: 'text/html;q=0.5,'.repeat(HUGE / 16).slice(0, HUGE),
  'accept-encoding': 'br;q=0.1,'.repeat(HUGE / 9).slice(0, HUGE),
  'x-request-id': 'r'.repeat(HUGE),
};

/** mulberry32: small, seeded, good enough to pick cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

/** Percent-encodes, writing a lone surrogate as the bytes a careless client would send. */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

const deep = (n: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** Hostile scalars for path segments and query values (used raw and percent-encoded). */
const SEGMENTS = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '%00',
  '%',
  '%zz',
  'A'.repeat(5000),
  '-1',
  '0',
  '1e309',
  '0x10',
  'NaN',
  '9'.repeat(40),
  '1.5',
  ' ',
  '😀',
  '\u202e',
  'ｄｅｍｏ',
  'DEMO',
  'demo\u0000',
  "' OR 1=1 --",
  '<script>',
  '{{7*7}}',
  '$' + '{7*7}',
  '+33612345678',
  '__proto__',
  'constructor',
  '%E0%A4%A',
  '\ud800',
  'null',
  'undefined',
  '[]',
  '{}',
  'demo/../demo',
];

/** Hostile JSON values for a field: wrong types, sizes, odd numbers, unicode, depth. */
const VALUES: unknown[] = [
  null,
  true,
  0,
  -0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'x'.repeat(20_000),
  'é'.repeat(3000),
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  '\u202eevil',
  '+33612345678',
  '06 12 34 56 78',
  '0'.repeat(400),
  [],
  [1, 2],
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: { polluted: 1 } } },
  deep(40),
  deep(3),
  ['x'.repeat(10)],
  '1e309',
  'NaN',
  'Infinity',
  '0x1F',
  '١٢٣',
  'yes',
  'no',
  'fr',
  'xx-XX',
];

const FIELDS = [
  'phone',
  'phones',
  'choice',
  'locale',
  'textSha256',
  'policyVersion',
  'pageUrl',
  'challengeToken',
  'summary',
  'template',
  'variables',
  'id',
  'status',
  'from',
  'body',
  'messageId',
  'config',
  'name',
  'sms',
  'idempotencyKey',
  'country',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  'application/json; charset=utf-16',
  '',
];

interface Operation {
  method: string;
  path: string;
  tries: number;
}

interface Known {
  consentId: string;
  token: string;
  subscriberId: string;
  keyId: string;
  textSha256: string;
}

function concretePath(rng: Rng, path: string, known: Known): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (rng.chance(0.45)) {
      const valid: Record<string, string> = {
        site: 'demo',
        proofId: known.consentId,
        token: known.token,
        subscriberId: known.subscriberId,
        id: known.keyId,
        sha256: known.textSha256,
        version: '1',
        from: '1',
        to: '1',
      };
      if (valid[name]) return valid[name]!;
    }
    const s = rng.pick(SEGMENTS);
    return rng.chance(0.5)
      ? encode(s)
      : encode(s)
          .replace(/%2F/gi, rng.chance(0.5) ? '/' : '%2F')
          .replace(/%2E/gi, '.');
  });
}

function query(rng: Rng): string {
  if (rng.chance(0.5)) return '';
  const keys = ['locale', 'format', 'status', 'cursor', 'limit', 'from', 'to', 'm', '__proto__', 'x'];
  const parts: string[] = [];
  for (let i = 0, n = 1 + Math.floor(rng.next() * 3); i < n; i++)
    parts.push(
      `${rng.pick(keys)}=${encode(String(rng.pick([...SEGMENTS, 'json', 'csv', 'md', 'html', '1', '1000000'])))}`,
    );
  return `?${parts.join('&')}`;
}

function body(rng: Rng, samples: unknown[]): { contentType: string; payload: string | Uint8Array | undefined } {
  const contentType = rng.pick(CONTENT_TYPES);
  const kind = rng.next();
  let payload: string | Uint8Array | undefined;
  if (kind < 0.35) {
    const obj: Record<string, unknown> = {};
    for (let i = 0, n = 1 + Math.floor(rng.next() * 4); i < n; i++) obj[rng.pick(FIELDS)] = rng.pick(VALUES);
    payload = JSON.stringify(obj);
  } else if (kind < 0.55) payload = JSON.stringify(rng.pick(samples));
  else if (kind < 0.62) payload = JSON.stringify(deep(3000));
  else if (kind < 0.7)
    payload = '{"phone": "06 12 34 56 78", "choice": "yes"'; // cut short
  else if (kind < 0.76)
    payload = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]); // invalid UTF-8
  else if (kind < 0.82) payload = 'x'.repeat(40_000);
  else if (kind < 0.88)
    payload = new URLSearchParams({
      phone: rng.pick(SEGMENTS),
      choice: 'yes',
      Body: 'STOP',
      From: '+33612345678',
    }).toString();
  else if (kind < 0.94) payload = '';
  else payload = undefined;
  return { contentType, payload };
}

function credentials(rng: Rng, demoKey: string): Record<string, string> {
  return rng.pick<Record<string, string>>([
    {},
    { authorization: `Bearer ${demoKey}` },
    { authorization: `Bearer ${ADMIN_TOKEN}` },
    { authorization: `Bearer ${'x'.repeat(300)}` },
    { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { 'x-twilio-signature': 'AAAA', 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' },
    { origin: 'null', 'sec-fetch-site': 'cross-site' },
    { 'accept-language': `*;q=2, ${'x'.repeat(500)}`, accept: 'application/json;q=abc' },
    { 'x-forwarded-for': `127.0.0.1, ${'a'.repeat(100)}`, 'x-request-id': '../../\u00e9' },
    { cookie: `assent_session=${'x'.repeat(43)}; assent_form=../../etc` },
    { cookie: `assent_form=AAAAAAAAAAAAAAAAAAAAAA; assent_session=${'%'.repeat(200)}` },
    { 'user-agent': PATHOLOGICAL_HEADERS['user-agent']!, 'accept-language': PATHOLOGICAL_HEADERS['accept-language']! },
    { referer: PATHOLOGICAL_HEADERS.referer!, cookie: PATHOLOGICAL_HEADERS.cookie! },
    PATHOLOGICAL_HEADERS,
  ]);
}

/** The API answers problem+json; HTML pages (hosted form, links, policies, proofs) may answer a page. */
const isApi = (path: string) =>
  path.startsWith('/v1/') || /^\/proofs\/[^/]+\/match$/.test(path) || path === '/.well-known/jwks.json';

describe.each(['dev', 'production'] as const)('fuzz volley (%s mode)', (mode) => {
  let h: Harness;
  let known: Known;
  let operations: Operation[];
  beforeAll(async () => {
    h = await makeHarness({ mode });
    const consentId = await pendingConsent(h);
    const lookup = await h.app.request('/v1/sites/demo/subscribers/lookup', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+33612345678' }),
    });
    const keys = (await (
      await h.app.request('/v1/sites/demo/keys', { headers: { authorization: `Bearer ${h.demoKey}` } })
    ).json()) as { keys: { id: string }[] };
    known = {
      consentId,
      token: linkToken(h, 'c'),
      subscriberId: ((await lookup.json()) as { subscriberId: string }).subscriberId,
      keyId: keys.keys[0]!.id,
      textSha256: (await widgetFor(h)).textSha256,
    };
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, tries: PER_OPERATION })),
    );
    for (const extra of EXTRAS) {
      const [method, path] = extra.split(' ') as [string, string];
      operations.push({ method, path, tries: PER_EXTRA });
    }
  });
  afterAll(() => h.close());

  it('no 5xx, problem+json on every API 4xx, no stack, in a few seconds', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const rng = prng(SEED + (mode === 'dev' ? 0 : 1));
    const samples = fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed: SEED, numRuns: 100 });
    const failures: string[] = [];
    let sent = 0;
    const started = performance.now();
    for (const op of operations) {
      for (let i = 0; i < op.tries; i++) {
        const path = concretePath(rng, op.path, known);
        const url = `${path}${query(rng)}`;
        const headers: Record<string, string> = { ...credentials(rng, h.demoKey) };
        const init: RequestInit = {
          method: rng.chance(0.08) ? rng.pick(['PATCH', 'OPTIONS', 'HEAD', 'PROPFIND']) : op.method,
          headers,
        };
        if (init.method !== 'GET' && init.method !== 'HEAD') {
          const { contentType, payload } = body(rng, samples);
          if (contentType) headers['content-type'] = contentType;
          if (payload !== undefined) init.body = payload as BodyInit;
        }
        let res: Response;
        try {
          res = await h.app.request(url, init);
        } catch (error) {
          failures.push(`${init.method} ${url.slice(0, 120)} threw ${(error as Error).name}`);
          continue;
        }
        sent++;
        const text = await res.text();
        const type = res.headers.get('content-type') ?? '';
        const where = `${init.method} ${url.slice(0, 120)} → ${res.status}`;
        if (res.status >= 500) failures.push(`${where}: ${text.slice(0, 200)}`);
        if (/\n\s+at .+\.(ts|js):\d+/.test(text)) failures.push(`${where}: shows a stack`);
        if (
          res.status >= 400 &&
          res.status < 500 &&
          isApi(new URL(url, 'https://x').pathname) &&
          init.method !== 'HEAD'
        ) {
          if (!type.startsWith('application/problem+json'))
            failures.push(`${where}: ${type || 'no content type'} instead of problem+json`);
          else if ((JSON.parse(text) as { status: number }).status !== res.status)
            failures.push(`${where}: problem status differs`);
        }
      }
    }
    const ms = performance.now() - started;
    console.log(`fuzz ${mode}: ${sent} requests over ${operations.length} operations in ${Math.round(ms)} ms`);
    expect(failures).toEqual([]);
    expect(sent).toBe(operations.reduce((n, op) => n + op.tries, 0));
  });

  it('pathological headers on every operation: no 5xx, and none costs more than 20× a normal request', async () => {
    const rng = prng(SEED + 7);
    const requests = operations.map((op) => {
      const path = concretePath(rng, op.path, known).replace(/\{\w+\}/g, 'x');
      const body =
        op.method === 'GET' || op.method === 'HEAD'
          ? undefined
          : JSON.stringify({ phone: '06 12 34 56 78', choice: 'yes', locale: 'fr' });
      return { op, path, body };
    });
    const send = (r: (typeof requests)[number], headers: Record<string, string>) =>
      h.app.request(r.path, {
        method: r.op.method,
        headers: { ...headers, ...(r.body ? { 'content-type': 'application/json' } : {}) },
        ...(r.body ? { body: r.body } : {}),
      });
    const normal: number[] = [];
    const pathological: number[] = [];
    const sentBytes = (r: (typeof requests)[number], headers: Record<string, string>) =>
      Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, r.path.length + (r.body?.length ?? 0));
    const failures: string[] = [];
    for (const r of requests) {
      normal.push((await regexWork(async () => (await send(r, NORMAL_HEADERS)).text())).chars);
      const { chars, result } = await regexWork(async () => {
        const res = await send(r, PATHOLOGICAL_HEADERS);
        return { status: res.status, text: await res.text() };
      });
      pathological.push(chars);
      if (result.status >= 500)
        failures.push(`${r.op.method} ${r.path} → ${result.status}: ${result.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    // Regex work stays linear in what was sent: no request makes the regexes scan more than 20 times its own bytes
    // (a quadratic pattern over a 16 KB header would scan ~10^8 characters; bounding a header before its pattern
    // keeps it far below). Reading 16 KB is what a server does for any request that size; amplifying it is the attack.
    const perByte = pathological.map((chars, i) => ({
      chars,
      ratio: chars / sentBytes(requests[i]!, PATHOLOGICAL_HEADERS),
      what: `${requests[i]!.op.method} ${requests[i]!.path}`,
    }));
    const worst = [...perByte].sort((a, b) => b.ratio - a.ratio);
    const typical = [...normal].sort((a, b) => a - b)[Math.floor(normal.length / 2)]!;
    console.log(
      `fuzz ${mode}: regex work per request, typical ${typical} characters, at most ${Math.max(...normal)}; with 16 KB headers at most ${Math.max(...pathological)} ` +
        `(${worst[0]!.ratio.toFixed(2)} per byte sent, ${worst[0]!.what})`,
    );
    expect(
      worst
        .filter((w) => w.ratio > 20)
        .map((w) => `${w.what}: ${w.chars} characters, ${w.ratio.toFixed(1)} per byte sent`),
    ).toEqual([]);

    // The same in time, loosely: the whole volley, three rounds each way, measured in this run. Here one header at a
    // time is 16 KB (a Node server refuses more than 16 KB of headers in all), in turn.
    const keys = Object.keys(PATHOLOGICAL_HEADERS);
    const round = async (pathological: boolean) => {
      const t = performance.now();
      for (const [i, r] of requests.entries()) {
        const key = keys[i % keys.length]!;
        await (
          await send(r, pathological ? { ...NORMAL_HEADERS, [key]: PATHOLOGICAL_HEADERS[key]! } : NORMAL_HEADERS)
        ).arrayBuffer();
      }
      return performance.now() - t;
    };
    const times = { normal: [] as number[], pathological: [] as number[] };
    for (let i = 0; i < 3; i++) {
      times.normal.push(await round(false));
      times.pathological.push(await round(true));
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(
      `fuzz ${mode}: ${requests.length} requests in ${Math.round(best(times.normal))} ms with normal headers, ${Math.round(best(times.pathological))} ms with 16 KB ones`,
    );
    expect(best(times.pathological)).toBeLessThan(20 * best(times.normal));
  }, 120_000);
});

/**
 * Runs `work` counting the characters regexes scan meanwhile (String.replace, match, split and RegExp.test all go
 * through exec): a search from the start counts the whole input (a lookahead may read it all); one resumed from
 * lastIndex (global, sticky) counts up to the end of its match, or of the input when none.
 */
async function regexWork<T>(work: () => Promise<T>): Promise<{ chars: number; result: T }> {
  const exec = RegExp.prototype.exec;
  let chars = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    const text = String(s);
    const resumed = this.global || this.sticky;
    const from = resumed ? this.lastIndex : 0;
    const match = exec.call(this, text);
    chars += resumed && match ? match.index + match[0].length - from + 1 : text.length - from;
    return match;
  };
  try {
    const result = await work();
    return { chars, result };
  } finally {
    RegExp.prototype.exec = exec;
  }
}
