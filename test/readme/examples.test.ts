// The README's site-owner examples work as written: every ```json block says what it is, and each request body is
// sent to its route and accepted; the example site then publishes a policy stating only what it declared; its GET
// round-trips through PUT; the inbound signing example, run with bash and openssl, is accepted (and a wrong secret
// is not); the legal defaults the README documents are the ones the code applies.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGAL_DEFAULTS, supervisoryAuthorities } from '../../worker/policy/facts.ts';
import { placeholderIn } from '../../worker/policy/placeholders.ts';
import { expectCompleteNotice } from '../policy/legal-notice.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

interface JsonBlock {
  line: number;
  marker: string | undefined;
  text: string;
}

/** Every ```json block with the HTML comment on the line before it (`<!-- request: POST /v1/sites -->`), if any. */
function jsonBlocks(markdown: string): JsonBlock[] {
  const lines = markdown.split('\n');
  const blocks: JsonBlock[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== '```json') return;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const marker = /^<!--\s*(.*?)\s*-->$/.exec(lines[i - 1]?.trim() ?? '')?.[1];
    blocks.push({ line: i + 1, marker, text: lines.slice(i + 1, end).join('\n') });
  });
  return blocks;
}

/** The ```sh block containing `needle`. */
function shBlock(needle: string): string {
  const block = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(needle));
  if (!block) throw new Error(`no sh block with ${needle}`);
  return block;
}

/** Runs a shell example with `curl` replaced by a function printing its arguments; returns the request it would send. */
function curlOf(script: string): { method: string; path: string; headers: Record<string, string>; body: string } {
  const args = execFileSync('bash', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${script}`], {
    encoding: 'utf8',
  }).split('\0');
  const headers: Record<string, string> = {};
  args.forEach((a, i) => {
    if (args[i - 1] === '-H') {
      const [name, ...rest] = a.split(': ');
      headers[name!.toLowerCase()] = rest.join(': ');
    }
  });
  const url = args.find((a) => a.startsWith('https://HOST/'))!;
  return {
    method: args[args.indexOf('-X') + 1]!,
    path: url.slice('https://HOST'.length),
    headers,
    body: args[args.indexOf('-d') + 1]!,
  };
}

let h: Harness;
beforeAll(async () => {
  // The real clock: the signing example stamps the current time.
  h = await makeHarness({ start: Date.now(), publicUrl: 'https://consent.maison-lumiere.fr' });
});
afterAll(async () => h.close());

describe('README site-owner examples', () => {
  const blocks = jsonBlocks(README);

  it('every JSON example says whether it is a request (and to which route) or something else', () => {
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(
        block.marker,
        `README.md:${block.line}: put <!-- request: METHOD /path --> (or <!-- response -->) on the line before`,
      ).toMatch(/^(request: (GET|POST|PUT|DELETE) \/\S*|response|not a request)\b/);
      expect(() => JSON.parse(block.text), `README.md:${block.line}`).not.toThrow();
    }
  });

  it('every JSON request body is accepted by its route, in README order', async () => {
    const requests = blocks.filter((b) => b.marker?.startsWith('request:'));
    expect(requests.length).toBeGreaterThan(0);
    for (const block of requests) {
      const [, method, path] = /^request: (\S+) (\S+)/.exec(block.marker!)!;
      const res = await h.app.request(path!, { ...json(JSON.parse(block.text), admin), method: method! });
      expect(res.status, `README.md:${block.line}: ${await res.clone().text()}`).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
    }
  });

  it('the example site publishes as the README shows, and its policy states what it declared and no placeholder', async () => {
    const publish = /curl -X POST https:\/\/HOST(\/v1\/sites\/myshop\/policies)[^\n]*\n[^\n]*-d '([^']*)'/.exec(
      shBlock('/policies'),
    )!;
    const res = await h.app.request(publish[1]!, json(JSON.parse(publish[2]!), admin));
    expect(res.status, await res.clone().text()).toBe(201);
    for (const locale of ['fr', 'en']) {
      const md = await (await h.app.request(`/p/myshop?format=md&locale=${locale}`)).text();
      expect(md).toContain('Twilio Ireland Limited');
      expect(md).toContain('14 rue Mercière, 69002 Lyon, France');
      expect(md).toContain(LEGAL_DEFAULTS.proofs[locale as 'fr' | 'en']);
      expectCompleteNotice(md, locale as 'fr' | 'en', 'README example policy');
      for (const line of md.split('\n').filter((l) => l.trim() && !l.startsWith('<!--')))
        expect(placeholderIn(line), line).toBeNull();
    }
  });

  it('what GET answers for the example site goes back through PUT unchanged', async () => {
    const got = await (await h.app.request('/v1/sites/myshop', { headers: admin })).json();
    const put = await h.app.request('/v1/sites/myshop', { ...json(got, admin), method: 'PUT' });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(await put.json()).toEqual(got);
  });

  it('the inbound signing example, run as written, is accepted; the same with another secret is refused', async () => {
    const script = shBlock('inbound/generic');
    const request = curlOf(script);
    expect(request.path).toBe('/v1/sites/myshop/inbound/generic');
    const res = await h.app.request(request.path, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const forged = curlOf(
      script.replace(/SECRET='[^']*'/, "SECRET='whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"),
    );
    expect(
      (await h.app.request(forged.path, { method: forged.method, headers: forged.headers, body: forged.body })).status,
    ).toBe(403);
  });

  it('documents each legal default the code applies, with its source', () => {
    expect(README).toContain(LEGAL_DEFAULTS.proofs.en);
    expect(README).toContain(LEGAL_DEFAULTS.optOut.en);
    expect(README).toContain(LEGAL_DEFAULTS.numberRequired.consequence.en);
    for (const country of Object.keys(supervisoryAuthorities)) expect(README).toContain(`(${country})`);
  });
});
