// Finding 3 of the third hardening round: ReDoS on the User-Agent, unauthenticated. Every regex in the server's
// source (worker/, found by the TypeScript parser, not listed by hand; modules that never see a request listed apart
// with why) and the ones Hono runs over requests (cookies, request ids, If-None-Match, paths and queries) goes
// through a ReDoS checker; and a 16 KB User-Agent built to make
// the old Safari pattern backtrack never reaches a regex longer than MAX_USER_AGENT.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { browserFamily, MAX_USER_AGENT, USER_AGENT_PATTERNS } from '../../worker/domain/consent/client-info.ts';
import { originAllowed } from '../../worker/domain/site/config.ts';
import { appWithTestIp, json, makeHarness, widgetFor, type Harness } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');

/**
 * Modules whose regexes never see a request, each with why; everything else under worker/ is scanned, so a new
 * pattern anywhere a request can reach is checked. (The policy's validation, placeholders.ts and facts.ts, is
 * scanned: it reads the site configuration a PUT sends.)
 */
const NOT_OVER_REQUESTS: [prefix: string, why: string][] = [
  ['worker/policy/markdown.ts', 'the Markdown rendered from our templates at publish time'],
  ['worker/policy/template.ts', 'our policy templates'],
  ['worker/policy/readability.ts', 'the Markdown rendered from our templates'],
  ['worker/policy/typography.ts', 'the text rendered from our templates'],
  [
    'worker/verify/',
    "the verifier: evidence, proofs and checkpoints on an auditor's machine or page, or the server's own records",
  ],
  ['worker/witness/policy.ts', "the operator's witness policy file, read at start"],
];
/** Single patterns of a library that never see a request. */
const LIBRARY_NOT_OVER_REQUESTS: Record<string, string[]> = {
  // Hono's routing-path parser: run over the routes we register, never over a request's path.
  'hono/utils/url.js': ['\\{[^}]+\\}'],
};

/** Hono's modules that run regexes over what a request carries. */
const HONO_REQUEST_PARSERS = [
  'utils/cookie.js',
  'utils/url.js',
  'middleware/request-id/request-id.js',
  'middleware/etag/index.js',
  'helper/accepts/accepts.js',
  'utils/accept.js',
];

interface Found {
  where: string;
  file: string;
  source: string;
  flags: string;
}

