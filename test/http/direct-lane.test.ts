// The send gate's direct lane (worker/http/direct.ts, entry/node/direct.ts) answers exactly as the routes do, or not
// at all. Two node:http servers on one app: one with the lane in front as the Node entry runs it, one without. Every
// request of a corpus (answers, refusals, odd framing and headers) goes to both; status, headers, body and the
// access-log line must be the same, and the lane must have answered the requests it can (else it would prove
// nothing) and given the others back.
import { request as httpRequest, type RequestListener } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServing } from '../../worker/app.ts';
import { COMPRESS_THRESHOLD, compressResponses } from '../../worker/entry/node/compress.ts';
import { withDirectLane } from '../../worker/entry/node/direct.ts';
import { devHostNames } from '../../worker/http/dev-hosts.ts';
import { utf8Length, withDirectFetch } from '../../worker/http/direct.ts';
import { jsonLogger } from '../../worker/logger.ts';
import { ADMIN_TOKEN, confirmedConsent, makeHarness } from '../harness.ts';

interface Sent {
  method?: string;
  path?: string;
  /** Raw header pairs, sent as they are (repeats included). */
  headers: [string, string][];
  body?: string | Buffer;
}
interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, sent: Sent): Promise<Got> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: sent.method ?? 'POST',
        path: sent.path ?? '/v1/sites/demo/subscribers/lookup',
        // Raw pairs: node:http then adds no header of its own (Host, Content-Length), so they are added here.
        headers: [
          ...(sent.headers.some(([k]) => k === 'host') ? [] : [['host', `127.0.0.1:${port}`]]),
          ...(sent.body === undefined || sent.headers.some(([k]) => k === 'transfer-encoding')
            ? []
            : [['content-length', String(Buffer.byteLength(sent.body))]]),
          ...sent.headers,
        ].flat(),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', fail);
    req.end(sent.body);
  });
}

const listen = (
  listener: (fetch: RequestListener) => RequestListener,
  fetch: (r: Request) => Response | Promise<Response>,
) =>
  new Promise<ServerType>((done) => {
    const server = serve(
      {
        fetch,
        port: 0,
        hostname: '127.0.0.1',
        createServer: ((options: object, l: RequestListener) => createServer(options, listener(l))) as never,
      },
      () => done(server),
    );
  });
const portOf = (server: ServerType) => (server.address() as AddressInfo).port;

/** The app with the Node entry's compression, client address and (dev) Host guard; one server with the lane, one without. */
async function setUp(mode: 'production' | 'dev') {
  const lines: string[] = [];
  const h = await makeHarness({ mode, logger: jsonLogger({ write: (line) => lines.push(line) }), sealer: 'node' });
  await confirmedConsent(h); // +33 6 12 34 56 78
  const serving = createServing(
    {
      ...h.deps,
      compress: compressResponses(),
      clientIp: (c) => getConnInfo(c).remote.address,
      ...(mode === 'dev' ? { devHosts: devHostNames({ HOST: '127.0.0.1' }, 'http://localhost:8787') } : {}),
    },
    { compressAbove: COMPRESS_THRESHOLD },
  );
  const lane = serving.direct!;
  const nodeIp = (c: Parameters<typeof getConnInfo>[0]) => getConnInfo(c).remote.address;
  const servers = [
    await listen((l) => withDirectLane(lane, l, nodeIp), serving.app.fetch),
    await listen((l) => l, serving.app.fetch),
    // The Web-standard wrapper Deno's entry uses, here behind the Node adapter's Web Requests.
    await listen((l) => l, withDirectFetch(lane, serving.app.fetch, nodeIp) as typeof serving.app.fetch),
  ];
  const [direct, routes, fetchLane] = servers.map(portOf) as [number, number, number];
  return {
    h,
    lines,
    lane,
    direct,
    routes,
    fetchLane,
    async close() {
      for (const server of servers) await new Promise((done) => server.close(done));
      await h.close();
    },
  };
}

