// No phone number in any URL: not in a documented path or query parameter (OpenAPI, README), not accepted by the
// routes that used to take one, and never in the access log of requests that carried one in their body.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../worker/logger.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const PHONE = { typed: '06 12 34 56 78', e164: '+33612345678' };
/** Any form a number takes in a URL: a parameter named for it, an escaped plus, or a run of digits (not a hash). */
const NUMBERISH_NAME = /phone|msisdn|e164|number/i;
const NUMBERISH_VALUE = /%2B|\+\d|(?<![0-9a-f])\d{6,}(?![0-9a-f])|\d{2}[ .-]\d{2}[ .-]\d{2}/i;

let h: Harness;
let lines: string[];
beforeEach(async () => {
  lines = [];
  h = await makeHarness({ logger: jsonLogger({ write: (line) => lines.push(line) }) });
});
afterEach(async () => h.close());

async function confirm() {
  await optIn(h, PHONE.typed);
  await h.flush();
  expect((await h.app.request(`/c/${linkToken(h, 'c', PHONE.e164)}`, { method: 'POST' })).status).toBe(200);
}

type Operation = { parameters?: { name: string; in: string; description?: string }[] };

describe('the documented API', () => {
  it('/openapi.json has no path or query parameter that carries a number', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/sites/{site}/subscribers/lookup', '/v1/sites/{site}/subscribers/check']),
    );
    for (const path of paths) {
      for (const name of path.match(/\{[^}]+\}/g) ?? []) expect(name, path).not.toMatch(NUMBERISH_NAME);
      expect(path).not.toMatch(NUMBERISH_VALUE);
      for (const [method, operation] of Object.entries(doc.paths[path]!)) {
        for (const p of operation.parameters ?? []) {
          if (p.in !== 'path' && p.in !== 'query') continue;
          expect(`${method} ${path} ${p.in} ${p.name}`).not.toMatch(NUMBERISH_NAME);
          expect(p.description ?? '', `${method} ${path} ${p.name}`).not.toMatch(/phone|E\.164/i);
        }
      }
    }
  });

  it('the README shows no URL or route with a number in it', () => {
    const urls = [...README.matchAll(/https?:\/\/[^\s`'")\]]+/g)].map((m) => m[0]);
    const routes = [...README.matchAll(/`(?:GET|POST|PUT|DELETE)?\s*(\/[^`\s]*)/g)].map((m) => m[1]!);
    expect(urls.some((u) => u.includes('/subscribers/lookup'))).toBe(true);
    expect(routes.filter((r) => r.includes('subscribers')).length).toBeGreaterThan(0);
    for (const url of [...urls, ...routes]) {
      expect(url).not.toMatch(/\{phone\}|\{number\}/i);
      expect(url).not.toMatch(NUMBERISH_VALUE);
    }
  });

  it("the README's gate examples run as shown", async () => {
    await confirm();
    const examples = [
      ...README.matchAll(/```sh\n(curl https:\/\/HOST\/v1\/sites\/myshop\/subscribers\/[\s\S]*?)```/g),
    ].map((m) => m[1]!);
    expect(examples.length).toBe(2);
    for (const example of examples) {
      const [command, comment] = example.split('\n# ');
      const path = /https:\/\/HOST(\/\S+)/.exec(command!)![1]!.replace('/myshop/', '/demo/');
      const body = /-d '([^']+)'/.exec(command!)![1]!;
      const res = await h.app.request(path, json(JSON.parse(body), { authorization: `Bearer ${h.demoKey}` }));
      expect(res.status, path).toBe(200);
      const got = (await res.json()) as Record<string, unknown>;
      const shown = JSON.parse(comment!.trim()) as Record<string, unknown>;
      // Shown values stand for themselves, except the elided ones (…) and the HOST placeholder.
      const like = (value: unknown): unknown =>
        typeof value === 'string' && value.includes('…')
          ? expect.stringMatching(
              new RegExp(
                `^${value
                  .replace('HOST', 'assent.test')
                  .split('…')
                  .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
                  .join('.+')}$`,
              ),
            )
          : Array.isArray(value)
            ? value.map(like)
            : value && typeof value === 'object'
              ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, like(v)]))
              : value;
      expect(got).toEqual(like(shown));
    }
  });
});

describe('the routes that took a number', () => {
  it('are gone: every form of the number in the path is a 404 that reads and changes nothing', async () => {
    await confirm();
    const before = await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: PHONE.e164 }, admin));
    const gate = (await before.json()) as { subscriberId: string };
    for (const form of [encodeURIComponent(PHONE.e164), PHONE.e164, '0612345678', encodeURIComponent(PHONE.typed)]) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/export'],
        ['DELETE', ''],
      ] as const) {
        const res = await h.app.request(`/v1/sites/demo/subscribers/${form}${suffix}`, { method, headers: admin });
        expect(res.status, `${method} ${form}${suffix}`).toBe(404);
        const text = await res.text();
        expect(text).not.toContain('"status":"confirmed"');
        // The 404 names the path it got, but not the number in it.
        expect(text).not.toMatch(/612345678|12%2034|%2B33/);
      }
    }
    const after = (await (
      await h.app.request(`/v1/sites/demo/subscribers/${gate.subscriberId}`, { headers: admin })
    ).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ status: 'confirmed', canSend: true });
  });
});

describe('the access log', () => {
  it('never holds the digits of a number the requests carried', async () => {
    await confirm();
    const { subscriberId } = (await (
      await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: PHONE.typed }, admin))
    ).json()) as {
      subscriberId: string;
    };
    await h.app.request(
      '/v1/sites/demo/subscribers/check',
      json({ phones: [PHONE.e164, '+33698765432', 'nope'] }, admin),
    );
    await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}/export`, { headers: admin });
    await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '06 98 76 54' }, admin)); // a 422
    await h.app.request(`/v1/sites/demo/subscribers/${encodeURIComponent(PHONE.e164)}`, { headers: admin }); // an old URL
    await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: admin });
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(8);
    const log = lines.join('\n');
    for (const digits of ['612345678', '6 12 34 56 78', '12 34 56', '698765432', '98 76 54', '%2B33', '+336']) {
      expect(log).not.toContain(digits);
    }
    expect(log).not.toContain(subscriberId);
  });
});