function regexLiterals(file: string, text: string, where = file): Found[] {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: Found[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const end = literal.lastIndexOf('/');
      found.push({
        where: `${where}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`,
        file: where,
        source: literal.slice(1, end),
        flags: literal.slice(end + 1),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function allRegexes(): Found[] {
  const files = (readdirSync(join(ROOT, 'worker'), { recursive: true }) as string[])
    .map((f) => `worker/${f.split('\\').join('/')}`)
    .filter((f) => /\.tsx?$/.test(f) && !f.startsWith('worker/generated/'));
  const ours = files.flatMap((f) => regexLiterals(f, readFileSync(join(ROOT, f), 'utf8')));
  const hono = HONO_REQUEST_PARSERS.flatMap((f) =>
    regexLiterals(f, readFileSync(join(ROOT, 'node_modules/hono/dist', f), 'utf8'), `hono/${f}`),
  );
  // Built at run time: an origin pattern a site configures (matched against the request's Origin), and every
  // User-Agent pattern as it is exported (the scan above sees their literals too).
  const built = [
    originAllowedRegex('https://*.*.shop.example'),
    originAllowedRegex('http://localhost:*'),
    ...USER_AGENT_PATTERNS.map((re) => ({
      where: 'USER_AGENT_PATTERNS',
      file: 'client-info',
      source: re.source,
      flags: re.flags,
    })),
  ];
  return [...ours, ...hono, ...built];
}

/** The RegExp originAllowed builds for a pattern, caught as it is tested. */
function originAllowedRegex(pattern: string): Found {
  let seen: RegExp | undefined;
  const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    if (s === 'https://probe.example') seen ??= this;
    return exec.call(this, s);
  };
  try {
    originAllowed('https://probe.example', [pattern]);
  } finally {
    RegExp.prototype.exec = exec;
  }
  return { where: `originAllowed(${pattern})`, file: 'site-config', source: seen!.source, flags: seen!.flags };
}

describe('every regex over request data is linear', () => {
  it('a ReDoS checker finds none vulnerable (policy templates aside, listed by source)', () => {
    const regexes = allRegexes();
    expect(regexes.length).toBeGreaterThan(200);
    const exempt = (r: Found) =>
      NOT_OVER_REQUESTS.some(([prefix]) => r.file.startsWith(prefix)) ||
      (LIBRARY_NOT_OVER_REQUESTS[r.file]?.includes(r.source) ?? false);
    const failures: string[] = [];
    const checked = new Map<string, ReturnType<typeof checkSync>>();
    for (const r of regexes) {
      if (exempt(r)) continue;
      // A fixed seed: patterns the automaton cannot model (lookbehind) are fuzzed, the same way every run.
      const key = `/${r.source}/${r.flags}`;
      const diagnostics =
        checked.get(key) ??
        checkSync(r.source, r.flags, {
          timeout: 60_000,
          randomSeed: 20,
          // Step counts decide, not the wall clock: on a loaded machine a 1 s attack timeout called linear patterns slow.
          attackTimeout: null,
          incubationTimeout: null,
          seedingTimeout: null,
        });
      checked.set(key, diagnostics);
      if (diagnostics.status !== 'safe') {
        const why =
          diagnostics.status === 'vulnerable'
            ? `${diagnostics.complexity.summary}, e.g. ${diagnostics.attack.pattern}`
            : diagnostics.error.kind;
        const hint = r.source === '\\/+$' ? ' — use withoutTrailingSlashes (net/outbound.ts)' : '';
        failures.push(`${r.where} /${r.source}/${r.flags}: ${diagnostics.status} (${why})${hint}`);
      }
    }
    expect(failures).toEqual([]);
    // The library exemptions still name patterns that exist (none left over after an upgrade).
    for (const [file, sources] of Object.entries(LIBRARY_NOT_OVER_REQUESTS))
      for (const s of sources)
        expect(
          regexes.some((r) => r.file === file && r.source === s),
          `${file} ${s}`,
        ).toBe(true);
  }, 180_000);
});

/** Records the length of every string a regex runs over while `run` runs (String.replace/match/split and test go through exec). */
async function regexInputs<T>(
  run: () => Promise<T> | T,
): Promise<{ result: T; inputs: { re: RegExp; length: number }[] }> {
  const inputs: { re: RegExp; length: number }[] = [];
  const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    inputs.push({ re: this, length: String(s).length });
    return exec.call(this, s);
  };
  try {
    return { result: await run(), inputs };
  } finally {
    RegExp.prototype.exec = exec;
  }
}

// The shape that made `\bVersion\/[\d.]+.*\bSafari\/` backtrack: many "Version/." and no "Safari/".
const ATTACK_UA = `Mozilla/5.0 ${'Version/.'.repeat((16 * 1024) / 9)}`;

describe('a 16 KB User-Agent', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('reaches no User-Agent pattern longer than MAX_USER_AGENT, and still names the family of a real one', async () => {
    expect(ATTACK_UA.length).toBeGreaterThan(16_000);
    const { result, inputs } = await regexInputs(() => browserFamily(ATTACK_UA));
    expect(result).toBe('Other, Other');
    expect(Math.max(...inputs.map((i) => i.length))).toBeLessThanOrEqual(MAX_USER_AGENT);
    const safari =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    expect(browserFamily(safari)).toBe('Safari, iOS');
    expect(browserFamily(safari + ' x'.repeat(8000))).toBe('Safari, iOS');
  });

  it('on a consent POST (answered, even when limited): no User-Agent pattern sees more than MAX_USER_AGENT', async () => {
    h = await makeHarness();
    const app = appWithTestIp(h);
    const w = await widgetFor(h);
    const patterns = new Set(USER_AGENT_PATTERNS);
    const { result: res, inputs } = await regexInputs(() =>
      app.request(
        '/v1/sites/demo/consents',
        json({ phone: '06 12 34 56 78', choice: 'yes', ...w }, { 'user-agent': ATTACK_UA }),
      ),
    );
    expect(res.status).toBe(202);
    const seen = inputs.filter((i) => patterns.has(i.re));
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen.map((i) => i.length))).toBeLessThanOrEqual(MAX_USER_AGENT);
  });
});