const json = 'application/json';
const admin = `Bearer ${ADMIN_TOKEN}`;
const base = (body: unknown, extra: [string, string][] = []): Sent => ({
  headers: [['content-type', json], ['authorization', admin], ...extra],
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

for (const mode of ['production', 'dev'] as const) {
  describe(`direct lane (${mode})`, () => {
    let env: Awaited<ReturnType<typeof setUp>>;
    let lines: string[];
    let lane: NonNullable<ReturnType<typeof createServing>['direct']>;
    let [direct, routes, fetchLane] = [0, 0, 0];
    let siteKey: string;

    beforeAll(async () => {
      env = await setUp(mode);
      ({ lines, lane, direct, routes, fetchLane } = env);
      siteKey = env.h.demoKey;
    });
    afterAll(() => env.close());

    type Outcome = 'answers' | 'gives back' | 'passes';
    /** `onFetch`: where the Web wrapper differs (its Headers join a repeated header, which the lane then refuses). */
    type Case = [name: string, sent: () => Sent, lane: Outcome, onFetch?: Outcome];
    const hostCase: Case = [
      'a Host dev mode does not answer',
      () => base({ phone: '+33612345678' }, [['host', 'evil.example']]),
      'passes',
    ];
    const cases: Case[] = [
      ['a confirmed number, E.164, admin token', () => base({ phone: '+33612345678' }), 'answers'],
      [
        'the same as typed, with the site key',
        () => ({
          ...base({ phone: '06 12 34 56 78' }),
          headers: [
            ['content-type', json],
            ['authorization', `Bearer ${siteKey}`],
          ],
        }),
        'answers',
      ],
      ['an unknown number', () => base({ phone: '+33698765432' }), 'answers'],
      [
        'a purpose and an unknown field',
        () => base({ phone: '+33612345678', purpose: 'sms-marketing', extra: 1 }),
        'answers',
      ],
      ['a purpose the policy does not declare', () => base({ phone: '+33612345678', purpose: 'promo' }), 'gives back'],
      [
        'a JSON type with parameters',
        () => ({
          ...base({ phone: '+33612345678' }),
          headers: [
            ['content-type', 'application/json; charset=utf-8'],
            ['authorization', admin],
          ],
        }),
        'answers',
      ],
      [
        'a byte order mark',
        () => ({ ...base(''), body: Buffer.from(`\uFEFF${JSON.stringify({ phone: '+33612345678' })}`) }),
        'answers',
      ],
      ['the client’s request id', () => base({ phone: '+33612345678' }, [['x-request-id', 'abc-123_=']]), 'answers'],
      ['a request id it must not keep', () => base({ phone: '+33612345678' }, [['x-request-id', 'a.b']]), 'answers'],
      ['a long request id', () => base({ phone: '+33612345678' }, [['x-request-id', 'x'.repeat(65)]]), 'answers'],
      [
        'accepting compression (a small body)',
        () => base({ phone: '+33612345678' }, [['accept-encoding', 'gzip, br']]),
        'answers',
      ],
      ['a cookie', () => base({ phone: '+33612345678' }, [['cookie', 'a=b']]), 'answers'],
      ['not a number', () => base({ phone: 'abc' }), 'gives back'],
      ['malformed JSON', () => base('{"phone":'), 'gives back'],
      ['too deep', () => base(`${'['.repeat(40)}${']'.repeat(40)}`), 'gives back'],
      ['no phone', () => base({}), 'gives back'],
      ['a bad purpose', () => base({ phone: '+33612345678', purpose: 'No!' }), 'gives back'],
      [
        'a wrong token',
        () => ({
          ...base({ phone: '+33612345678' }),
          headers: [
            ['content-type', json],
            ['authorization', 'Bearer nope-nope-nope'],
          ],
        }),
        'gives back',
      ],
      [
        'another scheme',
        () => ({
          ...base({ phone: '+33612345678' }),
          headers: [
            ['content-type', json],
            ['authorization', `Basic ${ADMIN_TOKEN}`],
          ],
        }),
        'gives back',
      ],
      [
        'an unknown site',
        () => ({ ...base({ phone: '+33612345678' }), path: '/v1/sites/nope/subscribers/lookup' }),
        'gives back',
      ],
      ['no authorization', () => ({ ...base({ phone: '+33612345678' }), headers: [['content-type', json]] }), 'passes'],
      [
        'a text body',
        () => ({
          ...base({ phone: '+33612345678' }),
          headers: [
            ['content-type', 'text/plain'],
            ['authorization', admin],
          ],
        }),
        'passes',
      ],
      [
        'no content type',
        () => ({ ...base({ phone: '+33612345678' }), headers: [['authorization', admin]] }),
        'passes',
      ],
      ['two authorizations', () => base({ phone: '+33612345678' }, [['authorization', admin]]), 'passes', 'gives back'],
      ['too large', () => base({ phone: '+33612345678', pad: 'x'.repeat(17_000) }), 'passes'],
      ['chunked', () => base({ phone: '+33612345678' }, [['transfer-encoding', 'chunked']]), 'passes'],
      [
        'a trailing slash',
        () => ({ ...base({ phone: '+33612345678' }), path: '/v1/sites/demo/subscribers/lookup/' }),
        'passes',
      ],
      [
        'a query',
        () => ({ ...base({ phone: '+33612345678' }), path: '/v1/sites/demo/subscribers/lookup?x=1' }),
        'passes',
      ],
      [
        'an escaped site',
        () => ({ ...base({ phone: '+33612345678' }), path: '/v1/sites/d%65mo/subscribers/lookup' }),
        'passes',
      ],
      ['a GET', () => ({ headers: [['authorization', admin]], method: 'GET' }), 'passes'],
      ...(mode === 'dev' ? [hostCase] : []),
    ];

    /** What must match: volatile headers (date) dropped, a generated request id replaced by its shape. */
    function comparable(got: Got, sent: Sent) {
      const headers = { ...got.headers };
      delete headers.date;
      if (typeof headers['server-timing'] === 'string')
        headers['server-timing'] = headers['server-timing'].replace(/dur=[\d.]+/, 'dur=(ms)');
      const clientId = sent.headers.find(([k]) => k === 'x-request-id')?.[1];
      if (headers['x-request-id'] !== clientId || !/^[\w\-=]{1,64}$/.test(clientId ?? ''))
        headers['x-request-id'] = /^[0-9a-f-]{36}$/.test(String(headers['x-request-id']))
          ? '(uuid)'
          : headers['x-request-id'];
      // A problem's request id is the response's: compared through the header above.
      return { status: got.status, headers, body: got.body.replace(/"requestId":"[^"]*"/, '"requestId":"(id)"') };
    }
    /** The access-log line of the last request (request id and time aside). */
    function lastLine() {
      const line = lines.filter((l) => l.includes('"msg":"request"')).at(-1);
      const { time: _t, ms: _m, requestId: _r, ...rest } = JSON.parse(line ?? '{}') as Record<string, unknown>;
      return rest;
    }

    for (const [name, make, onNode, onFetch] of cases) {
      it(`${name}: the same answer ${onNode === 'answers' ? 'from the lane' : 'from the routes'}`, async () => {
        const sent = make();
        await send(routes, sent); // caches warm (a key's site, the site), so both count the same round trips
        const viaRoutes = await send(routes, sent);
        const routesLine = lastLine();
        for (const [port, expected] of [
          [direct, onNode],
          [fetchLane, onFetch ?? onNode],
        ] as const) {
          const before = { ...lane.counts };
          const viaLane = await send(port, sent);
          const laneLine = lastLine();
          expect(comparable(viaLane, sent)).toEqual(comparable(viaRoutes, sent));
          expect(laneLine).toEqual(routesLine);
          const answered = lane.counts.answered - before.answered;
          const givenBack = lane.counts.givenBack - before.givenBack;
          expect({ answered, givenBack }).toEqual(
            expected === 'answers'
              ? { answered: 1, givenBack: 0 }
              : expected === 'gives back'
                ? { answered: 0, givenBack: 1 }
                : { answered: 0, givenBack: 0 },
          );
          if (expected === 'answers') expect(viaLane.status).toBe(200);
        }
      });
    }
  });
}

describe('direct lane and sign-in limits', () => {
  it('leaves a wrong key to the routes, which count it once: the limit holds after as many attempts', async () => {
    const firstRefusal = async (via: 'direct' | 'routes') => {
      const env = await setUp('production');
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) {
          const got = await send(env[via], {
            ...base({ phone: '+33612345678' }),
            headers: [
              ['content-type', json],
              ['authorization', 'Bearer wrong-key-0123456789'],
            ],
          });
          statuses.push(got.status);
        }
        return statuses;
      } finally {
        await env.close();
      }
    };
    const [viaLane, viaRoutes] = [await firstRefusal('direct'), await firstRefusal('routes')];
    expect(viaRoutes, 'the limit applies within 40 attempts').toContain(429);
    expect(viaLane).toEqual(viaRoutes);
  });
});

/** Raw HTTP/1.1 over one socket: each part written on its own, `pause` ms apart; the answers' bytes once it closes. */
function rawExchange(port: number, parts: string[], pause: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => got.push(chunk));
    socket.on('error', fail);
    socket.on('close', () => done(Buffer.concat(got).toString('utf8')));
    socket.on('connect', async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((next) => setTimeout(next, pause));
      }
    });
  });
}

describe('direct lane on node:http, however the body arrives', () => {
  const body = JSON.stringify({ phone: '+33612345678' });
  const head = (port: number, close: boolean) =>
    `POST /v1/sites/demo/subscribers/lookup HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Authorization: ${admin}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  const answers = (raw: string) => raw.split('HTTP/1.1 ').slice(1);

  it('answers a body sent after its head, in pieces, as one sent with it; and two requests on one connection', async () => {
    const env = await setUp('production');
    try {
      const before = env.lane.counts.answered;
      const split = await rawExchange(env.direct, [head(env.direct, true), body.slice(0, 7), body.slice(7)], 30);
      const whole = await rawExchange(env.direct, [head(env.direct, false) + body, head(env.direct, true) + body], 30);
      const together = await rawExchange(
        env.direct,
        [head(env.direct, false) + body + head(env.direct, true) + body],
        0,
      );
      const all = [...answers(split), ...answers(whole), ...answers(together)];
      expect(all).toHaveLength(5);
      for (const answer of all) {
        expect(answer.startsWith('200 OK')).toBe(true);
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
          status: 'confirmed',
          canSend: true,
        });
      }
      expect(env.lane.counts.answered - before).toBe(5);
    } finally {
      await env.close();
    }
  });
});

describe('utf8Length', () => {
  it('is the encoded length', () => {
    for (const text of ['', 'abc', '•', '+33 6 •• •• •• 78', 'é€𝄞', '\uD800x', 'x\uDC00', '😀😀']) {
      expect(utf8Length(text), text).toBe(new TextEncoder().encode(text).length);
    }
  });
});
